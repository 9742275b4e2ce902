package watchlist

import (
	"context"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

func newTestWatchlist(t *testing.T, src adapters.Source, cfg Config) (*Watchlist, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	cfg.Clock = clock
	w, err := New(src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w, clock
}

func TestNextVersion(t *testing.T) {
	cases := []struct {
		last, src, want uint64
	}{
		{0, 1, 1 << 16},
		{1 << 16, 1, 1<<16 + 1},       // the view changed, the adapter's version did not
		{1<<16 + 5, 2, 2 << 16},       // a new event passes every in-process bump
		{3 << 16, 2, 3<<16 + 1},       // an adapter version going back never lowers ours
		{0, 1 << 50, 1 << 50},         // too large to shift: taken as it is
		{1 << 50, 1 << 50, 1<<50 + 1}, // and still increasing
	}
	for _, tc := range cases {
		if got := nextVersion(tc.last, tc.src); got != tc.want {
			t.Errorf("nextVersion(%d, %d) = %d; want %d", tc.last, tc.src, got, tc.want)
		}
	}
}

func TestApplyReportsOnlyChanges(t *testing.T) {
	w, clock := newTestWatchlist(t, newScripted(), Config{})
	w.Add(adapters.ParcelRef{TrackingNumber: "SF1234567890123", Factors: []string{"5678"}})
	now := clock.Now()
	w.mu.Lock()
	w.takeDue(now, 1)
	w.mu.Unlock()

	first := found("SF1234567890123", 2, adapters.StatusInTransit, "5678")
	p, ok := w.apply(result{tn: "SF1234567890123", parcel: first.parcel}, now)
	if !ok || p.Version != 2<<16 {
		t.Fatalf("first answer: reported %v with version %d; want reported with %d", ok, p.Version, 2<<16)
	}
	if _, ok := w.apply(result{tn: "SF1234567890123", parcel: first.parcel}, now); ok {
		t.Error("the same answer again was reported")
	}

	moved := first.parcel
	moved.View.ETA = &adapters.ETA{From: now, To: now.Add(time.Hour)}
	if p, ok := w.apply(result{tn: "SF1234567890123", parcel: moved}, now); !ok || p.Version != 2<<16+1 {
		t.Errorf("changed view, same adapter version: reported %v, version %d; want %d", ok, p.Version, 2<<16+1)
	}

	refactored := moved
	refactored.Factors = []string{"5678", "1234"}
	if p, ok := w.apply(result{tn: "SF1234567890123", parcel: refactored}, now); !ok || p.Version != 2<<16+1 {
		t.Errorf("new factors only: reported %v, version %d; want the same version %d", ok, p.Version, 2<<16+1)
	}

	next := found("SF1234567890123", 3, adapters.StatusOutForDelivery, "5678")
	if p, ok := w.apply(result{tn: "SF1234567890123", parcel: next.parcel}, now); !ok || p.Version != 3<<16 {
		t.Errorf("new event: reported %v, version %d; want %d", ok, p.Version, 3<<16)
	}
}

func TestApplySchedulesTheNextPollWithJitter(t *testing.T) {
	w, clock := newTestWatchlist(t, newScripted(), Config{PollInterval: time.Hour})
	now := clock.Now()
	for i := range 50 {
		tn := "SF10000000000" + string(rune('A'+i%26)) + string(rune('A'+i/26))
		w.Add(adapters.ParcelRef{TrackingNumber: tn})
		w.apply(result{tn: tn, parcel: found(tn, 1, adapters.StatusInTransit).parcel}, now)
		due := w.entries[tn].due.Sub(now)
		if due < 54*time.Minute || due > 66*time.Minute {
			t.Fatalf("next poll in %v; want within 10%% of 1h", due)
		}
	}
}

func TestApplyBacksOffOnUnavailable(t *testing.T) {
	w, clock := newTestWatchlist(t, newScripted(), Config{PollInterval: time.Hour, RetryBase: time.Minute})
	const tn = "SF1234567890123"
	w.Add(adapters.ParcelRef{TrackingNumber: tn})
	now := clock.Now()
	for failures, upper := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute} {
		w.apply(result{tn: tn, err: failed(adapters.ErrUnavailable).err}, now)
		due := w.entries[tn].due.Sub(now)
		if due < upper/2 || due > upper {
			t.Errorf("after %d failures: next poll in %v; want within [%v, %v]", failures+1, due, upper/2, upper)
		}
	}
	for range 10 {
		w.apply(result{tn: tn, err: failed(adapters.ErrMisconfigured).err}, now)
	}
	if due := w.entries[tn].due.Sub(now); due > time.Hour {
		t.Errorf("backoff grew to %v, past the poll interval", due)
	}
	w.apply(result{tn: tn, parcel: found(tn, 1, adapters.StatusInTransit).parcel}, now)
	if f := w.entries[tn].failures; f != 0 {
		t.Errorf("an answer left %d failures counted", f)
	}
}

func TestRetryAfterDelaysTheParcelAndPausesTheOthers(t *testing.T) {
	w, clock := newTestWatchlist(t, newScripted(), Config{PollInterval: time.Hour, RetryBase: time.Second})
	w.Add(adapters.ParcelRef{TrackingNumber: "SF1111111111111"})
	w.Add(adapters.ParcelRef{TrackingNumber: "SF2222222222222"})
	now := clock.Now()
	w.mu.Lock()
	w.takeDue(now, 1)
	w.mu.Unlock()
	limited := &adapters.RetryAfterError{Wait: 10 * time.Minute}
	w.apply(result{tn: "SF1111111111111", err: limited}, now)
	if due := w.entries["SF1111111111111"].due; due.Before(now.Add(10 * time.Minute)) {
		t.Errorf("rate-limited parcel due at %v; want no sooner than the Retry-After, %v", due, now.Add(10*time.Minute))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if refs := w.takeDue(now.Add(9*time.Minute), 10); len(refs) != 0 {
		t.Errorf("lookups %v started during the carrier's pause", refs)
	}
	if wake := w.nextWake(); !wake.Equal(now.Add(10 * time.Minute)) {
		t.Errorf("next wake %v; want the end of the pause %v", wake, now.Add(10*time.Minute))
	}
	if refs := w.takeDue(now.Add(10*time.Minute), 10); len(refs) != 2 || refs[0].TrackingNumber != "SF2222222222222" {
		t.Errorf("after the pause: lookups %v; want both, the one waiting longest first", refs)
	}
}

func TestParcelsNotFoundTooOftenAreDropped(t *testing.T) {
	w, clock := newTestWatchlist(t, newScripted(), Config{NotFoundLimit: 3})
	const tn = "SF1234567890123"
	w.Add(adapters.ParcelRef{TrackingNumber: tn})
	now := clock.Now()
	w.apply(result{tn: tn, parcel: found(tn, 1, adapters.StatusInTransit).parcel}, now)
	for i := range 3 {
		if _, ok := w.entries[tn]; !ok {
			t.Fatalf("dropped after %d not-found answers; want 3", i)
		}
		w.apply(result{tn: tn, err: failed(adapters.ErrNotFound).err}, now)
	}
	if _, ok := w.entries[tn]; ok {
		t.Fatal("still watched after 3 not-found answers")
	}
	if n := countParcels(t, w); n != 0 {
		t.Errorf("Parcels lists %d parcels after the drop; want 0", n)
	}
}

func TestNotFoundCountResetsOnAnAnswer(t *testing.T) {
	w, clock := newTestWatchlist(t, newScripted(), Config{NotFoundLimit: 2})
	const tn = "SF1234567890123"
	w.Add(adapters.ParcelRef{TrackingNumber: tn})
	now := clock.Now()
	for range 3 {
		w.apply(result{tn: tn, err: failed(adapters.ErrNotFound).err}, now)
		w.apply(result{tn: tn, parcel: found(tn, 1, adapters.StatusInTransit).parcel}, now)
	}
	if _, ok := w.entries[tn]; !ok {
		t.Error("dropped although not-found answers never came twice in a row")
	}
}

func TestFinalParcelsAreDroppedAfterTheRetention(t *testing.T) {
	w, clock := newTestWatchlist(t, newScripted(), Config{FinalRetention: 30 * 24 * time.Hour})
	const tn = "SF1234567890123"
	w.Add(adapters.ParcelRef{TrackingNumber: tn})
	delivered := found(tn, 3, adapters.StatusDelivered).parcel // last event 46h before now
	if _, ok := w.apply(result{tn: tn, parcel: delivered}, clock.Now()); !ok {
		t.Fatal("a parcel delivered two days ago was not reported")
	}
	w.apply(result{tn: tn, parcel: delivered}, delivered.View.UpdatedAt.Add(30*24*time.Hour-time.Minute))
	if _, ok := w.entries[tn]; !ok {
		t.Fatal("dropped within the retention")
	}
	w.apply(result{tn: tn, parcel: delivered}, delivered.View.UpdatedAt.Add(30*24*time.Hour))
	if _, ok := w.entries[tn]; ok {
		t.Fatal("still watched 30 days after delivery")
	}
}

func TestTakeDueTakesEarliestFirstAndSkipsThoseInFlight(t *testing.T) {
	w, clock := newTestWatchlist(t, newScripted(), Config{})
	now := clock.Now()
	for i, tn := range []string{"SF3333333333333", "SF1111111111111", "SF2222222222222"} {
		w.Add(adapters.ParcelRef{TrackingNumber: tn})
		w.entries[tn].due = now.Add(-time.Duration(i) * time.Minute)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	first := w.takeDue(now, 2)
	if len(first) != 2 || first[0].TrackingNumber != "SF2222222222222" || first[1].TrackingNumber != "SF1111111111111" {
		t.Fatalf("takeDue = %v; want the two most overdue, most overdue first", first)
	}
	if rest := w.takeDue(now, 5); len(rest) != 1 || rest[0].TrackingNumber != "SF3333333333333" {
		t.Errorf("takeDue again = %v; want only the one not in flight", rest)
	}
}

func countParcels(t *testing.T, w *Watchlist) int {
	t.Helper()
	n := 0
	if err := w.Parcels(context.Background(), func(adapters.Parcel) bool { n++; return true }); err != nil {
		t.Fatal(err)
	}
	return n
}
