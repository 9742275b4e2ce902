package webhook

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

// listPage is how many parcels Parcels reads in one read transaction.
const listPage = 256

// Lookup returns the parcel ref names, built from its stored events. When
// ref carries factors, at least one must be among the parcel's (else
// ErrNotFound) and the parcel comes with those it shares; without, it
// comes with all of its own. A parcel without events, dropped, or past
// its retention is not found. A state file that cannot be read is
// ErrUnavailable.
func (a *Adapter) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	if err := ctx.Err(); err != nil {
		return adapters.Parcel{}, fmt.Errorf("webhook lookup: %w", err)
	}
	tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("webhook lookup: %w", adapters.ErrNotFound)
	}
	p, err := a.store.get(tn)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("webhook lookup: %w: %v", adapters.ErrUnavailable, err)
	}
	if p == nil || !p.live(a.cfg.Now(), a.cfg.Retention) {
		return adapters.Parcel{}, fmt.Errorf("webhook lookup: %w", adapters.ErrNotFound)
	}
	if len(ref.Factors) > 0 {
		p.Factors = slices.DeleteFunc(p.Factors, func(f string) bool { return !slices.Contains(ref.Factors, f) })
		if len(p.Factors) == 0 {
			return adapters.Parcel{}, fmt.Errorf("webhook lookup: %w", adapters.ErrNotFound)
		}
	}
	return parcel(a.cfg.Courier, tn, p), nil
}

// Parcels yields every live parcel: with at least one event, not dropped
// and not past its retention. It reads the state file a page at a time,
// so a slow yield does not hold up the ingest API.
func (a *Adapter) Parcels(ctx context.Context, yield func(adapters.Parcel) bool) error {
	after := ""
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		page, err := a.store.scan(after, listPage)
		if err != nil {
			return fmt.Errorf("webhook list: %w: %v", adapters.ErrUnavailable, err)
		}
		now := a.cfg.Now()
		for _, sp := range page {
			if !sp.state.live(now, a.cfg.Retention) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if !yield(parcel(a.cfg.Courier, sp.tn, sp.state)) {
				return nil
			}
		}
		if len(page) < listPage {
			return nil
		}
		after = page[len(page)-1].tn
	}
}

// ErrWatching is returned by Watch while another Watch runs.
var ErrWatching = errors.New("webhook adapter is already watched")

// Watch reports, from this goroutine, every live parcel whose events or
// factors change while it runs, until ctx ends or the adapter is closed
// (ErrClosed). Changes in quick succession may come as one report of the
// parcel's latest version; versions of one parcel never go down. Changes
// made while no Watch runs are not reported: list the parcels after
// starting Watch, as the courier host does.
func (a *Adapter) Watch(ctx context.Context, changed func(adapters.Parcel)) error {
	if !a.changes.start() {
		return ErrWatching
	}
	defer a.changes.stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-a.closed:
			return ErrClosed
		case <-a.changes.wake:
		}
		for _, tn := range a.changes.take() {
			p, err := a.store.get(tn)
			if err != nil {
				// The courier host restarts Watch and lists again.
				return fmt.Errorf("webhook watch: %w: %v", adapters.ErrUnavailable, err)
			}
			if p != nil && p.live(a.cfg.Now(), a.cfg.Retention) {
				changed(parcel(a.cfg.Courier, tn, p))
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
}

// changes collects the tracking numbers of parcels changed since Watch
// last looked. It collects from the start, not only while a Watch runs:
// a courier host starts Watch in a goroutine next to its first listing,
// and a change that landed after the listing but before Watch registered
// would otherwise be lost until the next restart.
type changes struct {
	mu       sync.Mutex
	watching bool
	dirty    map[string]struct{}
	wake     chan struct{} // buffered 1: holds a signal once dirty is not empty
}

// start registers a Watch and reports whether none ran already.
func (c *changes) start() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.watching {
		return false
	}
	c.watching = true
	if c.dirty == nil {
		c.dirty = map[string]struct{}{}
	}
	if len(c.dirty) > 0 {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
	return true
}

func (c *changes) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watching = false
}

// mark notes changed parcels for the running Watch, or the next one.
// Without a Watch the set holds at most one entry per stored parcel.
func (c *changes) mark(tns ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(tns) == 0 {
		return
	}
	if c.dirty == nil {
		c.dirty = map[string]struct{}{}
	}
	for _, tn := range tns {
		c.dirty[tn] = struct{}{}
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// take returns the changed parcels, sorted, and forgets them.
func (c *changes) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	tns := make([]string, 0, len(c.dirty))
	for tn := range c.dirty {
		tns = append(tns, tn)
	}
	clear(c.dirty)
	slices.Sort(tns)
	return tns
}
