package zto

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

// parcelOf turns ZTO's traces of tn into a parcel. Its version is the
// number of traces ZTO returned, which grows as ZTO adds scans.
func parcelOf(courier, tn string, traces []trace) (adapters.Parcel, error) {
	scans := make([]scan, 0, len(traces))
	for _, t := range traces {
		if t.ScanDate.IsZero() {
			continue // a trace without a time cannot be placed in the history
		}
		m, informational := traceStatus(t)
		description := redact(t)
		if description == "" {
			description = strings.TrimSpace(t.ScanType)
		}
		scans = append(scans, scan{adapters.Event{
			Time:        t.ScanDate.Time,
			Status:      m.status,
			Description: scrub.Text(description),
			Location:    locationOf(t),
		}, m.substatus, informational})
	}
	if len(scans) == 0 {
		return adapters.Parcel{}, errMalformed
	}
	// ZTO lists traces oldest first, mostly: real answers hold scans out
	// of order. A stable sort keeps ZTO's order within a second.
	slices.SortStableFunc(scans, func(a, b scan) int { return a.event.Time.Compare(b.event.Time) })
	events := make([]adapters.Event, len(scans))
	for i, s := range scans {
		events[i] = s.event
	}
	status, substatus := resolve(scans)
	return adapters.Parcel{
		Version: uint64(len(traces)),
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
// first: each scan moves it on, except that nothing moves a parcel out of
// a final status (delivered, returned) but another final one, and an
// informational scan never moves it back to an earlier stage.
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
