package jdl

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/chinatrace"
)

// relayedTraces are two waybills' traces as an aggregator relayed them to
// a shop, time and text only, kept as rows of a SQL dump in a public
// repository (`logistics_tbl`, rows 221-238 and 239-252; found in the code
// index, index file id 30161469081; the index does not name its
// repository). JD's texts without category or title: what the adapter
// falls back on when JDL sends a category or title it does not know.
var relayedTraces = map[string][][2]string{
	"JDVD00934676229": {
		{"2020-09-06 14:45:30", "京东快递 已收取快件"},
		{"2020-09-06 14:45:30", "您的快件已由【广元苍溪营业部】揽收完成"},
		{"2020-09-06 17:44:40", "您的快件已到达【广元苍溪营业部】"},
		{"2020-09-06 17:51:17", "快递司机收箱"},
		{"2020-09-06 17:51:22", "您的快件已发车"},
		{"2020-09-06 22:13:07", "您的快件已到达【成都祥福分拣中心】"},
		{"2020-09-06 22:18:28", "您的快件在【成都祥福分拣中心】分拣完成"},
		{"2020-09-06 22:33:54", "您的快件由【成都祥福分拣中心】准备发往【重庆分拣中心】"},
		{"2020-09-07 02:54:32", "您的快件已发车"},
		{"2020-09-07 10:44:19", "您的快件已到达【重庆分拣中心】"},
		{"2020-09-07 10:54:17", "您的快件在【重庆分拣中心】分拣完成"},
		{"2020-09-07 10:54:22", "您的快件由【重庆分拣中心】准备发往【重庆渝北营业部】"},
		{"2020-09-07 11:24:43", "您的快件已发车"},
		{"2020-09-07 13:22:12", "您的快件已到达【重庆渝北营业部】"},
		{"2020-09-07 13:40:15", "您的快件正在派送中，请您准备签收（快递员：温鹏，联系电话：17815289082）"},
		{"2020-09-07 15:49:42", "您的快件已由本人签收，感谢您使用京东物流，期待再次为您服务"},
	},
	"JDVD00934679583": {
		{"2020-09-05 17:04:51", "揽收任务已分配给邓洁"},
		{"2020-09-06 14:45:20", "京东快递 已收取快件"},
		{"2020-09-06 14:45:20", "您的快件已由【广元苍溪营业部】揽收完成"},
		{"2020-09-06 22:15:14", "您的快件已到达【成都祥福分拣中心】"},
		{"2020-09-06 22:19:43", "您的快件在【成都祥福分拣中心】分拣完成"},
		{"2020-09-06 22:33:54", "您的快件由【成都祥福分拣中心】准备发往【重庆分拣中心】"},
		{"2020-09-07 02:54:32", "您的快件已发车"},
		{"2020-09-07 10:43:28", "您的快件已到达【重庆分拣中心】"},
		{"2020-09-07 10:54:10", "您的快件在【重庆分拣中心】分拣完成"},
		{"2020-09-07 10:54:15", "您的快件由【重庆分拣中心】准备发往【重庆渝北营业部】"},
		{"2020-09-07 11:24:43", "您的快件已发车"},
		{"2020-09-07 13:21:40", "您的快件已到达【重庆渝北营业部】"},
		{"2020-09-07 13:40:37", "您的快件正在派送中，请您准备签收（快递员：温鹏，联系电话：17815289082）"},
		{"2020-09-07 15:49:42", "您的快件已由本人签收，感谢您使用京东物流，期待再次为您服务"},
	},
}

// A real JD history read from its texts alone: a pickup given to a
// courier before the pickup, the pickup, every hub step in transit, the
// round "准备签收" (get ready to sign) out for delivery and not a
// delivery, the signature delivered; a line no phrase knows (快递司机收箱)
// in transit; no courier's name or phone in the view.
func TestARelayedJDHistoryReadFromItsTexts(t *testing.T) {
	steps := map[string]adapters.Status{
		"揽收任务已分配给邓洁": adapters.StatusInfoReceived,
		"京东快递 已收取快件": adapters.StatusInTransit,
		"快递司机收箱":     adapters.StatusInTransit,
		"您的快件已由本人签收，感谢您使用京东物流，期待再次为您服务":             adapters.StatusDelivered,
		"您的快件正在派送中，请您准备签收（快递员：温鹏，联系电话：17815289082）": adapters.StatusOutForDelivery,
	}
	for tn, rows := range relayedTraces {
		details := make([]detail, len(rows))
		for i, r := range rows {
			var at chinatrace.Time
			if err := at.UnmarshalJSON([]byte(`"` + r[0] + `"`)); err != nil || at.IsZero() {
				t.Fatalf("%s: time %q", tn, r[0])
			}
			details[i] = detail{OperationTime: at, OperationRemark: r[1]}
		}
		p, err := parcelOf("jd", tn, details)
		if err != nil {
			t.Fatal(err)
		}
		v := p.View
		if v.Status != adapters.StatusDelivered || v.Substatus != "" {
			t.Errorf("%s: %s/%q; want delivered", tn, v.Status, v.Substatus)
		}
		for i, e := range v.Events {
			want, named := steps[rows[i][1]]
			if !named {
				want = adapters.StatusInTransit // a hub's arrival, sorting, departure
			}
			if e.Status != want {
				t.Errorf("%s event %d %q: %s; want %s", tn, i, rows[i][1], e.Status, want)
			}
		}
		if err := adaptertest.CheckView(v, "jd", tn, []string{"温鹏", "17815289082", "邓洁"}); err != nil {
			t.Errorf("%s: %v", tn, err)
		}
	}
}
