package zto

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
)

func class(st adapters.Status, sub string) phrases.Class {
	return phrases.Class{Status: st, Substatus: sub}
}

func TestTraceStatusByScanType(t *testing.T) {
	cases := []struct {
		scanType, desc string
		want           phrases.Class
	}{
		{"收件", "", class(adapters.StatusInTransit, "picked_up")},
		{"发件", "", class(adapters.StatusInTransit, "departed_facility")},
		{"到件", "", class(adapters.StatusInTransit, "arrived_at_facility")},
		{"派件", "", class(adapters.StatusOutForDelivery, "")},
		{"签收", "您的快递已签收, 签收人在【丰巢柜】领取", class(adapters.StatusDelivered, "")},
		{"SIGNED", "", class(adapters.StatusDelivered, "")},
		{"ARRIVAL", "快件已被【丰巢的西门丰巢柜2号柜(丰巢智能快递柜)】代收", class(adapters.StatusAvailableForPickup, phrases.Locker)},
		{"第三方签收", "快件已被【菜鸟驿站】代收", class(adapters.StatusAvailableForPickup, phrases.PickupPoint)},
		{"第三方签收", "", class(adapters.StatusAvailableForPickup, phrases.PickupPoint)},
		{"问题件", "", class(adapters.StatusException, "")},
		{"退件", "", class(adapters.StatusException, "returning_to_sender")},
		{"退件签收", "", class(adapters.StatusReturned, "")},
		// A scan type the table lacks is read from its text.
		{"留仓", "快件已到达【上海中转部】", class(adapters.StatusInTransit, "arrived_at_facility")},
	}
	for _, tc := range cases {
		got, unknown := traceStatus(trace{ScanType: tc.scanType, Desc: tc.desc})
		if got != tc.want || unknown {
			t.Errorf("traceStatus(%s, %q) = %+v, unknown %v; want %+v", tc.scanType, tc.desc, got, unknown, tc.want)
		}
	}
}

func TestTraceStatusOfAnUnknownScanIsUnknown(t *testing.T) {
	cases := []struct {
		scanType string
		want     string
	}{
		{"", ""},
		{"HOLD", "zto_scan_HOLD"},
		{"留仓", "zto_scan_unrecognized"},
		{"13812345678 张三", "zto_scan_unrecognized"},
	}
	for _, tc := range cases {
		got, unknown := traceStatus(trace{ScanType: tc.scanType, Desc: "感谢使用中通快递"})
		if got.Status != adapters.StatusInTransit || got.Substatus != tc.want || !unknown {
			t.Errorf("traceStatus(%q) = %+v, %v; want in transit, %q, unknown", tc.scanType, got, unknown, tc.want)
		}
	}
}
