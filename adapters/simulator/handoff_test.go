package simulator

import (
	"slices"
	"testing"
)

func TestHandoffsLeadToLaterLegsOfTheOtherCourier(t *testing.T) {
	w, _ := newTestWorld(t, 12, 0)
	legs := map[[2]courier]int{}
	for c := range courierCount {
		for i := range w.fleets[c].parcels {
			p := &w.fleets[c].parcels[i]
			leg := p.onward
			if leg == nil {
				continue
			}
			legs[[2]courier{c, leg.courier}]++
			next := &w.fleets[leg.courier].parcels[leg.index]
			if got, ok := w.fleets[leg.courier].byNumber[next.number]; !ok || got != leg.index {
				t.Fatalf("%s hands over to %s %s, which that courier does not know", p.number, leg.courier.profile().ID, next.number)
			}
			handedAt := p.events[leg.revealedBy].at
			if next.events[0].at <= handedAt {
				t.Fatalf("%s hands over at %d but %s starts at %d", p.number, handedAt, next.number, next.events[0].at)
			}
			if before := w.view(c, p, leg.revealedBy); len(before.Handoffs) != 0 {
				t.Fatalf("%s shows its handoff before the hand-over event", p.number)
			}
			after := w.view(c, p, leg.revealedBy+1)
			want := []struct{ courier, number string }{{leg.courier.profile().ID, next.number}}
			if len(after.Handoffs) != 1 || after.Handoffs[0].Courier != want[0].courier || after.Handoffs[0].TrackingNumber != want[0].number {
				t.Fatalf("%s: handoffs after the hand-over = %+v, want %+v", p.number, after.Handoffs, want)
			}
		}
	}
	for _, pair := range [][2]courier{{swift, global}, {global, panda}} {
		if legs[pair] == 0 {
			t.Errorf("no parcel of %s hands over to %s", pair[0].profile().ID, pair[1].profile().ID)
		}
	}
	for pair, n := range legs {
		if !slices.Contains([][2]courier{{swift, global}, {global, panda}}, pair) {
			t.Errorf("%d parcels of %s hand over to %s", n, pair[0].profile().ID, pair[1].profile().ID)
		}
	}
}

func TestHandoffChainOfThreeCouriersExists(t *testing.T) {
	w, _ := newTestWorld(t, 13, 0)
	chains := 0
	for _, p := range w.fleets[swift].parcels {
		if p.onward == nil {
			continue
		}
		second := w.fleets[global].parcels[p.onward.index]
		if second.onward != nil && second.onward.courier == panda {
			chains++
			third := w.fleets[panda].parcels[second.onward.index]
			// The last leg takes the parcel back to the sender's city.
			if third.dest != p.origin {
				t.Errorf("chain %s → %s → %s ends in %s, not at the sender in %s",
					p.number, second.number, third.number, third.dest.city().en, p.origin.city().en)
			}
		}
	}
	if chains == 0 {
		t.Fatal("no sim-swift parcel continues through sim-global to sim-panda")
	}
}

func TestPandaParcelsHaveTwoPhoneFactors(t *testing.T) {
	w, _ := newTestWorld(t, 14, 500)
	for c := range courierCount {
		for _, p := range w.fleets[c].parcels {
			if c != panda {
				if len(p.factors) != 0 {
					t.Fatalf("%s of %s has factors", p.number, c.profile().ID)
				}
				continue
			}
			if len(p.factors) != 2 || p.factors[0] == p.factors[1] {
				t.Fatalf("%s has factors %v, want the recipient's and the sender's", p.number, p.factors)
			}
			for _, f := range p.factors {
				if len(f) != 4 || f[0] < '0' || f[0] > '9' || f[3] < '0' || f[3] > '9' {
					t.Fatalf("%s has factor %q", p.number, f)
				}
			}
		}
	}
}
