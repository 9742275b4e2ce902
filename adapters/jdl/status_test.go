package jdl

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
)

func class(st adapters.Status, sub string) phrases.Class {
	return phrases.Class{Status: st, Substatus: sub}
}

func TestDetailStatus(t *testing.T) {
	cases := []struct {
		name string
		d    detail
		want phrases.Class
	}{
		{"pickup assigned", detail{Category: "390", OperationTitle: "揽收任务分配"}, class(adapters.StatusInfoReceived, "pickup_scheduled")},
		{"picked up", detail{Category: "420", OperationTitle: "揽收"}, class(adapters.StatusInTransit, "picked_up")},
		{"in transit, refined by the title", detail{Category: "430", OperationTitle: "封车"}, class(adapters.StatusInTransit, "departed_facility")},
		{"in transit, a title of another stage does not refine it", detail{Category: "430", OperationTitle: "妥投"}, class(adapters.StatusInTransit, "")},
		{"out for delivery", detail{Category: "440", OperationTitle: "派件"}, class(adapters.StatusOutForDelivery, "")},
		{"delivered", detail{Category: "510", OperationTitle: "妥投", OperationRemark: "您的快件已由本人签收"}, class(adapters.StatusDelivered, "")},
		{"left at a station", detail{Category: "510", OperationTitle: "妥投", OperationRemark: "您的快件已由快递驿站代收，感谢您使用京东物流"},
			class(adapters.StatusAvailableForPickup, phrases.PickupPoint)},
		{"left in a locker", detail{Category: "510", OperationRemark: "您的快件已由【三和苑柜子】代收，感谢您使用京东物流，期待再次为您服务。"},
			class(adapters.StatusAvailableForPickup, phrases.Locker)},
		{"left at the customer's chosen place", detail{Category: "510", OperationRemark: "您的快件已由【客户指定地点】代收"}, class(adapters.StatusDelivered, "")},
		{"refused", detail{Category: "530"}, class(adapters.StatusException, "refused")},
		{"cancelled", detail{Category: "690"}, class(adapters.StatusException, "cancelled")},
		{"going back", detail{Category: "700"}, class(adapters.StatusException, "returning_to_sender")},
		// Without a category: the title, which names the node exactly.
		{"快递签收 is JD taking the parcel in", detail{OperationTitle: "快递签收", OperationRemark: "货物已交付京东物流"}, class(adapters.StatusInTransit, "picked_up")},
		{"a courier took it out", detail{OperationTitle: "配送员收货"}, class(adapters.StatusOutForDelivery, "")},
		{"arrived at a sorting centre", detail{OperationTitle: "分拣中心验货", OperationRemark: "货物已到达【成都青白江分拣中心】"}, class(adapters.StatusInTransit, "arrived_at_facility")},
		// Without either: the words of the remark.
		{"an unknown category read from its remark", detail{Category: "999", OperationRemark: "您的快件已到达【重庆渝北营业部】"}, class(adapters.StatusInTransit, "arrived_at_facility")},
		{"a title the table lacks read from itself", detail{OperationTitle: "终止揽收"}, class(adapters.StatusException, "cancelled")},
		{"a pickup given to a courier is JD's own phrase", detail{OperationRemark: "揽收任务已分配给邓洁"}, class(adapters.StatusInfoReceived, pickupScheduled)},
		{"a site left, read from the remark", detail{Category: "999", OperationRemark: "您的快件由【重庆分拣中心】准备发往【重庆渝北营业部】"}, class(adapters.StatusInTransit, phrases.DepartedFacility)},
		{"left at a convenience store", detail{Category: "510", OperationRemark: "您的快件已由便利店代收，感谢您使用京东物流，期待再次为您服务"}, class(adapters.StatusAvailableForPickup, phrases.PickupPoint)},
	}
	for _, tc := range cases {
		got, unknown := detailStatus(tc.d)
		if got != tc.want || unknown {
			t.Errorf("%s: %+v, unknown %v; want %+v", tc.name, got, unknown, tc.want)
		}
	}
}

func TestDetailStatusOfAnUnknownTraceIsUnknown(t *testing.T) {
	for c, want := range map[category]string{"": "", "999": "jdl_category_999", "张三": "jdl_category_unrecognized"} {
		got, unknown := detailStatus(detail{Category: c, OperationRemark: "感谢您使用京东物流"})
		if got.Status != adapters.StatusInTransit || got.Substatus != want || !unknown {
			t.Errorf("category %q: %+v, %v; want in transit, %q, unknown", c, got, unknown, want)
		}
	}
}
