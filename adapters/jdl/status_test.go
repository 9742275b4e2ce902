package jdl

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

func TestDetailStatus(t *testing.T) {
	cases := []struct {
		name string
		d    detail
		want mapping
	}{
		{"pickup assigned", detail{Category: "390", OperationTitle: "揽收任务分配"}, mapping{adapters.StatusInfoReceived, "pickup_scheduled"}},
		{"picked up", detail{Category: "420", OperationTitle: "揽收"}, mapping{adapters.StatusInTransit, "picked_up"}},
		{"in transit, refined by the title", detail{Category: "430", OperationTitle: "封车"}, mapping{adapters.StatusInTransit, "departed_facility"}},
		{"in transit, a title of another stage does not refine it", detail{Category: "430", OperationTitle: "妥投"}, mapping{adapters.StatusInTransit, ""}},
		{"out for delivery", detail{Category: "440", OperationTitle: "派件"}, mapping{adapters.StatusOutForDelivery, ""}},
		{"delivered", detail{Category: "510", OperationTitle: "妥投", OperationRemark: "您的快件已由本人签收"}, mapping{adapters.StatusDelivered, ""}},
		{"left at a station", detail{Category: "510", OperationTitle: "妥投", OperationRemark: "您的快件已由快递驿站代收，感谢您使用京东物流"},
			mapping{adapters.StatusAvailableForPickup, "available_for_pickup:station"}},
		{"left in a locker", detail{Category: "510", OperationRemark: "您的快件已由【三和苑柜子】代收，感谢您使用京东物流，期待再次为您服务。"},
			mapping{adapters.StatusAvailableForPickup, "available_for_pickup:locker"}},
		{"left at the customer's chosen place", detail{Category: "510", OperationRemark: "您的快件已由【客户指定地点】代收"}, mapping{adapters.StatusDelivered, ""}},
		{"refused", detail{Category: "530"}, mapping{adapters.StatusException, "refused"}},
		{"cancelled", detail{Category: "690"}, mapping{adapters.StatusException, "cancelled"}},
		{"going back", detail{Category: "700"}, mapping{adapters.StatusException, "returning_to_sender"}},
		// Without a category: the title, which names the node exactly.
		{"快递签收 is JD taking the parcel in", detail{OperationTitle: "快递签收", OperationRemark: "货物已交付京东物流"}, mapping{adapters.StatusInTransit, "picked_up"}},
		{"a courier took it out", detail{OperationTitle: "配送员收货"}, mapping{adapters.StatusOutForDelivery, ""}},
		{"arrived at a sorting centre", detail{OperationTitle: "分拣中心验货", OperationRemark: "货物已到达【成都青白江分拣中心】"}, mapping{adapters.StatusInTransit, "arrived_at_facility"}},
		// Without either: the words of the remark.
		{"an unknown category read from its remark", detail{Category: "999", OperationRemark: "您的快件已到达【重庆渝北营业部】"}, mapping{adapters.StatusInTransit, "arrived_at_facility"}},
		{"a title the table lacks read from itself", detail{OperationTitle: "终止揽收"}, mapping{adapters.StatusException, "cancelled"}},
	}
	for _, tc := range cases {
		got, informational := detailStatus(tc.d)
		if got != tc.want || informational {
			t.Errorf("%s: %+v, informational %v; want %+v", tc.name, got, informational, tc.want)
		}
	}
}

func TestDetailStatusOfAnUnknownTraceIsInformational(t *testing.T) {
	for c, want := range map[category]string{"": "", "999": "jdl_category_999", "张三": "jdl_category_unrecognized"} {
		got, informational := detailStatus(detail{Category: c, OperationRemark: "感谢您使用京东物流"})
		if got.status != adapters.StatusInTransit || got.substatus != want || !informational {
			t.Errorf("category %q: %+v, %v; want in transit, %q, informational", c, got, informational, want)
		}
	}
}

func TestResolveDecidesFromTheWholeHistory(t *testing.T) {
	s := func(st adapters.Status, informational bool) scan {
		return scan{event: adapters.Event{Status: st}, informational: informational}
	}
	cases := []struct {
		name  string
		scans []scan
		want  adapters.Status
	}{
		{"delivered stays delivered", []scan{s("delivered", false), s("in_transit", false)}, "delivered"},
		{"an informational line does not move back", []scan{s("out_for_delivery", false), s("in_transit", true)}, "out_for_delivery"},
		{"a station, then collected", []scan{s("available_for_pickup", false), s("delivered", false)}, "delivered"},
		{"refused, then returned", []scan{s("exception", false), s("returned", false)}, "returned"},
	}
	for _, tc := range cases {
		if st, _ := resolve(tc.scans); st != tc.want {
			t.Errorf("%s: %s; want %s", tc.name, st, tc.want)
		}
	}
}
