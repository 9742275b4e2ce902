package simulator

import "github.com/trackgate/trackgate/adapters"

// Sample is a parcel worth trying in the demo.
type Sample struct {
	Courier        string
	TrackingNumber string
	Factor         string // "" when the courier needs none, else the recipient's last 4 phone digits
}

// sampleStatuses are the statuses the demo shows first, most telling first;
// a parcel whose onward leg has begun comes before all of them.
var sampleStatuses = []adapters.Status{
	adapters.StatusInTransit, adapters.StatusDelivered, adapters.StatusException,
	adapters.StatusOutForDelivery, adapters.StatusAvailableForPickup,
	adapters.StatusAttemptFailed, adapters.StatusReturned, adapters.StatusInfoReceived,
	adapters.StatusPending, adapters.StatusExpired,
}

// withETA outweighs any number of events in a sample's score.
const withETA = 1 << 20

// Samples picks up to perCourier live parcels of each courier, as they
// are at the current simulated time: one handed over to another courier
// (whose leg has begun), then one per status in the order of
// sampleStatuses, each the one with the most events so far, though a
// parcel on its way with an ETA comes before one without. The
// DemoParcels are not among them.
func (w *World) Samples(perCourier int) []Sample {
	now := w.SimNow()
	var out []Sample
	for c := range courierCount {
		f := &w.fleets[c]
		// best[0] is the handoff sample, best[1+j] that of sampleStatuses[j].
		best := make([]int, 1+len(sampleStatuses))
		bestEvents := make([]int, len(best))
		for i := range best {
			best[i] = -1
		}
		consider := func(slot, i, score int) {
			if score > bestEvents[slot] {
				best[slot], bestEvents[slot] = i, score
			}
		}
		for i := range f.parcels {
			p := &f.parcels[i]
			k := p.visible(now)
			if p.demo || !p.live(k, now) {
				continue
			}
			if leg := p.onward; leg != nil && k > leg.revealedBy &&
				w.fleets[leg.courier].parcels[leg.index].visible(now) > 0 {
				consider(0, i, k)
			}
			for j, s := range sampleStatuses {
				if p.events[k-1].kind.info().status == s {
					score := k
					if w.eta(p, k) != nil {
						score += withETA
					}
					consider(1+j, i, score)
				}
			}
		}
		taken := 0
		for slot, i := range best {
			if taken == perCourier {
				break
			}
			if i < 0 || (slot > 0 && best[0] == i) {
				continue
			}
			s := Sample{Courier: c.profile().ID, TrackingNumber: f.parcels[i].number}
			if factors := f.parcels[i].factors; len(factors) > 0 {
				s.Factor = factors[0]
			}
			out = append(out, s)
			taken++
		}
	}
	return out
}
