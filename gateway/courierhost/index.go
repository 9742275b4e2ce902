package courierhost

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

// locatorKey is a locator as a map key.
type locatorKey [crypto.LocatorSize]byte

// index holds the sealed record of every live locator, and the locators
// of each bucket. Writers (indexing a parcel, sweeping) are serialized by
// write, which also guards parcels; they change records and buckets under
// mu, which readers (Bucket, Record) take shared. A writer may read
// records holding write alone, since only writers change it.
type index struct {
	bucketBits int

	write   sync.Mutex
	parcels map[string]*parcelState // by normalized tracking number

	mu      sync.RWMutex
	records map[locatorKey]crypto.SealedRecord
	buckets map[uint32]map[locatorKey]struct{}
}

// parcelState is what the host remembers of one parcel: enough to seal
// its current version under a key that becomes valid later.
type parcelState struct {
	tn        string
	factors   []string
	version   uint64
	viewJSON  []byte
	changedAt time.Time // when this version was first indexed
	// derived caches FullEvaluate, the costly step, per key and factor.
	derived  map[derivation]crypto.Derived
	locators map[locatorKey]struct{}
}

type derivation struct{ kid, factor string }

func (ix *index) init(bucketBits int) {
	ix.bucketBits = bucketBits
	ix.parcels = map[string]*parcelState{}
	ix.records = map[locatorKey]crypto.SealedRecord{}
	ix.buckets = map[uint32]map[locatorKey]struct{}{}
}

// Reasons a parcel from the adapter is not indexed. Their texts are ours
// and fixed, so they are safe to log: none names a parcel.
var (
	errNoVersion      = errors.New("parcel has version 0")
	errInvalidView    = errors.New("parcel view is invalid")
	errOtherCourier   = errors.New("parcel view names another courier")
	errInvalidNumber  = errors.New("parcel tracking number does not normalize")
	errInvalidFactor  = errors.New("parcel second factor is not of the courier's kind")
	errNoFactor       = errors.New("parcel has no second factor but the courier requires one")
	errOlderVersion   = errors.New("parcel version is older than the indexed one")
	errOtherPartition = errors.New("parcel is another replica's to publish")
	errEncodeView     = errors.New("parcel view does not encode")
	errViewTooLarge   = errors.New("parcel view does not fit record_size even with its newest event alone")
	errSealingFailure = errors.New("sealing a record failed")
)

// indexParcel indexes a new version of a parcel and returns the records
// it sealed: none when the version is already indexed under every valid
// key. An older version than the indexed one is refused, so an index
// never regresses.
func (h *Host) indexParcel(p adapters.Parcel, now time.Time) ([]crypto.SealedRecord, error) {
	if !h.cfg.Partition.owns(p.View.TrackingNumber) {
		return nil, errOtherPartition
	}
	tn, factors, viewJSON, err := h.prepare(p)
	if err != nil {
		return nil, err
	}
	ix := &h.index
	ix.write.Lock()
	defer ix.write.Unlock()
	st := ix.parcels[tn]
	switch {
	case st != nil && p.Version < st.version:
		return nil, errOlderVersion
	case st == nil:
		st = &parcelState{tn: tn, derived: map[derivation]crypto.Derived{}, locators: map[locatorKey]struct{}{}}
		ix.parcels[tn] = st
		fallthrough
	case p.Version > st.version:
		st.version, st.viewJSON, st.changedAt = p.Version, viewJSON, now
	}
	// The same version may come with other factors; the view stays.
	st.factors = factors
	return h.reindex(st, now)
}

// prepare checks a parcel and returns its normalized number, its factors
// (the empty factor for couriers without one) and its view JSON.
func (h *Host) prepare(p adapters.Parcel) (tn string, factors []string, viewJSON []byte, err error) {
	if p.Version == 0 {
		return "", nil, nil, errNoVersion
	}
	view := p.View
	if view.Check() != nil {
		return "", nil, nil, errInvalidView
	}
	if view.Courier != h.cfg.Courier {
		return "", nil, nil, errOtherCourier
	}
	// Clients compare the view's number with the normalized one they asked for.
	if tn, err = crypto.NormalizeTrackingNumber(view.TrackingNumber); err != nil {
		return "", nil, nil, errInvalidNumber
	}
	view.TrackingNumber = tn
	if h.cfg.Factor == crypto.FactorNone {
		factors = []string{""}
	} else {
		for _, f := range p.Factors {
			if crypto.CheckFactor(h.cfg.Factor, f) != nil {
				return "", nil, nil, errInvalidFactor
			}
			if !slices.Contains(factors, f) {
				factors = append(factors, f)
			}
		}
		if len(factors) == 0 {
			return "", nil, nil, errNoFactor
		}
	}
	viewJSON, dropped, err := fitView(view, crypto.MaxViewBytes(h.cfg.RecordSize))
	if err != nil {
		return "", nil, nil, err
	}
	if dropped > 0 {
		// The view has no field meant for such a note (substatus is
		// the courier's own), so only the count is logged.
		h.cfg.Logger.Info("older events left out of a view to fit record_size",
			"events_left_out", dropped, "record_size", h.cfg.RecordSize)
	}
	return tn, factors, viewJSON, nil
}

