package fedex

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
)

func TestEventStatus(t *testing.T) {
	cases := []struct {
		name      string
		e         scanEvent
		previous  adapters.Status
		returning bool
		want      adapters.Status
		sub       string
	}{
		{"label", scanEvent{EventType: "OC", DerivedStatusCode: "IN"}, "", false, adapters.StatusInfoReceived, ""},
		{"label after the pickup", scanEvent{EventType: "OC", DerivedStatusCode: "IN"}, adapters.StatusInTransit, false, adapters.StatusInTransit, ""},
		{"picked up", scanEvent{EventType: "PU"}, adapters.StatusInfoReceived, false, adapters.StatusInTransit, phrases.PickedUp},
		{"out for delivery though derived IT", scanEvent{EventType: "OD", DerivedStatusCode: "IT"}, adapters.StatusInTransit, false, adapters.StatusOutForDelivery, ""},
		{"ready for pickup", scanEvent{EventType: "HP", EventDescription: "Ready for recipient pickup"}, adapters.StatusInTransit, false, adapters.StatusAvailableForPickup, subHoldAtLocation},
		{"hold at location", scanEvent{EventType: "HL"}, adapters.StatusInTransit, false, adapters.StatusAvailableForPickup, subHoldAtLocation},
		{"delivered", scanEvent{EventType: "DL"}, adapters.StatusOutForDelivery, false, adapters.StatusDelivered, ""},
		{"delivered back to the shipper", scanEvent{EventType: "DL"}, adapters.StatusInTransit, true, adapters.StatusReturned, ""},
		{"return to shipper though derived DL", scanEvent{EventType: "RS", EventDescription: "Returning package to shipper", DerivedStatusCode: "DL"},
			adapters.StatusOutForDelivery, false, adapters.StatusException, phrases.ReturningToSender},
		{"not home", scanEvent{EventType: "DE", EventDescription: "Delivery exception", ExceptionDescription: "Customer not available or business closed"},
			adapters.StatusOutForDelivery, false, adapters.StatusAttemptFailed, ""},
		{"redirected", scanEvent{EventType: "DE", EventDescription: "Delivery exception", ExceptionDescription: "Redirecting to FedEx Office"},
			adapters.StatusAttemptFailed, false, adapters.StatusException, subRedirected},
		{"refused, read by the phrases carriers share", scanEvent{EventType: "DE", EventDescription: "Delivery exception", ExceptionDescription: "Refused by recipient"},
			adapters.StatusOutForDelivery, false, adapters.StatusException, phrases.Refused},
		{"returned, read from the words", scanEvent{EventType: "DE", EventDescription: "Delivery exception", ExceptionDescription: "Delivered to shipper"},
			adapters.StatusInTransit, false, adapters.StatusReturned, ""},
		{"damaged", scanEvent{EventType: "SE", EventDescription: "Shipment exception", ExceptionDescription: "Package damaged"},
			adapters.StatusInTransit, false, adapters.StatusException, ""},
		{"clearance delay", scanEvent{EventType: "CD", EventDescription: "Clearance delay"}, adapters.StatusInTransit, false, adapters.StatusException, subCustomsHold},
		{"cleared customs", scanEvent{EventType: "CC", EventDescription: "International shipment release - Import"}, adapters.StatusException, false, adapters.StatusInTransit, phrases.CustomsCleared},
		{"clearance in progress", scanEvent{EventType: "CP"}, adapters.StatusInTransit, false, adapters.StatusInTransit, phrases.Customs},
		{"arriving on time keeps the status", scanEvent{EventType: "AO", DerivedStatusCode: "IT"}, adapters.StatusOutForDelivery, false, adapters.StatusOutForDelivery, ""},
		{"a delay keeps the status", scanEvent{EventType: "DY", DerivedStatusCode: "DY"}, adapters.StatusOutForDelivery, false, adapters.StatusOutForDelivery, subDelayed},
		{"a note first is pending", scanEvent{EventType: "RR"}, "", false, adapters.StatusPending, ""},
		{"unknown type, known derived code", scanEvent{EventType: "ZZ", DerivedStatusCode: "DE"}, adapters.StatusInTransit, false, adapters.StatusException, ""},
		{"unknown both", scanEvent{EventType: "ZZ", DerivedStatusCode: "QQ"}, adapters.StatusInTransit, false, adapters.StatusInTransit, "fedex_zz"},
		{"not a code", scanEvent{EventType: "delivered to JOHN"}, adapters.StatusInTransit, false, adapters.StatusInTransit, subUnrecognized},
	}
	for _, tc := range cases {
		st, sub := eventStatus(tc.e, tc.previous, tc.previous != "", tc.returning)
		if st != tc.want || sub != tc.sub {
			t.Errorf("%s: eventStatus = %s, %q; want %s, %q", tc.name, st, sub, tc.want, tc.sub)
		}
	}
}
