package fedex

import (
	"regexp"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
)

// meaning is what a FedEx event code says about a shipment.
type meaning struct {
	status    adapters.Status
	substatus string
	// informational events (arriving on time, delivery options requested)
	// say nothing about where the shipment is: they keep the status
	// before them.
	informational bool
}

// Substatuses of FedEx's own, beside phrases' (picked_up, customs,
// customs_cleared, returning_to_sender, cancelled). They are codes, never
// free text.
const (
	subCustomsHold    = "customs_hold"
	subDelayed        = "delayed"
	subHoldAtLocation = "hold_at_location"
	subRedirected     = "redirected"
	subUnrecognized   = "fedex_unrecognized"
	unknownCodePrefix = "fedex_"
)

// eventTypes maps scanEvents' eventType, FedEx's scan code (Track API
// documentation, "Track Service event types", and the codes seen in real
// answers).
var eventTypes = map[string]meaning{
	// Label created, no parcel yet.
	"OC": {status: adapters.StatusInfoReceived},
	"OX": {status: adapters.StatusInfoReceived}, // shipment information sent to USPS
	// Picked up.
	"PU": {status: adapters.StatusInTransit, substatus: phrases.PickedUp},
	"PX": {status: adapters.StatusInTransit, substatus: phrases.PickedUp},
	// Moving through FedEx's network.
	"AA": {status: adapters.StatusInTransit}, // at airport
	"AC": {status: adapters.StatusInTransit}, // at Canada Post facility
	"AD": {status: adapters.StatusInTransit}, // at delivery
	"AF": {status: adapters.StatusInTransit}, // at local FedEx facility
	"AP": {status: adapters.StatusInTransit}, // at pickup
	"AR": {status: adapters.StatusInTransit}, // arrived at
	"AX": {status: adapters.StatusInTransit}, // at USPS facility
	"CH": {status: adapters.StatusInTransit}, // location changed
	"DP": {status: adapters.StatusInTransit}, // departed
	"DR": {status: adapters.StatusInTransit}, // vehicle furnished, not used
	"DS": {status: adapters.StatusInTransit}, // vehicle dispatched
	"EA": {status: adapters.StatusInTransit}, // export approved
	"EO": {status: adapters.StatusInTransit}, // enroute to origin airport
	"EP": {status: adapters.StatusInTransit}, // enroute to pickup
	"FD": {status: adapters.StatusInTransit}, // at FedEx destination
	"IT": {status: adapters.StatusInTransit},
	"IX": {status: adapters.StatusInTransit},
	"LO": {status: adapters.StatusInTransit}, // left origin
	"OF": {status: adapters.StatusInTransit}, // at FedEx origin facility
	"PF": {status: adapters.StatusInTransit}, // plane in flight
	"PL": {status: adapters.StatusInTransit}, // plane landed
	"PM": {status: adapters.StatusInTransit}, // in progress
	"SF": {status: adapters.StatusInTransit}, // at sort facility
	"SP": {status: adapters.StatusInTransit}, // split status
	"TR": {status: adapters.StatusInTransit}, // transfer
	// Customs.
	"CC": {status: adapters.StatusInTransit, substatus: phrases.CustomsCleared},
	"CP": {status: adapters.StatusInTransit, substatus: phrases.Customs},
	"CU": {status: adapters.StatusInTransit, substatus: phrases.Customs},
	"BR": {status: adapters.StatusInTransit, substatus: phrases.Customs}, // with the broker
	"CD": {status: adapters.StatusException, substatus: subCustomsHold},
	// The last mile.
	"OD": {status: adapters.StatusOutForDelivery},
	"ED": {status: adapters.StatusOutForDelivery}, // enroute to delivery
	"HL": {status: adapters.StatusAvailableForPickup, substatus: subHoldAtLocation},
	"HP": {status: adapters.StatusAvailableForPickup, substatus: subHoldAtLocation},
	"DL": {status: adapters.StatusDelivered},
	// Trouble.
	"DE": {status: adapters.StatusException},
	"SE": {status: adapters.StatusException},
	"CA": {status: adapters.StatusException, substatus: phrases.Cancelled},
	"RS": {status: adapters.StatusException, substatus: phrases.ReturningToSender},
	// Notes about the shipment rather than scans of it.
	"AE": {informational: true}, // arriving early
	"AO": {informational: true}, // arriving on time
	"DD": {informational: true, substatus: subDelayed},
	"DY": {informational: true, substatus: subDelayed},
	"PD": {informational: true, substatus: subDelayed}, // pickup delay
	"RR": {informational: true},                        // delivery option requested
	"RM": {informational: true},                        // delivery option modified
	"RC": {informational: true},                        // delivery option cancelled
	"HA": {informational: true},                        // hold at location accepted
	"RP": {informational: true},                        // return label emailed
	"LP": {informational: true},                        // return label cancelled
	"RG": {informational: true},                        // return label expiring
	"RD": {informational: true},                        // return label expired
	"AS": {informational: true},                        // address corrected
	"RA": {informational: true},                        // address change requested
	"PR": {informational: true},                        // address changed
}

