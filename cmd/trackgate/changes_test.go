package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

// result builds a result of the legs as Track would merge them.
func result(t *testing.T, legs ...client.Leg) *client.Result {
	t.Helper()
	res := &client.Result{TrackingNumber: legs[0].View.TrackingNumber}
	for _, l := range legs {
		res.Legs = append(res.Legs, l)
		for _, e := range l.View.Events {
			res.Timeline = append(res.Timeline, client.TimelineEvent{Courier: l.Courier, Event: e})
		}
	}
	return res
}

func TestChangesShowHandoffsNewLegsNewEventsAndTheHeadline(t *testing.T) {
	east := client.Leg{Courier: "sim-east", CourierName: "Sim East", View: seView()}
	handed := east
	handed.View = seView()
	handed.View.Handoffs = []adapters.Handoff{{Courier: "sim-last", TrackingNumber: "LM0000000001"}}
	last := client.Leg{Courier: "sim-last", CourierName: "Sim Last Mile", Depth: 1, View: clienttest.View("sim-last", "LM0000000001",
		clienttest.Event("2026-11-23T10:00:00+01:00", adapters.StatusOutForDelivery, "Out for delivery", "Lyon", "", "FR"))}
	last.View.ETA = &adapters.ETA{From: last.View.Events[0].Time, To: last.View.Events[0].Time.Add(4 * 3600e9)}

	tests := []struct {
		name       string
		prev, next *client.Result
		want       string
	}{
		{"nothing new", result(t, east), result(t, east), ""},
		{"a handoff announced", result(t, east), result(t, handed),
			"  → handed off to sim-last as LM0000000001\n"},
		{"the onward leg found", result(t, handed), result(t, handed, last),
			"  LM0000000001 · Sim Last Mile (sim-last) · out for delivery\n" +
				"2026-11-23 17:00 +08:00  sim-last  Lyon FR                 out for delivery  Out for delivery\n" +
				"→ Out for delivery (Sim Last Mile, LM0000000001)\n" +
				"→ Expected: 2026-11-23 17:00–21:00 +08:00\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := diffResults(tt.prev, tt.next)
			if ch.empty() != (tt.want == "") {
				t.Errorf("empty = %v", ch.empty())
			}
			var out bytes.Buffer
			printChanges(&out, tt.next, ch, shanghai, client.LangEnglish)
			if out.String() != tt.want {
				t.Errorf("printed\n%s\nwant\n%s", out.String(), tt.want)
			}
		})
	}
}

// TestSameHeadline: the headline counts as changed only when what a
// shopper reads changes: the code, a substatus with a reason label, the
// deciding leg, or the delivery window.
func TestSameHeadline(t *testing.T) {
	eta := &adapters.ETA{From: time.Date(2026, 12, 7, 0, 30, 0, 0, time.UTC), To: time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC)}
	later := &adapters.ETA{From: eta.From.Add(time.Hour), To: eta.To}
	base := client.Headline{Code: client.HeadlineInTransit, Substatus: "arrived_at_facility", Courier: "sim-swift", TrackingNumber: "SW100000000001", ETA: eta}
	with := func(f func(*client.Headline)) client.Headline { h := base; f(&h); return h }
	tests := []struct {
		name string
		next client.Headline
		same bool
	}{
		{"identical", base, true},
		{"a substatus without a label", with(func(h *client.Headline) { h.Substatus = "departed_facility" }), true},
		{"a substatus with a reason", with(func(h *client.Headline) { h.Substatus = "weather_delay" }), false},
		{"another code", with(func(h *client.Headline) { h.Code = client.HeadlineOutForDelivery }), false},
		{"an onward leg decides", with(func(h *client.Headline) { h.Courier, h.TrackingNumber = "sim-global", "GP000000014CN" }), false},
		{"a new window", with(func(h *client.Headline) { h.ETA = later }), false},
		{"no window any more", with(func(h *client.Headline) { h.ETA = nil }), false},
	}
	for _, tt := range tests {
		if got := sameHeadline(base, tt.next); got != tt.same {
			t.Errorf("%s: sameHeadline = %v, want %v", tt.name, got, tt.same)
		}
	}
}
