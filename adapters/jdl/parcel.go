package jdl

import (
	"slices"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/scrub"
)

// scan is a trace as the view shows it, with what its status rests on.
type scan struct {
	event         adapters.Event
	substatus     string
	informational bool
}

// parcelOf turns JDL's traces of tn into a parcel. Its version is the
// number of traces JDL returned, which grows as JDL adds them.
func parcelOf(courier, tn string, details []detail) (adapters.Parcel, error) {
	scans := make([]scan, 0, len(details))
	for _, d := range details {
		if d.OperationTime.IsZero() {
			continue // a trace without a time cannot be placed in the history
		}
		m, informational := detailStatus(d)
		description := redact(d)
		if description == "" {
			description = strings.TrimSpace(d.OperationTitle)
		}
		scans = append(scans, scan{adapters.Event{
			Time:        d.OperationTime.Time,
			Status:      m.status,
			Description: scrub.Text(description),
			Location:    locationOf(d),
		}, m.substatus, informational})
	}
	if len(scans) == 0 {
		return adapters.Parcel{}, errMalformed
	}
	// JDL's order is not documented (clients read it both ways); a stable
	// sort puts the oldest first and keeps JDL's order within a second.
	slices.SortStableFunc(scans, func(a, b scan) int { return a.event.Time.Compare(b.event.Time) })
	events := make([]adapters.Event, len(scans))
	for i, s := range scans {
		events[i] = s.event
	}
	status, substatus := resolve(scans)
	return adapters.Parcel{
		Version: uint64(len(details)),
		View: adapters.View{
			Courier:        courier,
			TrackingNumber: tn,
			Status:         status,
			Substatus:      substatus,
			Events:         events,
			UpdatedAt:      events[len(events)-1].Time,
		},
	}, nil
}

// resolve decides the parcel's status from its whole history, oldest
// first: each trace moves it on, except that nothing moves a parcel out
// of a final status (delivered, returned) but another final one, and an
// informational trace never moves it back to an earlier stage.
func resolve(scans []scan) (adapters.Status, string) {
	current := scans[0]
	for _, s := range scans[1:] {
		switch {
		case current.event.Status.Final() && !s.event.Status.Final():
		case s.informational && stage(s.event.Status) < stage(current.event.Status):
		default:
			current = s
		}
	}
	return current.event.Status, current.substatus
}

// stage orders statuses by how far a parcel has come.
func stage(s adapters.Status) int {
	switch s {
	case adapters.StatusPending:
		return 0
	case adapters.StatusInfoReceived:
		return 1
	case adapters.StatusInTransit:
		return 2
	case adapters.StatusOutForDelivery, adapters.StatusAttemptFailed, adapters.StatusException:
		return 3
	case adapters.StatusAvailableForPickup:
		return 4
	}
	return 5 // delivered, returned, expired
}
