package jdl

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

// The texts are JD's and ZTO's as published by others: JD texts relayed
// by aggregators (the rows of a logistics_tbl dump for waybills
// JDVD00934676229 and JDVD00934679583, and kuaidi100 and fuqing pushes
// for JD0076810060555, in public code) and JDL's sandbox pushes
// (testdata/sandbox); ZTO texts from the zto adapter's real answers and
// CaniceZ/antd-vue3 examples/mock/api/tms2/king/waybill/trace/query.js.
// The table is the same as the zto adapter's.
func TestClassifyTextReadsChineseTrackingText(t *testing.T) {
	cases := []struct {
		text string
		want mapping
	}{
		{"【苏州市】 快件已被【丰巢的索特传动设备西门丰巢柜2号柜(丰巢智能快递柜)】代收，如有问题请电联（4000633333,13776284974），感谢使用中通快递，期待再次为您服务！",
			mapping{adapters.StatusAvailableForPickup, "available_for_pickup:locker"}},
		{"【苏州市】 您的快递已签收, 签收人在【丰巢的索特传动设备西门丰巢柜2号柜(丰巢智能快递柜)】(索特传动设备西门丰巢柜2号柜)领取。如有疑问请电联:（13776284974）",
			mapping{adapters.StatusDelivered, ""}},
		{"【苏州市】 【常熟天下淘宝四】 的王翔（13776284974） 正在第1次派件, 请保持电话畅通,并耐心等待", mapping{adapters.StatusOutForDelivery, ""}},
		{"【苏州市】 快件已经到达 【常熟天下淘宝四】", mapping{adapters.StatusInTransit, "arrived_at_facility"}},
		{"闸北二部 的派件已签收，感谢您使用中通快递！", mapping{adapters.StatusDelivered, ""}},
		{"【萧山钱江世纪城】 的 杨晓慧 已进行【异常件】上报，异常原因：客户要求改地址", mapping{adapters.StatusException, ""}},
		{"您的快件已由快递驿站代收，感谢您使用京东物流，期待再次为您服务", mapping{adapters.StatusAvailableForPickup, "available_for_pickup:station"}},
		{"您的快件已由便利店代收，感谢您使用京东物流，期待再次为您服务", mapping{adapters.StatusAvailableForPickup, "available_for_pickup:station"}},
		{"您的快件已由【客户指定地点】代收，感谢您使用京东物流，期待再次为您服务。", mapping{adapters.StatusDelivered, ""}},
		{"您的快件已由本人签收，感谢您使用京东物流，期待再次为您服务", mapping{adapters.StatusDelivered, ""}},
		{"您的快件正在派送中，请您准备签收（快递员：温鹏，联系电话：17815289082）", mapping{adapters.StatusOutForDelivery, ""}},
		{"揽收任务已分配给邓洁", mapping{adapters.StatusInfoReceived, "pickup_scheduled"}},
		{"京东快递 已收取快件", mapping{adapters.StatusInTransit, "picked_up"}},
		{"您的快件已由【广元苍溪营业部】揽收完成", mapping{adapters.StatusInTransit, "picked_up"}},
		{"您的快件由【重庆分拣中心】准备发往【重庆渝北营业部】", mapping{adapters.StatusInTransit, "departed_facility"}},
		{"您的快件已发车", mapping{adapters.StatusInTransit, "departed_facility"}},
		{"您的快件在【成都祥福分拣中心】分拣完成", mapping{adapters.StatusInTransit, ""}},
		{"终止揽收（已完结）：您的快件因【寄件人取消寄件】未揽收成功", mapping{adapters.StatusException, "cancelled"}},
		{"客户拒收，快件将退回寄件人", mapping{adapters.StatusException, "refused"}},
		{"快件已退回，退件签收", mapping{adapters.StatusReturned, ""}},
	}
	for _, tc := range cases {
		got, ok := classifyText(tc.text)
		if !ok || got != tc.want {
			t.Errorf("classifyText(%q) = %+v, %v; want %+v", tc.text, got, ok, tc.want)
		}
	}
	if _, ok := classifyText("感谢使用中通快递"); ok {
		t.Error("a text that says nothing about the parcel was classified")
	}
}
