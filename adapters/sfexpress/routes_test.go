package sfexpress

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
)

func TestLocationOfKeepsNothingFinerThanACity(t *testing.T) {
	cases := []struct {
		in   string
		want *adapters.Location
	}{
		{"深圳市", &adapters.Location{City: "深圳市", Country: "CN"}},
		{"广东省深圳市", &adapters.Location{City: "深圳市", Region: "广东省", Country: "CN"}},
		{"广东省深圳市南山区", &adapters.Location{City: "深圳市", Region: "广东省", Country: "CN"}},
		{"北京市朝阳区建国路88号", &adapters.Location{City: "北京市", Country: "CN"}},
		{"内蒙古自治区呼和浩特市", &adapters.Location{City: "呼和浩特市", Region: "内蒙古自治区", Country: "CN"}},
		{"香港", &adapters.Location{City: "香港", Country: "HK"}},
		{"澳门特别行政区", &adapters.Location{City: "澳门", Country: "MO"}},
		// Depots, as older answers give acceptAddress.
		{"北京海淀七街营业点", &adapters.Location{City: "北京市", Country: "CN"}},
		{"深圳福田集散中心", &adapters.Location{City: "深圳市", Country: "CN"}},
		{"福田集散中心", nil},
		{"科苑路15号", nil},
		{"南山区科技园科苑路十五号三栋", nil},
		{"广东省", &adapters.Location{Region: "广东省", Country: "CN"}},
		{"  ", nil},
		{"", nil},
	}
	for _, tc := range cases {
		got := locationOf(tc.in)
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("locationOf(%q) = %+v; want %+v", tc.in, got, tc.want)
		}
	}
}

func TestAcceptTimeIsChinaTime(t *testing.T) {
	for _, in := range []string{"2026-11-20 14:03:11", " 2026-11-20 14:03:11.0 ", "2026-11-20T14:03:11"} {
		got, ok := acceptTime(in)
		if !ok {
			t.Fatalf("acceptTime(%q) failed", in)
		}
		if want := time.Date(2026, 11, 20, 6, 3, 11, 0, time.UTC); !got.Equal(want) {
			t.Errorf("acceptTime(%q) = %v; want %v", in, got, want)
		}
		if s := got.Format(time.RFC3339); s != "2026-11-20T14:03:11+08:00" {
			t.Errorf("acceptTime(%q) formats as %s; want +08:00", in, s)
		}
	}
	for _, in := range []string{"", "2026/11/20 14:03", "yesterday"} {
		if _, ok := acceptTime(in); ok {
			t.Errorf("acceptTime(%q) succeeded", in)
		}
	}
}

func TestParcelOfSortsAndSkipsUndatedRoutes(t *testing.T) {
	routes := []route{
		{AcceptTime: "2026-11-19 08:00:00", OpCode: "31", Remark: "快件到达"},
		{AcceptTime: "not a time", OpCode: "80", Remark: "已签收"},
		{AcceptTime: "2026-11-18 08:00:00", OpCode: "50", Remark: "已收取快件"},
	}
	p, err := parcelOf("sf-express", "SF1234567890123", routes)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.View.Check(); err != nil {
		t.Fatal(err)
	}
	v := p.View
	if len(v.Events) != 2 || v.Events[0].Description != "已收取快件" || v.Status != adapters.StatusInTransit {
		t.Errorf("view %+v; want two events oldest first, in transit (the undated delivery skipped)", v)
	}
	if v.Substatus != "arrived_at_facility" || !v.UpdatedAt.Equal(v.Events[1].Time) {
		t.Errorf("substatus %q, updated %v; want the last event's", v.Substatus, v.UpdatedAt)
	}
	if _, err := parcelOf("sf-express", "SF1234567890123", routes[1:2]); err == nil {
		t.Error("a parcel with no datable route was made")
	}
}

func TestVersionGrowsWithRoutes(t *testing.T) {
	r := func(at string) route { return route{AcceptTime: at, OpCode: "31"} }
	before, err := parcelOf("sf-express", "SF1234567890123", []route{r("2026-11-18 08:00:00"), r("2026-11-18 09:00:00")})
	if err != nil {
		t.Fatal(err)
	}
	after, err := parcelOf("sf-express", "SF1234567890123", []route{r("2026-11-18 08:00:00"), r("2026-11-18 09:00:00"), r("2026-11-18 10:00:00")})
	if err != nil {
		t.Fatal(err)
	}
	if after.Version <= before.Version || before.Version == 0 {
		t.Errorf("versions %d then %d; want a positive version that grows with a new route", before.Version, after.Version)
	}
}

