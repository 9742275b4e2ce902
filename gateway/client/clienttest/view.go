package clienttest

import (
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// View builds a well-formed tracking view: its status is the last event's
// (pending without events) and it was updated at the last event.
func View(courier, tn string, events ...adapters.Event) adapters.View {
	v := adapters.View{
		Courier: courier, TrackingNumber: tn, Status: adapters.StatusPending,
		Events: events, UpdatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	}
	if v.Events == nil {
		v.Events = []adapters.Event{}
	}
	if n := len(events); n > 0 {
		v.Status, v.UpdatedAt = events[n-1].Status, events[n-1].Time
	}
	return v
}

// Event builds an event at an RFC 3339 time in a city; it panics on a
// malformed time, which is a bug in the test that wrote it.
func Event(at string, status adapters.Status, description, city, region, country string) adapters.Event {
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		panic("clienttest: Event time: " + err.Error())
	}
	return adapters.Event{
		Time: t, Status: status, Description: description,
		Location: &adapters.Location{City: city, Region: region, Country: country},
	}
}
