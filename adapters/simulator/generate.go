package simulator

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// The window, around Config.Start, in which parcels start their journey.
// Parcels started long enough before Start are delivered, returned or
// expired by then; those started after keep the demo moving.
const (
	activeBefore = 45 * 24 * time.Hour
	activeAfter  = 90 * 24 * time.Hour
)

// parcel is one parcel with its whole timeline, past and future.
type parcel struct {
	number       string
	factors      []string // sim-panda only: recipient's and sender's last 4 phone digits
	events       []event  // oldest first, all of them
	origin, dest cityID
	onward       *onwardLeg
	demo         bool // a DemoParcel: listed for good once it has news
}

// onwardLeg links a parcel to the parcel that continues its journey with
// another courier, revealed to views from event revealedBy on.
type onwardLeg struct {
	courier    courier
	index      int
	revealedBy int
}

// fleet is the parcels of one courier.
type fleet struct {
	parcels  []parcel
	byNumber map[string]int
}

// generator builds the whole world from one random stream; as every step
// draws from it in a fixed order, equal seeds give equal worlds.
type generator struct {
	rng        *rand.Rand
	perCourier int
	from       time.Time
	span       time.Duration
	fleets     [courierCount][]parcel
	forwarded  *deck // international legs of sim-swift parcels
	lastMile   *deck // sim-panda legs of sim-global parcels
}

func generate(seed int64, perCourier int, start time.Time) [courierCount]fleet {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x74726163_6b676174)) // "trackgat"
	g := &generator{
		rng:        rng,
		perCourier: perCourier,
		from:       start.Add(-activeBefore),
		span:       activeBefore + activeAfter,
		forwarded:  newDeck(rng, forwardedCards),
		lastMile:   newDeck(rng, lastMileCards),
	}
	swiftDeck := newDeck(rng, domesticCards(true))
	for range perCourier {
		g.addDomestic(swift, swiftDeck.deal(), g.startTime())
	}
	globalDeck := newDeck(rng, globalCards)
	for g.room(global) {
		g.addGlobal(globalDeck.deal(), g.startTime(), nil)
	}
	pandaDeck := newDeck(rng, domesticCards(false))
	for g.room(panda) {
		g.addDomestic(panda, pandaDeck.deal(), g.startTime())
	}

	g.numberSwift()
	g.numberGlobal()
	g.numberPanda()
	g.addDemos(start)
	var fleets [courierCount]fleet
	for c := range courierCount {
		f := fleet{parcels: g.fleets[c], byNumber: make(map[string]int, len(g.fleets[c]))}
		for i, p := range f.parcels {
			f.byNumber[p.number] = i
		}
		fleets[c] = f
	}
	return fleets
}

func (g *generator) startTime() time.Time {
	return g.from.Add(time.Duration(g.rng.Int64N(int64(g.span))))
}

func (g *generator) room(c courier) bool { return len(g.fleets[c]) < g.perCourier }

// add stores a parcel of courier c built on t and returns its index.
func (g *generator) add(c courier, p parcel, t *timeline) int {
	p.events = t.events
	if c == panda {
		p.factors = g.phoneFactors()
	}
	g.fleets[c] = append(g.fleets[c], p)
	return len(g.fleets[c]) - 1
}

// phoneFactors draws the last four digits of the recipient's and of the
// sender's phone, recipient first; they differ so either one is telling.
func (g *generator) phoneFactors() []string {
	recipient := g.rng.IntN(10000)
	sender := (recipient + 1 + g.rng.IntN(9999)) % 10000
	return []string{fmt.Sprintf("%04d", recipient), fmt.Sprintf("%04d", sender)}
}

// pick draws a city from ids, weighted by how much is shipped from there
// when byShippers is set, uniformly otherwise.
func (g *generator) pick(ids []cityID, byShippers bool) cityID {
	if !byShippers {
		return ids[g.rng.IntN(len(ids))]
	}
	total := 0
	for _, id := range ids {
		total += id.city().shipper
	}
	n := g.rng.IntN(total)
	for _, id := range ids {
		if n -= id.city().shipper; n < 0 {
			return id
		}
	}
	return ids[len(ids)-1]
}

// pickOtherCountry draws a foreign city outside the country of c.
func (g *generator) pickOtherCountry(c cityID) cityID {
	for {
		d := g.pick(foreignCities, false)
		if d.city().country != c.city().country {
			return d
		}
	}
}
