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
		ETA:            w.eta(p, k),
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
// pickup point), widened to three days for international parcels. Before a
// hand-over the courier announces the window of the onward leg's
// delivery, as the partner planned it; once it has handed over, the
// onward courier gives the window. Delivered parcels, exceptions, stalled
// ones and returns show none.
func (w *World) eta(p *parcel, k int) *adapters.ETA {
	if p.onward != nil && k > p.onward.revealedBy {
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
	// The planned delivery: the next delivery run or pickup point on this
	// leg, else on the legs that continue it; none when the plan turns
	// into a return first.
	delivering, upcoming := p, p.events[k-1:]
	for {
		i := slices.IndexFunc(upcoming, func(e event) bool {
			info := e.kind.info()
			switch info.status {
			case adapters.StatusOutForDelivery, adapters.StatusDelivered, adapters.StatusAvailableForPickup:
				return true
			}
			return info.abandonsDelivery || info.status == adapters.StatusReturned
		})
		if i >= 0 {
			planned := upcoming[i]
			switch planned.kind.info().status {
			case adapters.StatusOutForDelivery, adapters.StatusDelivered, adapters.StatusAvailableForPickup:
				return window(p.origin, delivering.dest, planned.at)
			}
			return nil
		}
		if delivering.onward == nil {
			return nil
		}
		delivering = &w.fleets[delivering.onward.courier].parcels[delivering.onward.index]
		upcoming = delivering.events
	}
}

// window is the ETA of a delivery planned at Unix time at in city dest:
// that local day from 09:00 to 21:00, a day wider on both sides when the
// parcel comes from another country, and always holding the planned time.
func window(origin, dest cityID, at int64) *adapters.ETA {
	loc := dest.city().loc
	planned := time.Unix(at, 0).In(loc)
	midnight := time.Date(planned.Year(), planned.Month(), planned.Day(), 0, 0, 0, 0, loc)
	from, to := midnight.Add(9*time.Hour), midnight.Add(21*time.Hour)
	if origin.city().country != dest.city().country {
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
