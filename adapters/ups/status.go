package ups

import (
	"regexp"
	"strings"

	"github.com/trackgate/trackgate/adapters"
)

// statusTypes maps UPS's status type (from its Tracking API
// documentation); U (unknown) is handled apart, as it says nothing about
// where the package is.
var statusTypes = map[string]struct {
	status    adapters.Status
	substatus string
}{
	"D":  {adapters.StatusDelivered, ""},
	"I":  {adapters.StatusInTransit, ""},
	"M":  {adapters.StatusInfoReceived, ""},
	"MV": {adapters.StatusInfoReceived, ""},
	"X":  {adapters.StatusException, ""},
	"P":  {adapters.StatusInTransit, "picked_up"},
}

// Phrases of UPS's English descriptions that refine a status type, in
// lower case.
var (
	outForDelivery = []string{"out for delivery"}
	atAccessPoint  = []string{"ready for pickup", "ready for pick up", "available for pickup", "held for pickup", "awaiting pickup at", "delivered to ups access point", "at the ups access point"}
	attempted      = []string{"delivery attempt", "attempted delivery", "delivery was attempted", "first attempt", "second attempt", "final attempt", "receiver was not available", "not available for delivery"}
	returned       = []string{"returned to the sender", "returned to sender", "returned to the shipper", "returned to shipper"}
	returning      = []string{"returning to", "being returned", "will be returned", "to be returned"}
)

// statusOf maps a UPS status. previous is the status before it and
// hasPrevious whether there was one: type U keeps it (pending when there
// is none). An unknown type is in transit with the type in the substatus.
func statusOf(s *status, previous adapters.Status, hasPrevious bool) (adapters.Status, string) {
	if s == nil || strings.TrimSpace(s.Type) == "" || strings.EqualFold(strings.TrimSpace(s.Type), "U") {
		if hasPrevious {
			return previous, ""
		}
		return adapters.StatusPending, ""
	}
	typ := strings.ToUpper(strings.TrimSpace(s.Type))
	m, known := statusTypes[typ]
	if !known {
		return adapters.StatusInTransit, "ups_type_" + plainType(typ)
	}
	words := strings.ToLower(s.Description)
	switch typ {
	case "I":
		switch {
		case containsAny(words, outForDelivery):
			return adapters.StatusOutForDelivery, ""
		case containsAny(words, atAccessPoint):
			return adapters.StatusAvailableForPickup, ""
		}
	case "X":
		switch {
		case containsAny(words, returned) && !containsAny(words, returning):
			return adapters.StatusReturned, ""
		case containsAny(words, returning):
			return adapters.StatusException, "returning_to_sender"
		case containsAny(words, attempted):
			return adapters.StatusAttemptFailed, ""
		case containsAny(words, atAccessPoint):
			return adapters.StatusAvailableForPickup, ""
		}
	case "D":
		switch {
		case containsAny(words, returned) && !containsAny(words, returning):
			return adapters.StatusReturned, ""
		case containsAny(words, atAccessPoint):
			// Left at an access point is not delivered to the recipient yet.
			return adapters.StatusAvailableForPickup, ""
		}
	}
	return m.status, m.substatus
}

func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// upsType is the shape of a status type: one to three capitals.
var upsType = regexp.MustCompile(`^[A-Z]{1,3}$`)

func plainType(t string) string {
	if !upsType.MatchString(t) {
		return "unrecognized"
	}
	return t
}
