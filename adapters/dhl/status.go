package dhl

import (
	"regexp"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
)

// statusCodes maps DHL's statusCode (from its Shipment Tracking API
// documentation). "unknown", and no code at all — DHL Express sends most
// of its events without one — leave the event to its text.
var statusCodes = map[string]adapters.Status{
	"pre-transit": adapters.StatusInfoReceived,
	"transit":     adapters.StatusInTransit,
	"delivered":   adapters.StatusDelivered,
	"failure":     adapters.StatusException,
}

// refinements are the classes of an event's text that may refine each
// statusCode: the text says more than the code, but never moves the
// event to another stage of the journey (a "transit" event whose text
// mentions a delivery is not delivered).
var refinements = map[string][]adapters.Status{
	"transit":   {adapters.StatusInTransit, adapters.StatusOutForDelivery, adapters.StatusAvailableForPickup},
	"delivered": {adapters.StatusReturned, adapters.StatusAvailableForPickup},
	"failure":   {adapters.StatusException, adapters.StatusAttemptFailed, adapters.StatusReturned},
}

// eventStatus maps a DHL event (or the shipment's status) to a class:
// by its statusCode, refined by its text where the code allows it; by its
// text alone where it has no code or "unknown" (an informational class,
// with no status, when the text says nothing phrases know). A code DHL
// does not document is in_transit with the code in the substatus.
func eventStatus(e event) phrases.Class {
	code := strings.ToLower(strings.TrimSpace(e.StatusCode))
	text := e.Status + " " + e.Description
	if code == "" || code == "unknown" {
		c, _ := phrases.Classify(text)
		return c
	}
	st, ok := statusCodes[code]
	if !ok {
		return phrases.Class{Status: adapters.StatusInTransit, Substatus: "dhl_" + plain(code)}
	}
	return phrases.Common.Refine(phrases.Class{Status: st}, text, refinements[code]...)
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
