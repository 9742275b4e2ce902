package watchlist

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

// Watchlist watches the parcels the courier names by polling a
// query-only adapter. It is safe for concurrent use.
type Watchlist struct {
	src  adapters.Source
	cfg  Config
	logs *adapters.LogSwitch // cfg.Logger follows it

	mu      sync.Mutex
	entries map[string]*entry // by normalized tracking number
	// dropped holds numbers of the file that were dropped or removed, so
	// that reading the file again does not bring them back; a number
	// leaves it when its line leaves the file or Add names it again.
	dropped   map[string]bool
	file      fileStamp
	holdUntil time.Time // no lookups before: the carrier asked to wait

	wake     chan struct{} // nudges Watch after Add
	watching atomic.Bool
	// filled: every watched parcel has been looked up once (Loading).
	filled atomic.Bool
}

var (
	_ adapters.Source  = (*Watchlist)(nil)
	_ adapters.Lister  = (*Watchlist)(nil)
	_ adapters.Watcher = (*Watchlist)(nil)
	_ adapters.Closer  = (*Watchlist)(nil)

	_ adapters.LoggerSetter = (*Watchlist)(nil)
	_ adapters.Loader       = (*Watchlist)(nil)
)

// entry is one watched parcel.
type entry struct {
	ref          adapters.ParcelRef
	inFile       bool // named by the file
	added        bool // named by Add
	parcel       adapters.Parcel
	viewJSON     []byte
	due          time.Time // next lookup
	polling      bool      // a lookup is in flight
	failures     int       // ErrUnavailable or ErrMisconfigured in a row
	notFound     int       // ErrNotFound in a row
	hasReported  bool      // parcel holds an answer
	lastReported uint64    // the version last reported
	looked       bool      // a lookup has come back, whatever it said
}

// New returns a Watchlist over src. It reads cfg.File at once and fails
// if it cannot; it starts no goroutine: polling runs inside Watch.
func New(src adapters.Source, cfg Config) (*Watchlist, error) {
	if src == nil {
		return nil, fmt.Errorf("%w: a Source is required", ErrConfig)
	}
	if err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	w := &Watchlist{
		src:     src,
		cfg:     cfg,
		logs:    adapters.NewLogSwitch(cfg.Logger),
		entries: map[string]*entry{},
		dropped: map[string]bool{},
		wake:    make(chan struct{}, 1),
	}
	w.cfg.Logger = w.logs.Logger()
	if cfg.File != "" {
		if err := w.reload(true); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// Add watches the parcel ref names, with the factors given (replacing
// any it had); it is looked up at the next turn of Watch.
func (w *Watchlist) Add(ref adapters.ParcelRef) error {
	tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber)
	if err != nil {
		return fmt.Errorf("watchlist: add: %w", err)
	}
	w.mu.Lock()
	delete(w.dropped, tn)
	e := w.entry(tn)
	e.added = true
	e.ref.Factors = slices.Clone(ref.Factors)
	w.mu.Unlock()
	w.nudge()
	return nil
}

// Remove stops watching the parcel. A parcel the file names stays
// removed until its line leaves the file or Add names it again.
func (w *Watchlist) Remove(trackingNumber string) {
	tn, err := crypto.NormalizeTrackingNumber(trackingNumber)
	if err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.drop(tn)
}

// entry returns the entry of tn, creating it due now. The caller holds mu.
func (w *Watchlist) entry(tn string) *entry {
	e, ok := w.entries[tn]
	if !ok {
		e = &entry{ref: adapters.ParcelRef{TrackingNumber: tn}, due: w.cfg.Clock.Now()}
		w.entries[tn] = e
	}
	return e
}

// drop stops watching tn. The caller holds mu.
func (w *Watchlist) drop(tn string) {
	if e, ok := w.entries[tn]; ok && e.inFile {
		w.dropped[tn] = true
	}
	delete(w.entries, tn)
}

func (w *Watchlist) nudge() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Lookup returns the last answer for a watched parcel, and asks the
// adapter about any other (reporting its version as the Watchlist would).
func (w *Watchlist) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	if tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber); err == nil {
		w.mu.Lock()
		e, ok := w.entries[tn]
		if ok && e.hasReported {
			p := clonedParcel(e.parcel)
			w.mu.Unlock()
			return p, nil
		}
		w.mu.Unlock()
	}
	p, err := w.src.Lookup(ctx, ref)
	if err != nil {
		return adapters.Parcel{}, err
	}
	p.Version = nextVersion(0, p.Version)
	return p, nil
}

// Parcels yields the last answer for every watched parcel that has had
// one, in tracking-number order.
func (w *Watchlist) Parcels(ctx context.Context, yield func(adapters.Parcel) bool) error {
	w.mu.Lock()
	var parcels []adapters.Parcel
	for _, e := range w.entries {
		if e.hasReported {
			parcels = append(parcels, clonedParcel(e.parcel))
		}
	}
	w.mu.Unlock()
	slices.SortFunc(parcels, func(a, b adapters.Parcel) int {
		return cmp.Compare(a.View.TrackingNumber, b.View.TrackingNumber)
	})
	for _, p := range parcels {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !yield(p) {
			return nil
		}
	}
	return nil
}

// Loading reports true until Watch has looked up every watched parcel
// once, whatever the answer, and reported those it found: until then its
// courier host is still loading (adapters.Loader), and a parcel missing
// from it may just not have been asked about yet. Once false, it stays
// false: parcels added later are new, not late.
func (w *Watchlist) Loading() bool { return !w.filled.Load() }

// noteFilled marks the Watchlist filled once every entry has been looked
// up. Watch calls it after reporting what it found. The caller holds mu.
func (w *Watchlist) noteFilled() bool {
	if w.filled.Load() {
		return false
	}
	for _, e := range w.entries {
		if !e.looked {
			return false
		}
	}
	w.filled.Store(true)
	return true
}

// SetLogger sends the Watchlist's lines, from now on, to l, its courier
// host's logger (adapters.LoggerSetter), and passes l on to the adapter
// it polls when that one logs too.
func (w *Watchlist) SetLogger(l *slog.Logger) {
	w.logs.Set(l)
	if ls, ok := w.src.(adapters.LoggerSetter); ok {
		ls.SetLogger(l)
	}
}

// Close closes the adapter if it holds resources.
func (w *Watchlist) Close() error {
	if c, ok := w.src.(adapters.Closer); ok {
		return c.Close()
	}
	return nil
}

// clonedParcel copies the slices of p that a caller could change.
func clonedParcel(p adapters.Parcel) adapters.Parcel {
	p.Factors = slices.Clone(p.Factors)
	p.View.Events = slices.Clone(p.View.Events)
	p.View.Handoffs = slices.Clone(p.View.Handoffs)
	return p
}