// The route texts of an older SF answer, relayed by an app's server in
// its own format and kept in the app's code (11231943/RenRenJi,
// app/src/main/java/com/trade/rrenji/bean/order/NetLogisticsBean.java,
// commit 0e922c0bfccc92e1b370ff525c2fffcda9a45458; opcode 8000 three
// seconds after the delivery): the informational route does not undo the
// delivery, and the view's status is not the last route's.
func TestADeliveredParcelStaysDeliveredAfterAnInformationalRoute(t *testing.T) {
	routes := []route{
		{AcceptTime: "2019-04-05 07:43:16", AcceptAddress: "哈尔滨市", OpCode: "31", Remark: "快件到达 【哈尔滨市呼兰区裕田小区营业点】"},
		{AcceptTime: "2019-04-05 07:58:24", AcceptAddress: "哈尔滨市", OpCode: "204", Remark: "快件交给吕国平，正在派送途中（联系电话：13945654460）"},
		{AcceptTime: "2019-04-05 08:57:19", AcceptAddress: "哈尔滨市", OpCode: "80", Remark: "已签收,感谢使用顺丰,期待再次为您服务"},
		{AcceptTime: "2019-04-05 08:57:22", AcceptAddress: "哈尔滨市", OpCode: "8000", Remark: `在官网"运单资料&签收图",可查看签收人信息`},
		{AcceptTime: "2019-04-06 10:00:00", AcceptAddress: "哈尔滨市", OpCode: "8888"}, // a code SF may add
	}
	p, err := parcelOf("sf-express", "802498488925", routes)
	if err != nil {
		t.Fatal(err)
	}
	v := p.View
	if v.Status != adapters.StatusDelivered || v.Substatus != "" {
		t.Errorf("view %s/%q; want delivered", v.Status, v.Substatus)
	}
	for i, want := range []adapters.Status{adapters.StatusInTransit, adapters.StatusOutForDelivery, adapters.StatusDelivered, adapters.StatusDelivered, adapters.StatusDelivered} {
		if v.Events[i].Status != want {
			t.Errorf("event %d (%s): %s; want %s", i, v.Events[i].Description, v.Events[i].Status, want)
		}
	}
	if err := adaptertest.CheckView(v, "sf-express", "802498488925", []string{"吕国平", "13945654460"}); err != nil {
		t.Error(err)
	}
}

// olderRouteList is the route list of an answer of SF's older open
// platform (transType 4501, {"head": …, "body": [route…]}), which this
// adapter does not call, kept as GsonFormat wrote it in the class comment
// of an Android app (chenkexu/YiKu_New,
// app/src/main/java/com/dexfun/yiku/entity/LogisticsEntity.java): the
// body, character for character. Its routes carry the current query's
// fields (opcode in lower case), newest first, depots as acceptAddress,
// and the signer notice (opcode 8000) after the delivery.
const olderRouteList = `[{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-21 14:57:08","acceptAddress":"北京海淀七街营业点","opcode":"8000","remark":"在官网\"运单资料&签收图\",可查看签收人信息","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-21 14:56:28","acceptAddress":"北京海淀七街营业点","opcode":"80","remark":"已签收,感谢使用顺丰,期待再次为您服务","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-21 11:52:34","acceptAddress":"北京海淀七街营业点","opcode":"204","remark":"快件交给徐少华，正在派送途中（联系电话：13810624535）","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-21 11:22:48","acceptAddress":"北京海淀七街营业点","opcode":"44","remark":"正在派送途中,请您准备签收(派件人:刘永彬,电话:0)","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-21 11:20:59","acceptAddress":"北京海淀七街营业点","opcode":"31","remark":"快件到达 【北京海淀七街营业点】","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-21 09:45:34","acceptAddress":"北京顺义集散中心","opcode":"30","remark":"快件在【北京顺义集散中心】装车，已发往 【北京海淀七街营业点】","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-21 05:23:13","acceptAddress":"北京顺义集散中心","opcode":"31","remark":"快件到达 【北京顺义集散中心】","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-20 22:22:38","acceptAddress":"深圳总集散中心","opcode":"30","remark":"快件在【深圳总集散中心】装车，已发往下一站","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-20 22:22:38","acceptAddress":"深圳总集散中心","opcode":"31","remark":"快件到达 【深圳总集散中心】","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-20 20:29:46","acceptAddress":"东莞大朗集散中心","opcode":"30","remark":"快件在【东莞大朗集散中心】装车，已发往 【深圳总集散中心】","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-20 19:53:09","acceptAddress":"东莞大朗集散中心","opcode":"31","remark":"快件到达 【东莞大朗集散中心】","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-20 18:02:55","acceptAddress":"东莞桥头正丰豪苑营业部","opcode":"30","remark":"快件在【东莞桥头正丰豪苑营业部】装车，已发往下一站","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-20 16:58:55","acceptAddress":"东莞桥头正丰豪苑营业部","opcode":"50","remark":"顺丰速运 已收取快件","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null},{"orderId":null,"mailNo":"238836512256","acceptTime":"2017-12-20 16:55:00","acceptAddress":"东莞桥头正丰豪苑营业部","opcode":"54","remark":"顺丰速运 已收取快件","productCode":null,"productName":null,"consignorContName":null,"addresseeCompName":null}]`

