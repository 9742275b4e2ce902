package client

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
)

// Headline codes (Headline.Code): what a shopper should read first about a
// parcel. Most are the status of docs/protocol.md §6; three say what the
// status alone hides.
const (
	HeadlinePending            = "pending"
	HeadlineInfoReceived       = "info_received"
	HeadlineInTransit          = "in_transit"
	HeadlineOutForDelivery     = "out_for_delivery"
	HeadlineAvailableForPickup = "available_for_pickup" // delivered to a pickup point or locker, not collected yet
	HeadlineAttemptFailed      = "attempt_failed"
	HeadlineDelivered          = "delivered"
	HeadlineException          = "exception"
	HeadlineExpired            = "expired"
	// HeadlineCustomsHold: an exception at customs; the parcel waits there.
	HeadlineCustomsHold = "customs_hold"
	// HeadlineReturningToSender: refused, uncollected, undeliverable or
	// refused entry, and on its way back, on this leg or a later one.
	HeadlineReturningToSender = "returning_to_sender"
	// HeadlineReturned: back with the sender.
	HeadlineReturned = "returned"
)

// Headline is the one-line truth about a parcel, merged over its legs.
type Headline struct {
	Code string `json:"code"` // a Headline… constant
	// Status, Substatus, Courier and TrackingNumber are those of the leg
	// that decided the headline.
	Status         adapters.Status `json:"status"`
	Substatus      string          `json:"substatus,omitempty"`
	Courier        string          `json:"courier"`
	TrackingNumber string          `json:"tracking_number"`
	// ETA is the deciding leg's delivery window, left out when the parcel
	// is not on its way to the recipient (delivered, held, returning, …).
	ETA *adapters.ETA `json:"eta,omitempty"`
}

// Headline says what the parcel is doing now, across its handoff legs:
//
//   - the deciding leg is the deepest leg with events (the latest event
//     among legs of equal depth): once a parcel is handed over, the onward
//     courier knows more than the one that handed it over, whose last
//     word stays "in transit" for good;
//   - a leg returning the parcel (a return substatus, or status returned
//     while handing it to another courier) makes every later leg part of
//     the return: their "delivered" is the sender getting it back;
//   - an exception whose substatus names customs is a customs hold; a
//     refusal by the recipient or by customs, an uncollected parcel and
//     any substatus containing "return" mean it is going back.
//
// Substatus codes are free-form (docs/protocol.md §6); these rules read
// the ones the simulator and the bundled adapters write. The zero
// Headline is returned when nothing was found.
func (r *Result) Headline() Headline {
	lead := r.decidingLeg()
	if lead < 0 {
		return Headline{}
	}
	l := r.Legs[lead]
	v := l.View
	h := Headline{Status: v.Status, Substatus: v.Substatus, Courier: l.Courier, TrackingNumber: v.TrackingNumber}
	goingBack := false
	for _, other := range r.Legs {
		if other.Depth < l.Depth && returnsParcel(other.View) {
			goingBack = true
		}
	}
	h.Code = legHeadline(v)
	if goingBack {
		switch h.Code {
		case HeadlineDelivered, HeadlineReturned:
			h.Code = HeadlineReturned
		case HeadlineException, HeadlineCustomsHold, HeadlineExpired:
		default:
			h.Code = HeadlineReturningToSender
		}
	}
	switch h.Code {
	case HeadlineInfoReceived, HeadlineInTransit, HeadlineOutForDelivery, HeadlineAttemptFailed:
		h.ETA = v.ETA
	}
	return h
}

// decidingLeg is the index of the deepest leg with events, the latest
// among equals; the first leg when none has events; -1 without legs.
func (r *Result) decidingLeg() int {
	best := -1
	for i, l := range r.Legs {
		if len(l.View.Events) == 0 {
			continue
		}
		if best < 0 {
			best = i
			continue
		}
		b := r.Legs[best]
		if l.Depth > b.Depth || (l.Depth == b.Depth && !lastEvent(l).Before(lastEvent(b))) {
			best = i
		}
	}
	if best < 0 && len(r.Legs) > 0 {
		return 0
	}
	return best
}

// legHeadline is the headline of one view on its own.
func legHeadline(v adapters.View) string {
	sub := strings.ToLower(v.Substatus)
	switch v.Status {
	case adapters.StatusReturned:
		if len(v.Handoffs) > 0 {
			return HeadlineReturningToSender // back in its country; another courier takes it home
		}
		return HeadlineReturned
	case adapters.StatusException:
		switch {
		case returnSubstatus(sub):
			return HeadlineReturningToSender
		case strings.Contains(sub, "customs"):
			return HeadlineCustomsHold
		}
		return HeadlineException
	case adapters.StatusInTransit:
		if returnSubstatus(sub) {
			return HeadlineReturningToSender
		}
	}
	switch v.Status {
	case adapters.StatusPending, adapters.StatusInfoReceived, adapters.StatusInTransit,
		adapters.StatusOutForDelivery, adapters.StatusAvailableForPickup,
		adapters.StatusAttemptFailed, adapters.StatusDelivered, adapters.StatusExpired:
		return string(v.Status)
	}
	return HeadlineException // a status outside the taxonomy: View.Check refuses it
}

// returnsParcel reports whether a leg's view says the parcel is going
// back to its sender.
func returnsParcel(v adapters.View) bool {
	return v.Status == adapters.StatusReturned || returnSubstatus(strings.ToLower(v.Substatus))
}

// returnSubstatus reports whether a (lower-case) substatus says the parcel
// will not reach the recipient and goes back.
func returnSubstatus(sub string) bool {
	switch sub {
	case "refused", "refused_by_recipient", "uncollected", "customs_refused", "undeliverable":
		return true
	}
	return strings.Contains(sub, "return")
}
