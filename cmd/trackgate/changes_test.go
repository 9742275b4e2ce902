package main

import (
	"bytes"
	"testing"

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