// fitView encodes view in at most limit bytes. A view too long loses its
// oldest events (never the newest; status, ETA and handoffs stay), as few
// as needed; it returns how many. A view that does not fit even with its
// newest event alone is errViewTooLarge.
func fitView(view adapters.View, limit int) ([]byte, int, error) {
	encode := func(keep int) ([]byte, error) {
		v := view
		v.Events = view.Events[len(view.Events)-keep:]
		b, err := json.Marshal(v)
		if err != nil {
			return nil, errEncodeView
		}
		return b, nil
	}
	n := len(view.Events)
	full, err := encode(n)
	if err != nil || len(full) <= limit {
		return full, 0, err
	}
	// The length grows with the events kept: find the most that fit.
	lo, hi := 0, n-1 // lo fit or is 0; hi+1 does not fit
	for lo < hi {
		mid := (lo + hi + 1) / 2
		b, err := encode(mid)
		if err != nil {
			return nil, 0, err
		}
		if len(b) <= limit {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return nil, 0, errViewTooLarge
	}
	b, err := encode(lo)
	return b, n - lo, err
}

// reindex makes the index hold exactly st's records for the keys valid at
// now: it seals what is missing or outdated, drops what is no longer
// wanted (expired, an old factor or key) and returns the records sealed.
// The caller holds ix.write.
func (h *Host) reindex(st *parcelState, now time.Time) ([]crypto.SealedRecord, error) {
	ix := &h.index
	want := map[locatorKey]struct{}{}
	derived := map[derivation]crypto.Derived{}
	var sealed []crypto.SealedRecord
	for _, key := range h.validKeys(now) {
		expires := st.changedAt.Add(h.cfg.RecordTTL)
		if key.notAfter.Before(expires) {
			expires = key.notAfter
		}
		if !expires.After(now) {
			continue
		}
		for _, f := range st.factors {
			d, err := h.derive(st, key, f)
			if err != nil {
				return nil, err
			}
			derived[derivation{key.kid, f}] = d
			loc := locatorKey(d.Locator)
			want[loc] = struct{}{}
			if cur, ok := ix.records[loc]; ok && cur.Version == st.version &&
				bytes.Equal(cur.KeyID, key.kidBytes) && cur.ExpiresAt.Equal(expires) {
				continue
			}
			rec := crypto.SealedRecord{
				Courier:   h.cfg.Courier,
				Locator:   d.Locator,
				KeyID:     key.kidBytes,
				Version:   st.version,
				ExpiresAt: expires,
			}
			if err := crypto.Seal(d.RecordKey, &rec, st.viewJSON, h.cfg.RecordSize, h.cfg.Rand); err != nil {
				return nil, fmt.Errorf("%w: %w", errSealingFailure, err)
			}
			sealed = append(sealed, rec)
		}
	}
	ix.mu.Lock()
	for _, rec := range sealed {
		ix.put(rec)
	}
	for loc := range st.locators {
		if _, ok := want[loc]; !ok {
			ix.remove(loc)
		}
	}
	ix.mu.Unlock()
	st.locators, st.derived = want, derived
	return sealed, nil
}

// derive returns the locator and record key of st under key and factor,
// from the cache when it has them.
func (h *Host) derive(st *parcelState, key *hostKey, factor string) (crypto.Derived, error) {
	if d, ok := st.derived[derivation{key.kid, factor}]; ok {
		return d, nil
	}
	y, err := key.key.FullEvaluate(crypto.Input(h.cfg.Courier, st.tn, factor))
	if err != nil {
		return crypto.Derived{}, fmt.Errorf("index parcel: %w", err)
	}
	d, err := crypto.Derive(y)
	if err != nil {
		return crypto.Derived{}, fmt.Errorf("index parcel: %w", err)
	}
	return d, nil
}

// put and remove change one locator; the caller holds ix.mu.
func (ix *index) put(rec crypto.SealedRecord) {
	loc := locatorKey(rec.Locator)
	ix.records[loc] = rec
	b := crypto.Bucket(rec.Locator, ix.bucketBits)
	if ix.buckets[b] == nil {
		ix.buckets[b] = map[locatorKey]struct{}{}
	}
	ix.buckets[b][loc] = struct{}{}
}

func (ix *index) remove(loc locatorKey) {
	rec, ok := ix.records[loc]
	if !ok {
		return
	}
	delete(ix.records, loc)
	b := crypto.Bucket(rec.Locator, ix.bucketBits)
	delete(ix.buckets[b], loc)
	if len(ix.buckets[b]) == 0 {
		delete(ix.buckets, b)
	}
}

// sweep drops expired records, seals the indexed parcels under keys that
// became valid since, and forgets parcels with nothing left to serve. It
// returns the records sealed.
func (h *Host) sweep(now time.Time) ([]crypto.SealedRecord, error) {
	ix := &h.index
	ix.write.Lock()
	defer ix.write.Unlock()
	var sealed []crypto.SealedRecord
	for tn, st := range ix.parcels {
		recs, err := h.reindex(st, now)
		if err != nil {
			return sealed, err
		}
		sealed = append(sealed, recs...)
		if len(st.locators) == 0 && !st.changedAt.Add(h.cfg.RecordTTL).After(now) {
			delete(ix.parcels, tn)
		}
	}
	return sealed, nil
}

// record returns the live record at loc.
func (ix *index) record(loc locatorKey, now time.Time) (crypto.SealedRecord, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	rec, ok := ix.records[loc]
	if !ok || !rec.ExpiresAt.After(now) {
		return crypto.SealedRecord{}, false
	}
	return rec, true
}

// bucket returns the live records of bucket b, never nil.
func (ix *index) bucket(b uint32, now time.Time) []crypto.SealedRecord {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]crypto.SealedRecord, 0, len(ix.buckets[b]))
	for loc := range ix.buckets[b] {
		if rec := ix.records[loc]; rec.ExpiresAt.After(now) {
			out = append(out, rec)
		}
	}
	return out
}

// size counts indexed parcels and records, for logs.
func (ix *index) size() (parcels, records int) {
	ix.write.Lock()
	parcels = len(ix.parcels)
	ix.write.Unlock()
	ix.mu.RLock()
	records = len(ix.records)
	ix.mu.RUnlock()
	return parcels, records
}
