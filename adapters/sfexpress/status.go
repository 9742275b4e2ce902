package sfexpress

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
	"github.com/trackgate/trackgate/adapters/scrub"
)

// mapping is a route's place in the tg1 taxonomy; no status for an
// informational route.
type mapping struct {
	status    adapters.Status
	substatus string
}

// statusCodes maps SF's route status codes (secondaryStatusCode, or
// firstStatusCode when SF sends only that), as public clients of the
// route query see them (SF's open-platform documentation).
var statusCodes = map[code]mapping{
	"101":  {adapters.StatusInTransit, "picked_up"},
	"201":  {adapters.StatusInTransit, ""},
	"204":  {adapters.StatusInTransit, ""}, // customs when the name says 清关中
	"301":  {adapters.StatusOutForDelivery, ""},
	"401":  {adapters.StatusDelivered, ""},
	"1301": {adapters.StatusAvailableForPickup, ""},
	"701":  {adapters.StatusInfoReceived, ""}, // 待揽收: at a partner point, awaiting SF's pickup
}

// opCodes maps SF's operation codes, as public clients and real route
// samples show them (SF's open-platform documentation). Note that opCode
// 204 (out for delivery) and status code 204 (customs) are different
// things.
var opCodes = map[code]mapping{
	"50":  {adapters.StatusInTransit, "picked_up"},           // 已收取快件
	"54":  {adapters.StatusInTransit, "picked_up"},           // 已收取快件
	"30":  {adapters.StatusInTransit, "sorted"},              // 完成分拣
	"31":  {adapters.StatusInTransit, "arrived_at_facility"}, // 快件到达
	"36":  {adapters.StatusInTransit, "departed_facility"},   // 快件离开
	"105": {adapters.StatusInTransit, ""},
	"106": {adapters.StatusInTransit, "arrived_at_destination_city"},
	"310": {adapters.StatusInTransit, "customs_released"},
	"605": {adapters.StatusInTransit, "customs"},
	"44":  {adapters.StatusOutForDelivery, ""},
	"204": {adapters.StatusOutForDelivery, ""},
	"607": {adapters.StatusInTransit, "picked_up"}, // 代理收件
	"33":  {adapters.StatusException, ""},          // 派件异常
	"70":  {adapters.StatusAttemptFailed, ""},      // 由于…原因 派件不成功
	"99":  {adapters.StatusInTransit, "forwarded"}, // 应客户要求,快件正在转寄中
	"80":  {adapters.StatusDelivered, ""},          // signed for
}

// informational are opCodes that say nothing of where the parcel is:
// 8000 points to the signer on SF's website after a delivery.
var informational = map[code]bool{"8000": true}

// routeStatus maps a route: by its status code first, its opCode second,
// its text third (remark, then the status names, read by phrases.Common);
// a route whose codes are in no table and whose text says nothing is in
// transit, with the raw code in the substatus so that a new code shows up
// without being guessed at. The parcel's status comes from the whole
// route list (phrases.Advance): an informational route, or a late one,
// never undoes a delivery.
func routeStatus(r route) mapping {
	for _, c := range []code{r.SecondaryStatusCode, r.FirstStatusCode} {
		if m, ok := statusCodes[c]; ok {
			if c == "204" && strings.Contains(r.SecondaryStatusName, "清关中") {
				m.substatus = "customs"
			}
			return m
		}
	}
	if informational[r.OpCode] {
		return mapping{}
	}
	if m, ok := opCodes[r.OpCode]; ok {
		return m
	}
	for _, text := range []string{r.Remark, r.SecondaryStatusName, r.FirstStatusName} {
		if c, ok := phrases.Classify(text); ok {
			return mapping{c.Status, c.Substatus}
		}
	}
	for _, raw := range []struct {
		kind string
		c    code
	}{{"opcode", r.OpCode}, {"status", r.SecondaryStatusCode}, {"status", r.FirstStatusCode}} {
		switch {
		case raw.c == "":
			continue
		case scrub.PlainCode(string(raw.c)):
			return mapping{adapters.StatusInTransit, "sf_" + raw.kind + "_" + string(raw.c)}
		default:
			return mapping{adapters.StatusInTransit, "sf_" + raw.kind + "_unrecognized"}
		}
	}
	return mapping{adapters.StatusInTransit, ""}
}
