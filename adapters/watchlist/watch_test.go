package watchlist

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// watching runs w.Watch until the test ends and delivers what it reports.
func watching(t *testing.T, w *Watchlist) <-chan adapters.Parcel {
	t.Helper()
	changed := make(chan adapters.Parcel, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Watch(ctx, func(p adapters.Parcel) { changed <- p }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Watch returned %v; want context.Canceled", err)
		}
	})
	return changed
}

func nextChange(t *testing.T, changed <-chan adapters.Parcel) adapters.Parcel {
	t.Helper()
	select {
	case p := <-changed:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("no change reported")
		return adapters.Parcel{}
	}
}

func TestWatchPollsOnTheIntervalAndReportsChanges(t *testing.T) {
	src := newScripted()
	src.script("SF1111111111111",
		found("SF1111111111111", 1, adapters.StatusInTransit, "1111"),
		found("SF1111111111111", 2, adapters.StatusOutForDelivery, "1111"))
	src.script("SF2222222222222", found("SF2222222222222", 4, adapters.StatusInTransit))
	w, clock := newTestWatchlist(t, src, Config{PollInterval: time.Hour, Concurrency: 1})
	w.Add(adapters.ParcelRef{TrackingNumber: "SF1111111111111", Factors: []string{"1111"}})
	w.Add(adapters.ParcelRef{TrackingNumber: "SF2222222222222"})
	changed := watching(t, w)

	reported := map[string]uint64{}
	for range 2 {
		p := nextChange(t, changed)
		reported[p.View.TrackingNumber] = p.Version
	}
	if reported["SF1111111111111"] != 1<<16 || reported["SF2222222222222"] != 4<<16 {
		t.Fatalf("first versions %v", reported)
	}
	factors := map[string][]string{}
	for range 2 {
		ref := src.nextCall(t)
		factors[ref.TrackingNumber] = ref.Factors
	}
	if f := factors["SF1111111111111"]; len(f) != 1 || f[0] != "1111" || len(factors["SF2222222222222"]) != 0 {
		t.Errorf("lookups got factors %q; want the registered ones", factors)
	}
	if n := countParcels(t, w); n != 2 {
		t.Errorf("Parcels lists %d; want 2", n)
	}

	clock.Advance(66 * time.Minute) // past the interval and its jitter
	src.nextCall(t)
	src.nextCall(t)
	p := nextChange(t, changed)
	if p.View.TrackingNumber != "SF1111111111111" || p.Version != 2<<16 || p.View.Status != adapters.StatusOutForDelivery {
		t.Errorf("second round reported %s v%d %s; want SF1111111111111 v%d out_for_delivery",
			p.View.TrackingNumber, p.Version, p.View.Status, 2<<16)
	}
	// With one lookup at a time, the next lookup starts only once the
	// previous answer was applied and reported: a third round's first
	// lookup shows that nothing else of the second round was reported.
	clock.Advance(66 * time.Minute)
	src.nextCall(t)
	if len(changed) != 0 {
		t.Errorf("an unchanged parcel was reported: %+v", <-changed)
	}
}

func TestWatchPicksUpParcelsAddedWhileRunning(t *testing.T) {
	src := newScripted()
	src.script("SF1111111111111", found("SF1111111111111", 3, adapters.StatusInTransit))
	w, _ := newTestWatchlist(t, src, Config{})
	changed := watching(t, w)
	w.Add(adapters.ParcelRef{TrackingNumber: "sf 1111 1111 11111"})
	if p := nextChange(t, changed); p.View.TrackingNumber != "SF1111111111111" {
		t.Errorf("reported %s", p.View.TrackingNumber)
	}
	if got, err := w.Lookup(context.Background(), adapters.ParcelRef{TrackingNumber: "SF1111111111111"}); err != nil || got.Version != 3<<16 {
		t.Errorf("Lookup of a watched parcel = v%d, %v; want the last answer, v%d", got.Version, err, 3<<16)
	}
}

func TestWatchReadsTheFileAgainWhenItChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parcels.jsonl")
	writeFile(t, path, `{"tracking_number":"SF1111111111111"}`)
	src := newScripted()
	src.script("SF1111111111111", found("SF1111111111111", 1, adapters.StatusInTransit))
	src.script("SF2222222222222", found("SF2222222222222", 1, adapters.StatusInTransit))
	w, clock := newTestWatchlist(t, src, Config{File: path, FileCheckInterval: time.Minute, PollInterval: time.Hour})
	changed := watching(t, w)
	nextChange(t, changed)

	writeFile(t, path, `{"tracking_number":"SF1111111111111"}`, `{"tracking_number":"SF2222222222222"}`)
	touch(t, path, time.Now().Add(time.Second))
	clock.Advance(time.Minute)
	if p := nextChange(t, changed); p.View.TrackingNumber != "SF2222222222222" {
		t.Errorf("reported %s; want the parcel the file gained", p.View.TrackingNumber)
	}
}