// derivedCodes maps derivedStatusCode, FedEx's coarse summary of an
// event, for event types the table above does not know. It is not read
// first: FedEx derives "DL" for a return to the shipper ("RS") and "IT"
// for out for delivery.
var derivedCodes = map[string]meaning{
	"IN": {status: adapters.StatusInfoReceived},
	"PU": {status: adapters.StatusInTransit, substatus: phrases.PickedUp},
	"IT": {status: adapters.StatusInTransit},
	"OD": {status: adapters.StatusOutForDelivery},
	"HL": {status: adapters.StatusAvailableForPickup, substatus: subHoldAtLocation},
	"DL": {status: adapters.StatusDelivered},
	"DE": {status: adapters.StatusException},
	"SE": {status: adapters.StatusException},
	"CA": {status: adapters.StatusException, substatus: phrases.Cancelled},
	"RS": {status: adapters.StatusException, substatus: phrases.ReturningToSender},
	"CD": {status: adapters.StatusException, substatus: subCustomsHold},
	"DY": {informational: true, substatus: subDelayed},
	"RL": {informational: true, substatus: subDelayed}, // running late
}

// fedexPhrases read FedEx's English texts (event and exception
// descriptions), which refine an event's status: FedEx's own words, then
// those carriers share.
var fedexPhrases = append(phrases.Table{
	{Class: phrases.Class{Status: adapters.StatusException, Substatus: subRedirected}, Phrases: []string{"redirect", "redirecting", "redirected"}},
	{Class: phrases.Class{Status: adapters.StatusException, Substatus: phrases.ReturningToSender}, Phrases: []string{"return to shipper"}},
}, phrases.Common...)

// eventStatus reads an event. previous is the status before it and
// hasPrevious whether there was one; wasReturning tells whether FedEx
// returns the shipment to its shipper by now. An unknown code is in
// transit with the code in the substatus.
func eventStatus(e scanEvent, previous adapters.Status, hasPrevious, wasReturning bool) (adapters.Status, string) {
	code := strings.ToUpper(strings.TrimSpace(e.EventType))
	m, known := eventTypes[code]
	if !known {
		m, known = derivedCodes[strings.ToUpper(strings.TrimSpace(e.DerivedStatusCode))]
	}
	if !known {
		return adapters.StatusInTransit, plain(code)
	}
	if m.informational {
		if !hasPrevious {
			return adapters.StatusPending, m.substatus
		}
		return previous, m.substatus
	}
	if m.status == adapters.StatusInfoReceived && hasPrevious && previous != adapters.StatusPending {
		// Shipment information that reaches FedEx after the parcel did
		// does not take it back to a label.
		return previous, ""
	}
	words := e.EventDescription + " " + e.ExceptionDescription
	c := phrases.Class{Status: m.status, Substatus: m.substatus}
	switch {
	case m.status == adapters.StatusException && m.substatus == "":
		// A failed attempt, a return, or an exception the words name.
		c = fedexPhrases.Refine(c, words, adapters.StatusException, adapters.StatusAttemptFailed, adapters.StatusReturned)
	case m.status == adapters.StatusDelivered && wasReturning:
		// Delivered back to the shipper at the end of a return.
		c = phrases.Class{Status: adapters.StatusReturned}
	case m.status == adapters.StatusDelivered:
		c = fedexPhrases.Refine(c, words, adapters.StatusReturned)
	}
	return c.Status, c.Substatus
}

// eventCode is the shape of FedEx's event codes. Anything else is not
// echoed into a substatus, which must never carry more than a code.
var eventCode = regexp.MustCompile(`^[A-Z0-9]{1,4}$`)

func plain(code string) string {
	if !eventCode.MatchString(code) {
		return subUnrecognized
	}
	return unknownCodePrefix + strings.ToLower(code)
}
