package zto

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
	"github.com/trackgate/trackgate/adapters/scrub"
)

// scanTypes maps ZTO's scan types, as its trace services and clients name
// them: 收件 (picked up), 发件 (left a site), 到件 (reached a site), 派件
// (out for delivery), 签收 (signed for), 问题件 (problem parcel), 退件
// (sent back), and, for parcels left with a third party, ARRIVAL (put in
// a third-party locker or station) and SIGNED (taken out of it), as a
// mock of ZTO's trace API documents them (Java package
// cn.edu.xmu.oomall.mockexpress, ZtoRouteResultParam); 第三方签收 (signed
// for by a station) and 退件签收 (the return signed for) as a Python
// client on the veil framework (zto_client) tests for them.
var scanTypes = map[string]phrases.Class{
	"收件":      {Status: adapters.StatusInTransit, Substatus: phrases.PickedUp},
	"发件":      {Status: adapters.StatusInTransit, Substatus: phrases.DepartedFacility},
	"到件":      {Status: adapters.StatusInTransit, Substatus: phrases.ArrivedAtFacility},
	"派件":      {Status: adapters.StatusOutForDelivery},
	"签收":      {Status: adapters.StatusDelivered},
	"SIGNED":  {Status: adapters.StatusDelivered},
	"第三方签收":   {Status: adapters.StatusAvailableForPickup, Substatus: phrases.PickupPoint},
	"ARRIVAL": {Status: adapters.StatusAvailableForPickup, Substatus: phrases.PickupPoint},
	"问题件":     {Status: adapters.StatusException},
	"退件":      {Status: adapters.StatusException, Substatus: phrases.ReturningToSender},
	"退件签收":    {Status: adapters.StatusReturned},
}

// traceStatus maps a trace: by its scan type first (a parcel left with a
// third party at a pickup point, or a locker when desc says so); then by
// the words of its description (phrases.Common, a plain in-transit class
// told a site reached or left by phrases.Steps). unknown is true for a
// trace that says nothing known: in transit with the raw scan type in the
// substatus, which never moves the parcel's status back
// (phrases.History.AddUnknown).
func traceStatus(t trace) (c phrases.Class, unknown bool) {
	scanType := strings.TrimSpace(t.ScanType)
	if c, ok := scanTypes[scanType]; ok {
		if c.Status == adapters.StatusAvailableForPickup {
			c = phrases.Common.Refine(c, t.Desc, adapters.StatusAvailableForPickup)
		}
		return c, false
	}
	if c, ok := phrases.Classify(t.Desc); ok && !c.Informational() { // a thank-you says nothing either
		return phrases.Step(c, t.Desc), false
	}
	switch {
	case scanType == "":
		return phrases.Class{Status: adapters.StatusInTransit}, true
	case scrub.PlainCode(scanType):
		return phrases.Class{Status: adapters.StatusInTransit, Substatus: "zto_scan_" + scanType}, true
	}
	return phrases.Class{Status: adapters.StatusInTransit, Substatus: "zto_scan_unrecognized"}, true
}