// gated is a Source whose lookups wait for the test to let them go; it
// records how many ran at once.
type gated struct {
	mu       sync.Mutex
	inFlight int
	most     int
	started  chan struct{}
	release  chan struct{}
}

func (g *gated) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	g.mu.Lock()
	g.inFlight++
	g.most = max(g.most, g.inFlight)
	g.mu.Unlock()
	g.started <- struct{}{}
	<-g.release
	g.mu.Lock()
	g.inFlight--
	g.mu.Unlock()
	return found(ref.TrackingNumber, 1, adapters.StatusInTransit).parcel, nil
}

func TestWatchBoundsTheLookupsInFlight(t *testing.T) {
	g := &gated{started: make(chan struct{}, 10), release: make(chan struct{})}
	w, _ := newTestWatchlist(t, g, Config{Concurrency: 2})
	for _, tn := range []string{"SF1111111111111", "SF2222222222222", "SF3333333333333", "SF4444444444444", "SF5555555555555"} {
		w.Add(adapters.ParcelRef{TrackingNumber: tn})
	}
	changed := watching(t, w)
	for range 5 {
		<-g.started
		g.release <- struct{}{}
		nextChange(t, changed)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.most > 2 {
		t.Errorf("%d lookups ran at once; want at most 2", g.most)
	}
}

func TestWatchRefusesASecondWatch(t *testing.T) {
	src := newScripted()
	w, _ := newTestWatchlist(t, src, Config{})
	w.Add(adapters.ParcelRef{TrackingNumber: "SF1111111111111"})
	watching(t, w)
	src.nextCall(t) // the first Watch is running
	if err := w.Watch(context.Background(), func(adapters.Parcel) {}); !errors.Is(err, ErrWatching) {
		t.Fatalf("second Watch: %v; want ErrWatching", err)
	}
}

func TestWrapOpensTheAdapterAloneWithoutAWatchlist(t *testing.T) {
	var seen map[string]string
	inner := newScripted()
	open := Wrap(func(options map[string]string) (adapters.Source, error) {
		seen = options
		return inner, nil
	})
	src, err := open(map[string]string{"checkword": "x"})
	if err != nil || src != adapters.Source(inner) {
		t.Fatalf("Wrap without watchlist = %T, %v; want the adapter itself", src, err)
	}
	if len(seen) != 1 || seen["checkword"] != "x" {
		t.Errorf("adapter saw options %v", seen)
	}
}

func TestWrapWrapsTheAdapterInAWatchlist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parcels.jsonl")
	writeFile(t, path, `{"tracking_number":"SF1111111111111","factors":["1111"]}`)
	var seen map[string]string
	open := Wrap(func(options map[string]string) (adapters.Source, error) {
		seen = options
		return newScripted(), nil
	})
	src, err := open(map[string]string{"checkword": "x", "watchlist": path, "poll": "30m"})
	if err != nil {
		t.Fatal(err)
	}
	w, ok := src.(*Watchlist)
	if !ok {
		t.Fatalf("Wrap with watchlist = %T; want *Watchlist", src)
	}
	if w.cfg.PollInterval != 30*time.Minute || len(watchedNumbers(w)) != 1 {
		t.Errorf("poll %v, watching %v", w.cfg.PollInterval, watchedNumbers(w))
	}
	if _, leaked := seen["watchlist"]; leaked || len(seen) != 1 {
		t.Errorf("adapter saw options %v; want only its own", seen)
	}
}

// closing is a Source that records being closed.
type closing struct {
	*scripted
	closed bool
}

func (c *closing) Close() error { c.closed = true; return nil }

func TestWrapRefusesBadOptions(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "parcels.jsonl")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]map[string]string{
		"poll without watchlist": {"poll": "30m"},
		"poll not a duration":    {"watchlist": path, "poll": "hourly"},
		"poll not positive":      {"watchlist": path, "poll": "0s"},
		"empty watchlist path":   {"watchlist": ""},
		"missing watchlist file": {"watchlist": filepath.Join(dir, "missing.jsonl")},
	}
	for name, options := range cases {
		inner := &closing{scripted: newScripted()}
		opened := false
		open := Wrap(func(map[string]string) (adapters.Source, error) { opened = true; return inner, nil })
		if _, err := open(options); err == nil {
			t.Errorf("%s: Wrap accepted %v", name, options)
		}
		if opened && !inner.closed {
			t.Errorf("%s: the adapter was opened and not closed", name)
		}
	}
}
