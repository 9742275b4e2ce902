package simulator

import (
	"slices"
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

func TestSamplesAreLiveUnlockableAndVaried(t *testing.T) {
	w, _ := newTestWorld(t, 30, 0)
	ctx := t.Context()
	samples := w.Samples(4)
	byCourier := map[string][]adapters.Parcel{}
	for _, s := range samples {
		src := mustSource(t, w, s.Courier)
		p, err := src.Lookup(ctx, adapters.ParcelRef{TrackingNumber: s.TrackingNumber})
		if err != nil {
			t.Fatalf("sample %+v: %v", s, err)
		}
		if src.Profile().Factor == "none" && s.Factor != "" {
			t.Errorf("sample %+v has a factor though %s needs none", s, s.Courier)
		}
		if src.Profile().Factor == "phone_last4" && (len(p.Factors) == 0 || s.Factor != p.Factors[0]) {
			t.Errorf("sample %+v: factor is not the recipient's %v", s, p.Factors)
		}
		if k := p.Version; !w.fleets[src.courier].parcels[w.fleets[src.courier].byNumber[s.TrackingNumber]].live(int(k), w.SimNow()) {
			t.Errorf("sample %+v is not live, so no courier host has indexed it", s)
		}
		byCourier[s.Courier] = append(byCourier[s.Courier], p)
	}
	for _, id := range []string{SwiftID, PandaID, GlobalID} {
		parcels := byCourier[id]
		if len(parcels) != 4 {
			t.Fatalf("%s: %d samples, want 4", id, len(parcels))
		}
		statuses := map[adapters.Status]bool{}
		for _, p := range parcels {
			statuses[p.View.Status] = true
		}
		for _, s := range []adapters.Status{adapters.StatusInTransit, adapters.StatusDelivered} {
			if !statuses[s] {
				t.Errorf("%s: no sample is %s", id, s)
			}
		}
		if id != PandaID && len(parcels[0].View.Handoffs) == 0 {
			t.Errorf("%s: the first sample has no handoff", id)
		}
	}
}

func TestSamplesHandoffContinuesWithAVisibleParcel(t *testing.T) {
	w, _ := newTestWorld(t, 31, 0)
	for _, s := range w.Samples(1) {
		src := mustSource(t, w, s.Courier)
		p, err := src.Lookup(t.Context(), adapters.ParcelRef{TrackingNumber: s.TrackingNumber})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range p.View.Handoffs {
			if _, err := mustSource(t, w, h.Courier).Lookup(t.Context(), adapters.ParcelRef{TrackingNumber: h.TrackingNumber}); err != nil {
				t.Errorf("sample %s hands over to %s %s: %v", s.TrackingNumber, h.Courier, h.TrackingNumber, err)
			}
		}
	}
}

func TestSamplesCount(t *testing.T) {
	w, _ := newTestWorld(t, 32, 300)
	for _, tc := range []struct{ perCourier, want int }{{0, 0}, {1, 3}, {3, 9}} {
		got := w.Samples(tc.perCourier)
		if len(got) != tc.want {
			t.Errorf("Samples(%d) gave %d, want %d", tc.perCourier, len(got), tc.want)
		}
		numbers := map[string]bool{}
		for _, s := range got {
			numbers[s.TrackingNumber] = true
		}
		if len(numbers) != len(got) {
			t.Errorf("Samples(%d) repeats a parcel: %v", tc.perCourier, got)
		}
	}
	if got := w.Samples(100); len(got) > 3*(1+len(sampleStatuses)) || !slices.ContainsFunc(got, func(s Sample) bool { return s.Courier == PandaID }) {
		t.Errorf("Samples(100) gave %d samples: %v", len(got), got)
	}
}

func TestSamplesOnTheirWayShowAnETA(t *testing.T) {
	w, _ := newTestWorld(t, 33, 0)
	withETA := 0
	for _, s := range w.Samples(3) {
		p, err := mustSource(t, w, s.Courier).Lookup(t.Context(), adapters.ParcelRef{TrackingNumber: s.TrackingNumber})
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(DemoParcels(), func(d DemoParcel) bool { return d.TrackingNumber == s.TrackingNumber }) {
			t.Errorf("sample %s is a demo parcel", s.TrackingNumber)
		}
		if p.View.ETA != nil {
			withETA++
		}
	}
	if withETA < 3 {
		t.Errorf("%d of the samples show an ETA, want one per courier at least", withETA)
	}
}
