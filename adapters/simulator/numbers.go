package simulator

import (
	"cmp"
	"fmt"
	"slices"
)

// numberSwift gives sim-swift parcels random-looking numbers: SW and 12
// digits, hard to enumerate, so no second factor is needed.
func (g *generator) numberSwift() {
	used := demoNumbers()
	for i := range g.fleets[swift] {
		for {
			n := fmt.Sprintf("SW%012d", 100_000_000_000+g.rng.Int64N(900_000_000_000))
			if !used[n] {
				used[n] = true
				g.fleets[swift][i].number = n
				break
			}
		}
	}
}

// numberGlobal gives sim-global parcels numbers in the shape of UPU S10:
// GP, 8 serial digits, a check digit and the origin country.
func (g *generator) numberGlobal() {
	used := demoNumbers()
	for i := range g.fleets[global] {
		p := &g.fleets[global][i]
		for {
			serial := fmt.Sprintf("%08d", g.rng.IntN(100_000_000))
			n := "GP" + serial + string(s10CheckDigit(serial)) + p.origin.city().country
			if !used[n] {
				used[n] = true
				p.number = n
				break
			}
		}
	}
}

// s10CheckDigit is the UPU S10 check digit of 8 serial digits.
func s10CheckDigit(serial string) byte {
	weights := [8]int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i, w := range weights {
		sum += int(serial[i]-'0') * w
	}
	switch r := 11 - sum%11; r {
	case 10:
		return '0'
	case 11:
		return '5'
	default:
		return byte('0' + r)
	}
}

// numberPanda gives sim-panda parcels near-sequential 13-digit numbers in
// the order they were registered, as label printers hand them out: easy to
// guess, hence the phone_last4 second factor. They start above
// 7700010000000, clear of the demo parcels' 77000000000xx.
func (g *generator) numberPanda() {
	parcels := g.fleets[panda]
	order := make([]int, len(parcels))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(parcels[a].events[0].at, parcels[b].events[0].at)
	})
	next := 7_700_010_000_000 + g.rng.Int64N(10_000_000)
	for _, i := range order {
		parcels[i].number = fmt.Sprintf("%013d", next)
		next += 1 + g.rng.Int64N(3)
	}
}
