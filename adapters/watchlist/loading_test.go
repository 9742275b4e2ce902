package watchlist

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

func TestLoadingUntilEveryParcelWasLookedUpOnce(t *testing.T) {
	src := newScripted()
	src.script("SF1111111111111", failed(adapters.ErrUnavailable))
	src.script("SF2222222222222", found("SF2222222222222", 2, adapters.StatusInTransit))
	release := src.hold("SF2222222222222") // so the second lookup waits for the checks after the first
	defer release()
	w, _ := newTestWatchlist(t, src, Config{Concurrency: 1})
	w.Add(adapters.ParcelRef{TrackingNumber: "SF1111111111111"})
	w.Add(adapters.ParcelRef{TrackingNumber: "SF2222222222222"})
	if !w.Loading() {
		t.Fatal("a Watchlist that has looked nothing up is not loading")
	}

	// The parcel found is reported while the Watchlist still says it is
	// loading: its host has it before it hears that loading is over.
	var reportedWhileLoading atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- w.Watch(ctx, func(p adapters.Parcel) { reportedWhileLoading.Store(w.Loading()) })
	}()
	defer func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Watch: %v", err)
		}
	}()
	first := src.nextCall(t)
	if first.TrackingNumber != "SF1111111111111" || !w.Loading() {
		t.Fatalf("after the first lookup (%s): loading %v, want true", first.TrackingNumber, w.Loading())
	}
	src.nextCall(t)
	if !w.Loading() {
		t.Fatal("the Watchlist stopped loading while its second lookup was still under way")
	}
	release()
	waitFor(t, "the Watchlist to be filled", func() bool { return !w.Loading() })
	if !reportedWhileLoading.Load() {
		t.Error("the Watchlist stopped loading before it reported the parcel it found")
	}

	w.Add(adapters.ParcelRef{TrackingNumber: "SF3333333333333"})
	src.nextCall(t)
	if w.Loading() {
		t.Error("a parcel added once filled makes the Watchlist load again")
	}
}

func TestAnEmptyWatchlistIsFilledOnceItWatches(t *testing.T) {
	w, _ := newTestWatchlist(t, newScripted(), Config{})
	if !w.Loading() {
		t.Fatal("a Watchlist that does not watch yet is not loading")
	}
	watching(t, w)
	waitFor(t, "an empty Watchlist to be filled", func() bool { return !w.Loading() })
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
