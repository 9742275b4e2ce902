package zto

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
)

// mapping is a trace's place in the tg1 taxonomy.
type mapping struct {
	status    adapters.Status
	substatus string
}

// scanTypes maps ZTO's scan types, as its trace services and clients name
// them: 收件 (picked up), 发件 (left a site), 到件 (reached a site), 派件
// (out for delivery), 签收 (signed for), 问题件 (problem parcel), 退件
// (sent back), and, for parcels left with a third party, ARRIVAL (put in
// a third-party locker or station) and SIGNED (taken out of it), as a
// mock of ZTO's trace API documents them (Java package
// cn.edu.xmu.oomall.mockexpress, ZtoRouteResultParam); 第三方签收 (signed
// for by a station) and 退件签收 (the return signed for) as a Python
// client on the veil framework (zto_client) tests for them.
var scanTypes = map[string]mapping{
	"收件":      {adapters.StatusInTransit, "picked_up"},
	"发件":      {adapters.StatusInTransit, "departed_facility"},
	"到件":      {adapters.StatusInTransit, "arrived_at_facility"},
	"派件":      {adapters.StatusOutForDelivery, ""},
	"签收":      {adapters.StatusDelivered, ""},
	"SIGNED":  {adapters.StatusDelivered, ""},
	"第三方签收":   {adapters.StatusAvailableForPickup, ""},
	"ARRIVAL": {adapters.StatusAvailableForPickup, ""},
	"问题件":     {adapters.StatusException, ""},
	"退件":      {adapters.StatusException, "returning_to_sender"},
	"退件签收":    {adapters.StatusReturned, ""},
}

// traceStatus maps a trace: by its scan type first, then by the words of
// its description (phrases.go). informational is true for a trace that
// neither says anything about where the parcel is: it is in transit with
// the raw scan type in the substatus, and never moves the parcel's status
// backwards (see resolve).
func traceStatus(t trace) (m mapping, informational bool) {
	scanType := strings.TrimSpace(t.ScanType)
	if m, ok := scanTypes[scanType]; ok {
		if m.status == adapters.StatusAvailableForPickup {
			m.substatus = pickupKind(t.Desc)
			if m.substatus == "" {
				m.substatus = "available_for_pickup:station"
			}
		}
		return m, false
	}
	if m, ok := classifyText(t.Desc); ok {
		return m, false
	}
	switch {
	case scanType == "":
		return mapping{adapters.StatusInTransit, ""}, true
	case plainCode(scanType):
		return mapping{adapters.StatusInTransit, "zto_scan_" + scanType}, true
	default:
		return mapping{adapters.StatusInTransit, "zto_scan_unrecognized"}, true
	}
}
