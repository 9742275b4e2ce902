package zto

import (
	"slices"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
	"github.com/trackgate/trackgate/adapters/scrub"
)

// scan is a trace as the view shows it, with what its status rests on.
type scan struct {
	event   adapters.Event
	class   phrases.Class
	unknown bool
}

// parcelOf turns ZTO's traces of tn into a parcel. Its version is the
// number of traces ZTO returned, which grows as ZTO adds scans.
func parcelOf(courier, tn string, traces []trace) (adapters.Parcel, error) {
	scans := make([]scan, 0, len(traces))
	for _, t := range traces {
		if t.ScanDate.IsZero() {
			continue // a trace without a time cannot be placed in the history
		}
		c, unknown := traceStatus(t)
		description := redact(t)
		if description == "" {
			description = strings.TrimSpace(t.ScanType)
		}
		scans = append(scans, scan{adapters.Event{
			Time:        t.ScanDate.Time,
			Status:      c.Status,
			Description: scrub.Text(description),
			Location:    locationOf(t),
		}, c, unknown})
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
// first (phrases.History): a delivered or returned parcel is not moved
// back by a late scan (real answers hold arrival and delivery scans after
// the signature), and a trace that says nothing known moves a parcel on
// to in transit but never back to it.
func resolve(scans []scan) (adapters.Status, string) {
	var h phrases.History
	for _, s := range scans {
		if s.unknown {
			h.AddUnknown(s.class.Substatus)
		} else {
			h.Add(s.class)
		}
	}
	return h.Status()
}
