package client

import (
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// step is one event of a test leg: its status and the view's substatus
// once it is the latest, as the simulator writes them
// (adapters/simulator/events.go).
type step struct {
	status    adapters.Status
	substatus string
}

// simLeg builds a leg the way the simulator builds a view: events an hour
// apart from day, the view's status and substatus those of the last step,
// an ETA when eta is set and handoffs when onward names one.
func simLeg(courier, tn string, depth int, day int, eta bool, onward *adapters.Handoff, steps ...step) Leg {
	t0 := time.Date(2026, 11, day, 8, 0, 0, 0, time.UTC)
	v := adapters.View{Courier: courier, TrackingNumber: tn, Status: adapters.StatusPending, Events: []adapters.Event{}}
	for i, s := range steps {
		v.Events = append(v.Events, adapters.Event{Time: t0.Add(time.Duration(i) * time.Hour), Status: s.status, Description: "…"})
		v.Status, v.Substatus, v.UpdatedAt = s.status, s.substatus, t0.Add(time.Duration(i)*time.Hour)
	}
	if eta {
		v.ETA = &adapters.ETA{From: t0.Add(48 * time.Hour), To: t0.Add(60 * time.Hour)}
	}
	if onward != nil {
		v.Handoffs = []adapters.Handoff{*onward}
	}
	return Leg{Courier: courier, Depth: depth, View: v}
}

var (
	label       = step{adapters.StatusInfoReceived, "label_created"}
	pickedUp    = step{adapters.StatusInTransit, "picked_up"}
	atHub       = step{adapters.StatusInTransit, "arrived_at_hub"}
	fromPartner = step{adapters.StatusInfoReceived, "received_from_partner"}
	handedOn    = step{adapters.StatusInTransit, "handed_to_partner"}
	outForDel   = step{adapters.StatusOutForDelivery, "out_for_delivery"}
	delivered   = step{adapters.StatusDelivered, "delivered_to_recipient"}
	atLocker    = step{adapters.StatusAvailableForPickup, "at_pickup_point"}
	collected   = step{adapters.StatusDelivered, "collected_from_pickup_point"}
	absent      = step{adapters.StatusAttemptFailed, "recipient_absent"}
	damaged     = step{adapters.StatusException, "damaged"}
	refused     = step{adapters.StatusException, "refused_by_recipient"}
	uncollected = step{adapters.StatusException, "uncollected"}
	returning   = step{adapters.StatusInTransit, "return_to_sender"}
	returned    = step{adapters.StatusReturned, "returned_to_sender"}
	customsIn   = step{adapters.StatusInTransit, "customs_clearance"}
	customsHold = step{adapters.StatusException, "customs_hold"}
	released    = step{adapters.StatusInTransit, "customs_released"}
	customsNo   = step{adapters.StatusException, "customs_refused"}
	backHome    = step{adapters.StatusReturned, "returned_to_origin_country"}
	expired     = step{adapters.StatusExpired, "no_updates_30_days"}
	upsReturn   = step{adapters.StatusException, "returning_to_sender"} // adapters/ups and adapters/dhl
)

func TestHeadlineTellsTheTruthAcrossLegs(t *testing.T) {
	toGlobal := &adapters.Handoff{Courier: "sim-global", TrackingNumber: "GP000000014CN"}
	toPanda := &adapters.Handoff{Courier: "sim-panda", TrackingNumber: "7700000000009"}
	swift := func(onward *adapters.Handoff, eta bool, steps ...step) Leg {
		return simLeg("sim-swift", "SW100000000001", 0, 1, eta, onward, steps...)
	}
	global := func(depth int, onward *adapters.Handoff, eta bool, steps ...step) Leg {
		return simLeg("sim-global", "GP000000014CN", depth, 3, eta, onward, steps...)
	}
	panda := func(depth int, eta bool, steps ...step) Leg {
		return simLeg("sim-panda", "7700000000009", depth, 9, eta, nil, steps...)
	}
	tests := []struct {
		name    string
		legs    []Leg
		code    string
		courier string
		eta     bool
	}{
		{"nothing found", nil, "", "", false},
		{"registered, no events", []Leg{simLeg("sim-swift", "SW100000000001", 0, 1, false, nil)}, HeadlinePending, "sim-swift", false},
		{"label created", []Leg{swift(nil, true, label)}, HeadlineInfoReceived, "sim-swift", true},
		{"in transit with its ETA", []Leg{swift(nil, true, label, pickedUp, atHub)}, HeadlineInTransit, "sim-swift", true},
		{"out for delivery", []Leg{swift(nil, true, label, pickedUp, outForDel)}, HeadlineOutForDelivery, "sim-swift", true},
		{"attempt failed keeps the ETA of the next run", []Leg{swift(nil, true, label, outForDel, absent)}, HeadlineAttemptFailed, "sim-swift", true},
		{"delivered", []Leg{swift(nil, false, label, outForDel, delivered)}, HeadlineDelivered, "sim-swift", false},
		{"at a pickup point", []Leg{swift(nil, false, label, atHub, atLocker)}, HeadlineAvailableForPickup, "sim-swift", false},
		{"collected from the pickup point", []Leg{swift(nil, false, atLocker, collected)}, HeadlineDelivered, "sim-swift", false},
		{"damaged", []Leg{swift(nil, false, atHub, damaged)}, HeadlineException, "sim-swift", false},
		{"refused by the recipient", []Leg{swift(nil, true, outForDel, refused)}, HeadlineReturningToSender, "sim-swift", false},
		{"refused and coming back (in transit)", []Leg{swift(nil, false, outForDel, refused, returning)}, HeadlineReturningToSender, "sim-swift", false},
		{"uncollected and coming back", []Leg{swift(nil, false, atLocker, uncollected)}, HeadlineReturningToSender, "sim-swift", false},
		{"back with the sender", []Leg{swift(nil, false, refused, returning, returned)}, HeadlineReturned, "sim-swift", false},
		{"a carrier's returning exception", []Leg{simLeg("ups", "1Z999AA10123456784", 0, 1, false, nil, pickedUp, upsReturn)}, HeadlineReturningToSender, "ups", false},
		{"expired", []Leg{swift(nil, false, label, expired)}, HeadlineExpired, "sim-swift", false},
		{"held by customs", []Leg{global(0, nil, false, customsIn, customsHold)}, HeadlineCustomsHold, "sim-global", false},
		{"released by customs", []Leg{global(0, nil, true, customsHold, released)}, HeadlineInTransit, "sim-global", true},
		{"onward leg held by customs wins over the first leg's in transit",
			[]Leg{swift(toGlobal, false, pickedUp, handedOn), global(1, nil, false, fromPartner, customsIn, customsHold)},
			HeadlineCustomsHold, "sim-global", false},
		{"onward leg not started yet: the first leg's word",
			[]Leg{swift(toGlobal, false, pickedUp, handedOn), simLeg("sim-global", "GP000000014CN", 1, 3, false, nil)},
			HeadlineInTransit, "sim-swift", false},
		{"onward leg delivered abroad",
			[]Leg{swift(toGlobal, false, pickedUp, handedOn), global(1, nil, false, fromPartner, outForDel, delivered)},
			HeadlineDelivered, "sim-global", false},
		{"the deeper leg wins even when the first leg wrote last",
			[]Leg{simLeg("sim-swift", "SW100000000001", 0, 20, false, toGlobal, pickedUp, handedOn), global(1, nil, true, fromPartner, atHub)},
			HeadlineInTransit, "sim-global", true},
		{"refused by customs: going back",
			[]Leg{swift(toGlobal, false, handedOn), global(1, nil, false, customsHold, customsNo)},
			HeadlineReturningToSender, "sim-global", false},
		{"back in China, handed to the courier that takes it home",
			[]Leg{swift(toGlobal, false, handedOn), global(1, toPanda, false, customsNo, returning, backHome)},
			HeadlineReturningToSender, "sim-global", false},
		{"a return leg in transit is returning, not in transit",
			[]Leg{swift(toGlobal, false, handedOn), global(1, toPanda, false, customsNo, backHome), panda(2, true, fromPartner, atHub)},
			HeadlineReturningToSender, "sim-panda", false},
		{"a return leg out for delivery is still returning",
			[]Leg{global(0, toPanda, false, customsNo, backHome), panda(1, true, fromPartner, outForDel)},
			HeadlineReturningToSender, "sim-panda", false},
		{"a return leg delivered is returned to the sender",
			[]Leg{swift(toGlobal, false, handedOn), global(1, toPanda, false, customsNo, backHome), panda(2, false, fromPartner, outForDel, delivered)},
			HeadlineReturned, "sim-panda", false},
		{"an inbound parcel's last mile at a pickup point",
			[]Leg{global(0, toPanda, false, customsIn, released, handedOn), panda(1, false, fromPartner, atHub, atLocker)},
			HeadlineAvailableForPickup, "sim-panda", false},
		{"an inbound parcel's last mile out for delivery, with its ETA",
			[]Leg{global(0, toPanda, false, released, handedOn), panda(1, true, fromPartner, outForDel)},
			HeadlineOutForDelivery, "sim-panda", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Result{Legs: tt.legs}
			h := r.Headline()
			if h.Code != tt.code || h.Courier != tt.courier {
				t.Errorf("Headline() = %q from %q, want %q from %q", h.Code, h.Courier, tt.code, tt.courier)
			}
			if (h.ETA != nil) != tt.eta {
				t.Errorf("Headline().ETA = %v, want one: %v", h.ETA, tt.eta)
			}
		})
	}
}
