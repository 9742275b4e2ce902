package dhl

import (
	"regexp"
	"strings"

	"github.com/trackgate/trackgate/adapters"
)

// statusCodes maps DHL's statusCode (from its Shipment Tracking API
// documentation); "unknown" is handled apart, as it says nothing about
// where the shipment is.
var statusCodes = map[string]adapters.Status{
	"pre-transit": adapters.StatusInfoReceived,
	"transit":     adapters.StatusInTransit,
	"delivered":   adapters.StatusDelivered,
	"failure":     adapters.StatusException,
}

// Phrases of DHL's English event texts that refine a statusCode. They are
// matched in lower case against the status and description together.
var (
	outForDelivery = []string{"out for delivery", "with delivery courier", "on the delivery vehicle", "loaded onto the delivery vehicle"}
	atPickupPoint  = []string{"ready for pickup", "ready for pick up", "ready for pick-up", "available for pickup", "available for pick up", "ready for collection", "awaiting collection", "can be picked up"}
	attempted      = []string{"delivery attempt", "attempted delivery", "could not be delivered", "not delivered", "unable to deliver", "recipient not", "consignee not available", "nobody at home", "not at home"}
	returned       = []string{"returned to sender", "returned to the sender", "returned to shipper", "returned to the shipper"}
	returning      = []string{"being returned", "will be returned", "to be returned", "return to sender initiated"}
)

// eventStatus maps a DHL event (or the shipment's status). previous is
// the status before it and hasPrevious whether there was one: an
// "unknown" code keeps it (pending when there is none). An unknown
// statusCode is in transit with the code in the substatus.
func eventStatus(e event, previous adapters.Status, hasPrevious bool) (adapters.Status, string) {
	code := strings.ToLower(strings.TrimSpace(e.StatusCode))
	words := strings.ToLower(e.Status + " " + e.Description)
	if code == "unknown" || code == "" {
		if hasPrevious {
			return previous, ""
		}
		return adapters.StatusPending, ""
	}
	st, known := statusCodes[code]
	if !known {
		return adapters.StatusInTransit, "dhl_" + plain(code)
	}
	switch code {
	case "transit":
		switch {
		case containsAny(words, outForDelivery):
			return adapters.StatusOutForDelivery, ""
		case containsAny(words, atPickupPoint):
			return adapters.StatusAvailableForPickup, ""
		}
	case "delivered":
		if containsAny(words, returned) && !containsAny(words, returning) {
			return adapters.StatusReturned, ""
		}
	case "failure":
		switch {
		case containsAny(words, returned) && !containsAny(words, returning):
			return adapters.StatusReturned, ""
		case containsAny(words, returning):
			return adapters.StatusException, "returning_to_sender"
		case containsAny(words, attempted):
			return adapters.StatusAttemptFailed, ""
		}
	}
	return st, ""
}

func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// dhlCode is the shape of DHL's status codes: a word or words joined by
// dashes. Anything else is not echoed into a substatus, which must never
// carry more than a code.
var dhlCode = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)

func plain(code string) string {
	if len(code) > 24 || !dhlCode.MatchString(code) {
		return "unrecognized"
	}
	return code
}
