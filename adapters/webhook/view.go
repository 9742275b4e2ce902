package webhook

import (
	"slices"

	"github.com/trackgate/trackgate/adapters"
)

// parcel builds the parcel the adapter reports from its stored state,
// which must hold at least one event: the events oldest first, status,
// substatus and updated_at from the latest, the ETA of the latest event
// that gives one unless the parcel is final, and the handoffs events name,
// each once, in the order of their events.
func parcel(courier, tn string, p *parcelState) adapters.Parcel {
	latest := p.Events[len(p.Events)-1]
	v := adapters.View{
		Courier:        courier,
		TrackingNumber: tn,
		Status:         latest.Status,
		Substatus:      latest.Substatus,
		Events:         make([]adapters.Event, len(p.Events)),
		UpdatedAt:      latest.Time,
	}
	for i, e := range p.Events {
		v.Events[i] = adapters.Event{Time: e.Time, Status: e.Status, Description: e.Description}
		if e.Location != nil {
			loc := *e.Location
			v.Events[i].Location = &loc
		}
		if e.ETA != nil && !latest.Status.Final() {
			eta := *e.ETA
			v.ETA = &eta
		}
		if e.Handoff != nil && !slices.Contains(v.Handoffs, *e.Handoff) {
			v.Handoffs = append(v.Handoffs, *e.Handoff)
		}
	}
	return adapters.Parcel{
		Factors: slices.Clone(p.Factors),
		Version: p.version(),
		View:    v,
	}
}
