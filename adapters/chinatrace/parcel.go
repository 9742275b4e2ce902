package chinatrace

import (
	"slices"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
	"github.com/trackgate/trackgate/adapters/scrub"
)

// Trace is one trace as the adapter has read it.
type Trace struct {
	// Time is when it happened; a trace without a time cannot be placed
	// in the history, and is left out.
	Time time.Time
	// Class is the status the trace announces. Unknown is true for a
	// trace that says nothing known: it moves a parcel on to in transit
	// but never back to it (phrases.History.AddUnknown, with
	// Class.Substatus).
	Class   phrases.Class
	Unknown bool
	// Text is its description, with the personal data the courier gives
	// in fields of its own already masked (scrub.Known); Parcel passes it
	// through scrub.Text.
	Text     string
	Location *adapters.Location
}

// Parcel turns the traces of tn into a parcel. Its events are oldest
// first, by a stable sort that keeps the courier's order within a
// second, and each shows the status its trace announces. The parcel's
// status comes from the whole history (phrases.History): a delivered or
// returned parcel is not moved back by a late scan. Its version is the
// number of traces, which grows as the courier adds them. ok is false
// when no trace has a time.
func Parcel(courier, tn string, traces []Trace) (p adapters.Parcel, ok bool) {
	dated := make([]Trace, 0, len(traces))
	for _, t := range traces {
		if !t.Time.IsZero() {
			dated = append(dated, t)
		}
	}
	if len(dated) == 0 {
		return adapters.Parcel{}, false
	}
	slices.SortStableFunc(dated, func(a, b Trace) int { return a.Time.Compare(b.Time) })
	events := make([]adapters.Event, len(dated))
	var h phrases.History
	for i, t := range dated {
		events[i] = adapters.Event{
			Time:        t.Time,
			Status:      t.Class.Status,
			Description: scrub.Text(t.Text),
			Location:    t.Location,
		}
		if t.Unknown {
			h.AddUnknown(t.Class.Substatus)
		} else {
			h.Add(t.Class)
		}
	}
	status, substatus := h.Status()
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
	}, true
}
