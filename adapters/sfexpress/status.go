package sfexpress

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
)

// mapping is a route's place in the tg1 taxonomy.
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
	"70":  {adapters.StatusAvailableForPickup, ""},
	"80":  {adapters.StatusDelivered, ""}, // signed for
}

// routeStatus maps a route: by its status code first, its opCode second;
// a route whose codes are in neither table is in transit, with the raw
// code in the substatus so that a new code shows up without being
// guessed at — above all never as delivered.
func routeStatus(r route) mapping {
	for _, c := range []code{r.SecondaryStatusCode, r.FirstStatusCode} {
		if m, ok := statusCodes[c]; ok {
			if c == "204" && strings.Contains(r.SecondaryStatusName, "清关中") {
				m.substatus = "customs"
			}
			return m
		}
	}
	if m, ok := opCodes[r.OpCode]; ok {
		return m
	}
	for _, raw := range []struct {
		kind string
		c    code
	}{{"opcode", r.OpCode}, {"status", r.SecondaryStatusCode}, {"status", r.FirstStatusCode}} {
		switch {
		case raw.c == "":
			continue
		case plainCode(string(raw.c)):
			return mapping{adapters.StatusInTransit, "sf_" + raw.kind + "_" + string(raw.c)}
		default:
			return mapping{adapters.StatusInTransit, "sf_" + raw.kind + "_unrecognized"}
		}
	}
	return mapping{adapters.StatusInTransit, ""}
}
