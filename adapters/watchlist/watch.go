package watchlist

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// ErrWatching is returned by Watch while another Watch runs.
var ErrWatching = errors.New("watchlist: Watch is already running")

// Watch polls the watched parcels until ctx ends and calls changed, from
// this goroutine, with every parcel whose view (or factors) changed since
// it was last reported, in version order per parcel. It also reads the
// file again when it changes. It returns ctx's error once every lookup in
// flight has returned.
func (w *Watchlist) Watch(ctx context.Context, changed func(adapters.Parcel)) error {
	if !w.watching.CompareAndSwap(false, true) {
		return ErrWatching
	}
	defer w.watching.Store(false)
	// Runs last: the lookups that were in flight were not recorded, so
	// their parcels are due at the next Watch.
	defer w.settle()
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // runs before wg.Wait: the lookups in flight end with ctx

	w.mu.Lock()
	watched := len(w.entries)
	w.mu.Unlock()
	w.cfg.Logger.Info("watching the watchlist", "parcels", watched, "poll_interval", w.cfg.PollInterval)

	clock := w.cfg.Clock
	results := make(chan result)
	inFlight := 0
	nextFileCheck := clock.Now().Add(w.cfg.FileCheckInterval)
	for {
		now := clock.Now()
		if w.cfg.File != "" && !now.Before(nextFileCheck) {
			w.reload(false)
			nextFileCheck = now.Add(w.cfg.FileCheckInterval)
		}
		w.mu.Lock()
		filled := w.noteFilled() // after the answers so far were reported
		refs := w.takeDue(now, w.cfg.Concurrency-inFlight)
		wake := w.nextWake()
		watched := len(w.entries)
		w.mu.Unlock()
		if filled {
			w.cfg.Logger.Info("watchlist filled: every parcel looked up once", "parcels", watched)
		}
		for _, ref := range refs {
			inFlight++
			wg.Go(func() { w.lookup(ctx, ref, results) })
		}

		if w.cfg.File != "" && (wake.IsZero() || nextFileCheck.Before(wake)) {
			wake = nextFileCheck
		}
		var timer <-chan time.Time
		if !wake.IsZero() && inFlight < w.cfg.Concurrency {
			timer = clock.At(wake)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case r := <-results:
			inFlight--
			if p, ok := w.apply(r, clock.Now()); ok {
				changed(p)
			}
		case <-w.wake:
		case <-timer:
		}
	}
}

// lookup asks the adapter about one parcel and hands the outcome to
// Watch's loop, unless Watch is ending.
func (w *Watchlist) lookup(ctx context.Context, ref adapters.ParcelRef, results chan<- result) {
	p, err := w.src.Lookup(ctx, ref)
	select {
	case results <- result{tn: ref.TrackingNumber, parcel: p, err: err}:
	case <-ctx.Done():
	}
}

// settle marks every entry idle after Watch ended.
func (w *Watchlist) settle() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range w.entries {
		e.polling = false
	}
}