// An older answer's route list, newest first, reads as a careful reader
// reads it: oldest first (an arrival and a loading of the same second in
// their real order), each depot's city and never the depot, delivered
// after the signer notice, no courier's name or phone.
func TestAnOlderRouteListNewestFirst(t *testing.T) {
	var routes []route
	if err := json.Unmarshal([]byte(olderRouteList), &routes); err != nil {
		t.Fatal(err)
	}
	p, err := parcelOf("sf-express", "238836512256", routes)
	if err != nil {
		t.Fatal(err)
	}
	v := p.View
	if v.Status != adapters.StatusDelivered || v.Substatus != "" {
		t.Errorf("view %s/%q; want delivered", v.Status, v.Substatus)
	}
	dongguan := &adapters.Location{City: "东莞市", Country: "CN"}
	shenzhen := &adapters.Location{City: "深圳市", Country: "CN"}
	beijing := &adapters.Location{City: "北京市", Country: "CN"}
	want := []struct {
		at     string
		status adapters.Status
		text   string
		place  *adapters.Location
	}{
		{"2017-12-20 16:55:00", adapters.StatusInTransit, "顺丰速运 已收取快件", dongguan},
		{"2017-12-20 16:58:55", adapters.StatusInTransit, "顺丰速运 已收取快件", dongguan},
		{"2017-12-20 18:02:55", adapters.StatusInTransit, "快件在【东莞桥头正丰豪苑营业部】装车，已发往下一站", dongguan},
		{"2017-12-20 19:53:09", adapters.StatusInTransit, "快件到达 【东莞大朗集散中心】", dongguan},
		{"2017-12-20 20:29:46", adapters.StatusInTransit, "快件在【东莞大朗集散中心】装车，已发往 【深圳总集散中心】", dongguan},
		{"2017-12-20 22:22:38", adapters.StatusInTransit, "快件到达 【深圳总集散中心】", shenzhen},
		{"2017-12-20 22:22:38", adapters.StatusInTransit, "快件在【深圳总集散中心】装车，已发往下一站", shenzhen},
		{"2017-12-21 05:23:13", adapters.StatusInTransit, "快件到达 【北京顺义集散中心】", beijing},
		{"2017-12-21 09:45:34", adapters.StatusInTransit, "快件在【北京顺义集散中心】装车，已发往 【北京海淀七街营业点】", beijing},
		{"2017-12-21 11:20:59", adapters.StatusInTransit, "快件到达 【北京海淀七街营业点】", beijing},
		{"2017-12-21 11:22:48", adapters.StatusOutForDelivery, "正在派送途中,请您准备签收(派件人:[name],电话:0)", beijing},
		{"2017-12-21 11:52:34", adapters.StatusOutForDelivery, "快件交给[name]，正在派送途中（联系电话：[phone]）", beijing},
		{"2017-12-21 14:56:28", adapters.StatusDelivered, "已签收,感谢使用顺丰,期待再次为您服务", beijing},
		{"2017-12-21 14:57:08", adapters.StatusDelivered, `在官网"运单资料&签收图",可查看签收人信息`, beijing},
	}
	if len(v.Events) != len(want) {
		t.Fatalf("%d events; want %d", len(v.Events), len(want))
	}
	for i, w := range want {
		e := v.Events[i]
		at, _ := acceptTime(w.at)
		if !e.Time.Equal(at) || e.Status != w.status || e.Description != w.text {
			t.Errorf("event %d: %s %s %q; want %s %s %q", i, e.Time.Format(time.DateTime), e.Status, e.Description, w.at, w.status, w.text)
		}
		if e.Location == nil || *e.Location != *w.place {
			t.Errorf("event %d (%s): place %+v; want %+v", i, e.Description, e.Location, w.place)
		}
	}
	if err := adaptertest.CheckView(v, "sf-express", "238836512256", []string{"徐少华", "13810624535", "刘永彬"}); err != nil {
		t.Error(err)
	}
}
