package watchlist

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// result is the outcome of one lookup.
type result struct {
	tn     string
	parcel adapters.Parcel
	err    error
}

// takeDue marks up to n idle entries that are due at now as in flight and
// returns their refs, earliest due first. Nothing is due while the
// carrier asked to wait. The caller holds mu.
func (w *Watchlist) takeDue(now time.Time, n int) []adapters.ParcelRef {
	if n <= 0 || now.Before(w.holdUntil) {
		return nil
	}
	var due []*entry
	for _, e := range w.entries {
		if !e.polling && !e.due.After(now) {
			due = append(due, e)
		}
	}
	slices.SortFunc(due, func(a, b *entry) int {
		return cmp.Or(a.due.Compare(b.due), cmp.Compare(a.ref.TrackingNumber, b.ref.TrackingNumber))
	})
	refs := make([]adapters.ParcelRef, 0, min(n, len(due)))
	for _, e := range due[:min(n, len(due))] {
		e.polling = true
		refs = append(refs, adapters.ParcelRef{TrackingNumber: e.ref.TrackingNumber, Factors: slices.Clone(e.ref.Factors)})
	}
	return refs
}

// nextWake is when the next idle entry falls due, or the pause the
// carrier asked for ends if that is later; zero when nothing waits. The
// caller holds mu.
func (w *Watchlist) nextWake() time.Time {
	var next time.Time
	for _, e := range w.entries {
		if !e.polling && (next.IsZero() || e.due.Before(next)) {
			next = e.due
		}
	}
	if !next.IsZero() && next.Before(w.holdUntil) {
		next = w.holdUntil
	}
	return next
}

// apply records the outcome of a lookup finished at now, schedules the
// parcel's next lookup or drops it, and returns the parcel to report when
// it changed.
func (w *Watchlist) apply(r result, now time.Time) (adapters.Parcel, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.entries[r.tn]
	if !ok {
		return adapters.Parcel{}, false // removed while in flight
	}
	e.polling = false
	e.looked = true
	switch {
	case r.err == nil:
		e.failures, e.notFound = 0, 0
		if v := r.parcel.View; v.Status.Final() && now.Sub(v.UpdatedAt) >= w.cfg.FinalRetention {
			w.drop(r.tn)
			return adapters.Parcel{}, false
		}
		e.due = now.Add(jitter(w.cfg.PollInterval))
		return w.record(e, r.parcel)
	case errors.Is(r.err, adapters.ErrNotFound):
		e.failures = 0
		e.notFound++
		if e.notFound >= w.cfg.NotFoundLimit {
			w.drop(r.tn)
			w.cfg.Logger.Info("parcel dropped from the watchlist: not found", "answers", e.notFound)
			return adapters.Parcel{}, false
		}
		e.due = now.Add(jitter(w.cfg.PollInterval))
	default:
		// ErrUnavailable, ErrMisconfigured or an unclassified error:
		// ask again later, backing off.
		e.failures++
		wait := backoff(e.failures, w.cfg.RetryBase, w.cfg.PollInterval)
		if ra, ok := adapters.RetryAfter(r.err); ok {
			wait = max(wait, ra)
			if until := now.Add(ra); until.After(w.holdUntil) {
				w.holdUntil = until
			}
		}
		e.due = now.Add(wait)
		if e.failures == 1 {
			// The error text may name the parcel: only its class is logged.
			w.cfg.Logger.Warn("lookup failed; backing off",
				"unavailable", errors.Is(r.err, adapters.ErrUnavailable),
				"misconfigured", errors.Is(r.err, adapters.ErrMisconfigured))
		}
	}
	return adapters.Parcel{}, false
}

// record keeps p as e's last answer and returns it, with the Watchlist's
// version, if its view or factors changed. The caller holds mu.
func (w *Watchlist) record(e *entry, p adapters.Parcel) (adapters.Parcel, bool) {
	viewJSON, err := json.Marshal(p.View)
	if err != nil {
		return adapters.Parcel{}, false
	}
	viewChanged := !e.hasReported || !bytes.Equal(viewJSON, e.viewJSON)
	if !viewChanged && slices.Equal(p.Factors, e.parcel.Factors) {
		return adapters.Parcel{}, false
	}
	if viewChanged {
		p.Version = nextVersion(e.lastReported, p.Version)
	} else {
		p.Version = e.lastReported // the same view unlocked by other factors
	}
	p = clonedParcel(p)
	e.parcel, e.viewJSON, e.hasReported, e.lastReported = p, viewJSON, true, p.Version
	return clonedParcel(p), true
}

// versionShift makes room below an adapter's version for changes the
// adapter's version does not count (see the package documentation).
const versionShift = 16

// nextVersion is the version to report for a changed view: the adapter's
// version shifted, or one more than the last reported if that is not
// higher. An adapter version too large to shift is taken as it is.
func nextVersion(last, src uint64) uint64 {
	v := src
	if src < 1<<(64-versionShift) {
		v = src << versionShift
	}
	return max(v, last+1)
}

// jitter spreads d by ±10% so that parcels added together are not all
// looked up in the same second for ever after.
func jitter(d time.Duration) time.Duration {
	spread := d / 5
	return d - spread/2 + rand.N(spread+1)
}

// backoff is the wait after the failure-th failure in a row: base
// doubling up to max, jittered over its upper half.
func backoff(failures int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < failures && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d/2 + rand.N(d/2+1)
}
