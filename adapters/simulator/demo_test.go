package simulator

import (
	"regexp"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// demoCount is how many demo parcels courier c has.
func demoCount(c courier) int {
	n := 0
	for _, s := range demoScripts {
		if s.courier == c {
			n++
		}
	}
	return n
}

// demoMidnight is today 00:00 China time, the Start of `trackgate serve`.
func demoMidnight() time.Time {
	y, m, d := time.Now().In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, chinaTime)
}

func TestDemoParcelsTellTheirStory(t *testing.T) {
	type want struct {
		status    adapters.Status
		substatus string
		eta       bool
		handoff   string
	}
	wants := map[string]want{
		"SW100000000001": {adapters.StatusInTransit, "departed_hub", true, ""},
		"7700000000001":  {adapters.StatusAvailableForPickup, "at_pickup_point", false, ""},
		"SW100000000002": {adapters.StatusInTransit, "handed_to_partner", false, "GP000000014CN"},
		"GP000000014CN":  {adapters.StatusException, "customs_hold", false, ""},
		"SW100000000003": {adapters.StatusInTransit, "return_to_sender", false, ""},
		"GP000000028CN":  {adapters.StatusInTransit, "departed_origin_country", true, ""},
	}
	// At the demo's start on any day (and at the simulator's default
	// epoch, ten hours after its midnight), with any seed.
	for _, start := range []time.Time{demoMidnight(), demoMidnight().AddDate(0, 5, 17), DefaultStart()} {
		for _, seed := range []int64{1, 99} {
			w := NewWorld(Config{Seed: seed, ParcelsPerCourier: 50, Start: start, Now: newFakeClock().Now})
			if len(DemoParcels()) != len(wants) {
				t.Fatalf("%d demo parcels, the test knows %d", len(DemoParcels()), len(wants))
			}
			for _, d := range DemoParcels() {
				src := mustSource(t, w, d.Courier)
				p, err := src.Lookup(t.Context(), adapters.ParcelRef{TrackingNumber: d.TrackingNumber})
				if err != nil {
					t.Fatalf("start %v seed %d: demo %s: %v", start, seed, d.TrackingNumber, err)
				}
				v, wt := p.View, wants[d.TrackingNumber]
				local := start.In(chinaTime)
				atMidnight := local.Hour() == 0 && local.Minute() == 0
				if v.Status != wt.status || (atMidnight && v.Substatus != wt.substatus) || (v.ETA != nil) != wt.eta {
					t.Errorf("start %v: %s is %s/%s with ETA %v; want %s/%s, ETA %v (%s)", start, d.TrackingNumber, v.Status, v.Substatus, v.ETA, wt.status, wt.substatus, wt.eta, d.Story)
				}
				if wt.handoff != "" && (len(v.Handoffs) != 1 || v.Handoffs[0].TrackingNumber != wt.handoff) {
					t.Errorf("%s hands over to %v, want %s", d.TrackingNumber, v.Handoffs, wt.handoff)
				}
				if err := v.Check(); err != nil {
					t.Errorf("%s: %v", d.TrackingNumber, err)
				}
				if d.Factor != "" && (len(p.Factors) == 0 || p.Factors[0] != d.Factor) {
					t.Errorf("%s: factor %q, parcel has %v", d.TrackingNumber, d.Factor, p.Factors)
				}
				if !regexp.MustCompile(src.Profile().Patterns[0]).MatchString(d.TrackingNumber) {
					t.Errorf("%s does not match %s's pattern", d.TrackingNumber, d.Courier)
				}
			}
		}
	}
}

func TestDemoParcelsStayListedAndEndWell(t *testing.T) {
	w, clock := newTestWorld(t, 4, 20)
	clock.Advance(400 * 24 * time.Hour) // long after every demo's last event
	for _, d := range DemoParcels() {
		src := mustSource(t, w, d.Courier)
		listed := false
		_ = src.Parcels(t.Context(), func(p adapters.Parcel) bool {
			listed = listed || p.View.TrackingNumber == d.TrackingNumber
			return true
		})
		if !listed {
			t.Errorf("%s is no longer listed: courier hosts would drop it", d.TrackingNumber)
		}
	}
}

func TestDemoGlobalNumbersCarryTheirCheckDigit(t *testing.T) {
	for _, d := range DemoParcels() {
		if d.Courier == GlobalID && s10CheckDigit(d.TrackingNumber[2:10]) != d.TrackingNumber[10] {
			t.Errorf("%s: check digit is not %c", d.TrackingNumber, s10CheckDigit(d.TrackingNumber[2:10]))
		}
	}
}
