package simulator

import (
	"slices"
	"sort"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// retention is how long a parcel stays listed after its last event.
const retention = 30 * 24 * time.Hour

// visible is how many events of p have happened by simulated time now;
// it is also the parcel's version, which rises with every new event.
func (p *parcel) visible(now time.Time) int {
	limit := now.Unix()
	return sort.Search(len(p.events), func(i int) bool { return p.events[i].at > limit })
}

// live reports whether a parcel with k visible events is worth listing at
// now: it has news, and the last of it is not older than the retention
// (demo parcels never grow too old: documentation names them).
func (p *parcel) live(k int, now time.Time) bool {
	return k > 0 && (p.demo || now.Unix()-p.events[k-1].at <= int64(retention/time.Second))
}

// parcelAt is parcel p of courier c as it is after its first k events.
func (w *World) parcelAt(c courier, p *parcel, k int) adapters.Parcel {
	return adapters.Parcel{
		Factors: slices.Clone(p.factors),
		Version: uint64(k),
		View:    w.view(c, p, k),
	}
}

// view is the tracking view of parcel p of courier c after its first k
// events (k ≥ 1).
func (w *World) view(c courier, p *parcel, k int) adapters.View {
	var partnerTN string
	if p.onward != nil {
		partnerTN = w.fleets[p.onward.courier].parcels[p.onward.index].number
	}
	events := make([]adapters.Event, k)
	for i, e := range p.events[:k] {
		info := e.kind.info()
		events[i] = adapters.Event{
			Time:        e.time(),
			Status:      info.status,
			Description: describe(c, e, partnerTN),
		}
		if !info.hidden {
			events[i].Location = e.city.location()
		}
	}
	last := p.events[k-1].kind.info()
	v := adapters.View{
		Courier:        c.profile().ID,
		TrackingNumber: p.number,
		Status:         last.status,
		Substatus:      last.substatus,
		ETA:            p.eta(k),
		Events:         events,
		UpdatedAt:      events[k-1].Time,
	}
	if p.onward != nil && k > p.onward.revealedBy {
		v.Handoffs = []adapters.Handoff{{Courier: p.onward.courier.profile().ID, TrackingNumber: partnerTN}}
	}
	return v
}

// eta is the delivery window shown while the parcel is on its way to the
// recipient: the day of the next delivery run (or of the arrival at a
// pickup point), widened to three days for international parcels. Parcels
// that leave with another courier, stalled ones and returns show none.
func (p *parcel) eta(k int) *adapters.ETA {
	if p.onward != nil {
		return nil
	}
	switch p.events[k-1].kind.info().status {
	case adapters.StatusInfoReceived, adapters.StatusInTransit,
		adapters.StatusOutForDelivery, adapters.StatusAttemptFailed:
	default:
		return nil
	}
	for _, e := range p.events[:k] {
		if e.kind.info().abandonsDelivery {
			return nil
		}
	}
	i := slices.IndexFunc(p.events[k-1:], func(e event) bool {
		switch e.kind.info().status {
		case adapters.StatusOutForDelivery, adapters.StatusDelivered, adapters.StatusAvailableForPickup:
			return true
		}
		return false
	})
	if i < 0 {
		return nil
	}
	loc := p.dest.city().loc
	planned := time.Unix(p.events[k-1+i].at, 0).In(loc)
	midnight := time.Date(planned.Year(), planned.Month(), planned.Day(), 0, 0, 0, 0, loc)
	from, to := midnight.Add(9*time.Hour), midnight.Add(21*time.Hour)
	if p.origin.city().country != p.dest.city().country {
		from, to = from.AddDate(0, 0, -1), to.AddDate(0, 0, 1)
	}
	if planned.Before(from) {
		from = planned
	}
	if planned.After(to) {
		to = planned
	}
	return &adapters.ETA{From: from, To: to}
}

func (e event) time() time.Time { return time.Unix(e.at, 0).In(e.city.city().loc) }

func (id cityID) location() *adapters.Location {
	c := id.city()
	return &adapters.Location{City: c.en, Region: c.region, Country: c.country}
}
