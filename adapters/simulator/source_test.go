package simulator

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

func mustSource(t testing.TB, w *World, id string) *Source {
	t.Helper()
	src, err := w.Source(id)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// firstStartingAfter finds a parcel of c whose first event lies after now.
func firstStartingAfter(t *testing.T, w *World, c courier, now time.Time) *parcel {
	t.Helper()
	for i := range w.fleets[c].parcels {
		if p := &w.fleets[c].parcels[i]; p.visible(now) == 0 {
			return p
		}
	}
	t.Fatalf("every %s parcel has started by %v", c.profile().ID, now)
	return nil
}

func TestLookupFindsParcelsOnceTheyHaveStarted(t *testing.T) {
	w, clock := newTestWorld(t, 20, 300)
	src := mustSource(t, w, PandaID)
	ctx := t.Context()
	p := firstStartingAfter(t, w, panda, w.SimNow())

	if _, err := src.Lookup(ctx, adapters.ParcelRef{TrackingNumber: p.number}); !errors.Is(err, adapters.ErrNotFound) {
		t.Fatalf("Lookup before the first event: err = %v, want ErrNotFound", err)
	}
	clock.Advance(time.Unix(p.events[0].at, 0).Sub(w.SimNow()))
	got, err := src.Lookup(ctx, adapters.ParcelRef{TrackingNumber: p.number})
	if err != nil {
		t.Fatalf("Lookup at the first event: %v", err)
	}
	if got.Version != 1 || len(got.View.Events) != 1 || got.View.TrackingNumber != p.number {
		t.Fatalf("Lookup at the first event = version %d with %d events for %s", got.Version, len(got.View.Events), got.View.TrackingNumber)
	}
	if !slices.Equal(got.Factors, p.factors) {
		t.Fatalf("Factors = %v, want %v", got.Factors, p.factors)
	}
	got.Factors[0] = "0000"
	if p.factors[0] == "0000" {
		t.Fatal("changing the returned Factors changed the world")
	}

	clock.Advance(time.Unix(p.events[len(p.events)-1].at, 0).Sub(w.SimNow()))
	got, err = src.Lookup(ctx, adapters.ParcelRef{TrackingNumber: p.number})
	if err != nil || got.Version != uint64(len(p.events)) {
		t.Fatalf("Lookup at the last event = version %d, %v; want %d", got.Version, err, len(p.events))
	}
}

func TestLookupDoesNotFindOtherNumbers(t *testing.T) {
	w, _ := newTestWorld(t, 21, 100)
	src := mustSource(t, w, PandaID)
	for _, tn := range []string{w.fleets[swift].parcels[0].number, "7700000000000", "NOSUCHNUMBER"} {
		_, err := src.Lookup(t.Context(), adapters.ParcelRef{TrackingNumber: tn})
		if !errors.Is(err, adapters.ErrNotFound) {
			t.Errorf("Lookup(%s) at sim-panda: err = %v, want ErrNotFound", tn, err)
		}
	}
}

func TestLookupHonoursCancelledContext(t *testing.T) {
	w, _ := newTestWorld(t, 22, 50)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := mustSource(t, w, SwiftID).Lookup(ctx, adapters.ParcelRef{TrackingNumber: w.fleets[swift].parcels[0].number})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestUnknownCourierIsAnError(t *testing.T) {
	w, _ := newTestWorld(t, 23, 10)
	_, err := w.Source("sim-unknown")
	if !errors.Is(err, ErrUnknownCourier) {
		t.Fatalf("err = %v, want ErrUnknownCourier", err)
	}
}

func TestParcelsListsExactlyTheLiveParcels(t *testing.T) {
	w, _ := newTestWorld(t, 24, 0)
	now := w.SimNow()
	for c := range courierCount {
		src := mustSource(t, w, c.profile().ID)
		listed := map[string]bool{}
		err := src.Parcels(t.Context(), func(p adapters.Parcel) bool {
			if err := p.View.Check(); err != nil {
				t.Fatal(err)
			}
			if now.Sub(p.View.UpdatedAt) > retention {
				t.Fatalf("%s listed, last updated %v", p.View.TrackingNumber, p.View.UpdatedAt)
			}
			listed[p.View.TrackingNumber] = true
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, p := range w.fleets[c].parcels {
			k := p.visible(now)
			if k > 0 && now.Sub(time.Unix(p.events[k-1].at, 0)) <= retention {
				want++
				if !listed[p.number] {
					t.Fatalf("%s: live parcel %s not listed", c.profile().ID, p.number)
				}
			}
		}
		if len(listed) != want || want == 0 {
			t.Fatalf("%s: listed %d parcels, %d are live", c.profile().ID, len(listed), want)
		}
	}
}

func TestParcelsStopsWhenYieldSaysSo(t *testing.T) {
	w, _ := newTestWorld(t, 25, 200)
	calls := 0
	err := mustSource(t, w, SwiftID).Parcels(t.Context(), func(adapters.Parcel) bool {
		calls++
		return false
	})
	if err != nil || calls != 1 {
		t.Fatalf("Parcels called yield %d times and returned %v; want once and nil", calls, err)
	}
}

func TestParcelsReturnsContextError(t *testing.T) {
	w, _ := newTestWorld(t, 26, 200)
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	err := mustSource(t, w, SwiftID).Parcels(ctx, func(adapters.Parcel) bool {
		calls++
		cancel()
		return true
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("Parcels after cancel: %d calls, err %v; want 1 call and context.Canceled", calls, err)
	}
}

// recorder collects what Watch reports.
type recorder struct {
	mu      sync.Mutex
	reports []adapters.Parcel
}

func (r *recorder) changed(p adapters.Parcel) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reports = append(r.reports, p)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reports)
}

// waitFor polls cond until it holds, failing the test after a generous bound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// expectedRises is how many parcels of c gain events between two times.
func expectedRises(w *World, c courier, from, to time.Time) map[string]uint64 {
	want := map[string]uint64{}
	for _, p := range w.fleets[c].parcels {
		if k := p.visible(to); k > p.visible(from) {
			want[p.number] = uint64(k)
		}
	}
	return want
}

func TestWatchReportsNewVersionsInOrderAndStopsWithContext(t *testing.T) {
	w, clock := newTestWorld(t, 27, 0)
	src := mustSource(t, w, SwiftID)
	rec := &recorder{}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	reads := clock.Reads()
	go func() { done <- src.Watch(ctx, rec.changed) }()
	waitFor(t, "Watch to read the clock", func() bool { return clock.Reads() > reads })

	var seen []adapters.Parcel
	for step := range 3 {
		before := w.SimNow()
		clock.Advance(4 * time.Hour)
		want := expectedRises(w, swift, before, w.SimNow())
		if len(want) == 0 {
			t.Fatalf("step %d: no parcel changes in 4 simulated hours", step)
		}
		waitFor(t, "the reports of a step", func() bool { return rec.count() >= len(seen)+len(want) })
		rec.mu.Lock()
		batch := slices.Clone(rec.reports[len(seen):])
		rec.mu.Unlock()
		if len(batch) != len(want) {
			t.Fatalf("step %d: %d reports, want %d", step, len(batch), len(want))
		}
		for i, p := range batch {
			if p.Version != want[p.View.TrackingNumber] {
				t.Fatalf("step %d: %s reported at version %d, want %d", step, p.View.TrackingNumber, p.Version, want[p.View.TrackingNumber])
			}
			if i > 0 && p.View.UpdatedAt.Before(batch[i-1].View.UpdatedAt) {
				t.Fatalf("step %d: report %d is older news than report %d", step, i, i-1)
			}
		}
		seen = append(seen, batch...)
	}
	last := map[string]uint64{}
	for _, p := range seen {
		if p.Version <= last[p.View.TrackingNumber] {
			t.Fatalf("%s reported at version %d after %d", p.View.TrackingNumber, p.Version, last[p.View.TrackingNumber])
		}
		last[p.View.TrackingNumber] = p.Version
	}

	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Watch returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Watch did not return after cancel")
	}
	clock.Advance(24 * time.Hour)
	if n := rec.count(); n != len(seen) {
		t.Fatalf("%d reports after Watch returned", n-len(seen))
	}
}

func TestWatchNeverReportsWhenTheClockGoesBack(t *testing.T) {
	w, clock := newTestWorld(t, 28, 300)
	clock.Advance(6 * time.Hour)
	src := mustSource(t, w, GlobalID)
	rec := &recorder{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	reads := clock.Reads()
	go func() { done <- src.Watch(ctx, rec.changed) }()
	waitFor(t, "Watch to read the clock", func() bool { return clock.Reads() > reads })
	clock.Advance(-6 * time.Hour)
	// Let Watch look at the earlier time a few times, then forward again
	// to where it started: nothing has changed since then.
	reads = clock.Reads()
	waitFor(t, "Watch to look at the clock again", func() bool { return clock.Reads() > reads+3 })
	clock.Advance(6 * time.Hour)
	reads = clock.Reads()
	waitFor(t, "Watch to look at the clock again", func() bool { return clock.Reads() > reads+3 })
	cancel()
	<-done
	if n := rec.count(); n != 0 {
		t.Fatalf("Watch reported %d parcels though no event is newer than when it began", n)
	}
}
