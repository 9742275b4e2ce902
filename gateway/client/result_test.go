package client

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

func TestCurrentIsTheLegWithTheLatestEvent(t *testing.T) {
	early := clienttest.Event("2026-11-20T09:00:00Z", adapters.StatusInTransit, "", "", "", "CN")
	late := clienttest.Event("2026-11-22T09:00:00Z", adapters.StatusDelivered, "", "", "", "DE")
	leg := func(depth int, events ...adapters.Event) Leg {
		return Leg{Courier: "c", Depth: depth, View: clienttest.View("c", "TN000001", events...)}
	}
	tests := []struct {
		name string
		legs []Leg
		want adapters.Status
	}{
		{"nothing found", nil, ""},
		{"one leg", []Leg{leg(0, early)}, adapters.StatusInTransit},
		{"later event wins over depth", []Leg{leg(0, late), leg(1, early)}, adapters.StatusDelivered},
		{"a leg without events loses to one with", []Leg{leg(0, early), leg(1)}, adapters.StatusInTransit},
		{"same time: the deeper leg", []Leg{leg(1, late), leg(0, late)}, adapters.StatusDelivered},
		{"no events anywhere: the deeper leg", []Leg{leg(0), leg(1)}, adapters.StatusPending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Result{Legs: tt.legs}
			if got := r.Current(); got != tt.want {
				t.Errorf("Current() = %q, want %q", got, tt.want)
			}
		})
	}
}
