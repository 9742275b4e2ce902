// Package memory is the in-process Store of the embedded default: entries
// in maps guarded by one mutex, lost when the process ends. It applies the
// store rule and the limits of package store exactly.
package memory

import (
	"context"
	"sync"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

// locatorKey is a locator as a map key.
type locatorKey = [crypto.LocatorSize]byte

// entry is what one courier keeps at one locator: a record, or the
// tombstone of its withdrawal.
type entry struct {
	courier   string
	locator   locatorKey
	version   uint64
	until     time.Time           // the record's expires_at, or how long the tombstone is kept
	record    crypto.SealedRecord // zero for a tombstone
	public    store.PublicRecord  // the record's public form, kept from the put on
	tombstone bool
	heapIndex int // place in Store.expiring
}

// size is the ciphertext bytes the entry counts toward the limits.
func (e *entry) size() int64 {
	if e.tombstone {
		return 0
	}
	return int64(len(e.record.Ciphertext))
}

// usage is what one courier keeps live, for the limits.
type usage struct {
	records, bytes int64
	bucketBytes    map[uint32]int64
}

// Store is an in-memory store.Store.
type Store struct {
	limits store.Limits

	mu       sync.RWMutex
	entries  map[locatorKey]map[string]*entry // locator -> courier -> entry
	buckets  map[uint32]map[locatorKey]struct{}
	expiring expiryHeap
	usage    map[string]*usage
}

var _ store.Store = (*Store)(nil)

// New returns an empty store bound by limits (zero fields take their
// defaults). It panics on limits configuration should have refused
// (store.Limits.Check).
func New(limits store.Limits) *Store {
	if err := limits.Check(); err != nil {
		panic("memory store: " + err.Error())
	}
	return &Store{
		limits:  limits.WithDefaults(),
		entries: map[locatorKey]map[string]*entry{},
		buckets: map[uint32]map[locatorKey]struct{}{},
		usage:   map[string]*usage{},
	}
}

// Bucket implements store.Store.
func (s *Store) Bucket(_ context.Context, bucket uint32, now time.Time) ([]crypto.SealedRecord, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []crypto.SealedRecord{}
	for key := range s.buckets[bucket] {
		out = appendLive(out, s.entries[key], now)
	}
	return out, nil
}

// Locator implements store.Store.
func (s *Store) Locator(_ context.Context, locator []byte, now time.Time) ([]crypto.SealedRecord, error) {
	out := []crypto.SealedRecord{}
	if len(locator) != crypto.LocatorSize {
		return out, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return appendLive(out, s.entries[locatorKey(locator)], now), nil
}

// PublicBucket implements store.Store: the public forms kept since each
// record was stored, shared, not copied.
func (s *Store) PublicBucket(_ context.Context, bucket uint32, now time.Time) ([]store.PublicRecord, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []store.PublicRecord{}
	for key := range s.buckets[bucket] {
		out = appendLivePublic(out, s.entries[key], now)
	}
	return out, nil
}

// PublicLocator implements store.Store, sharing the public forms as
// PublicBucket does.
func (s *Store) PublicLocator(_ context.Context, locator []byte, now time.Time) ([]store.PublicRecord, error) {
	out := []store.PublicRecord{}
	if len(locator) != crypto.LocatorSize {
		return out, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return appendLivePublic(out, s.entries[locatorKey(locator)], now), nil
}

// appendLivePublic appends the public forms of the live records among a
// locator's entries.
func appendLivePublic(out []store.PublicRecord, entries map[string]*entry, now time.Time) []store.PublicRecord {
	for _, e := range entries {
		if !e.tombstone && store.Live(&e.record, now) {
			out = append(out, e.public)
		}
	}
	return out
}

// appendLive appends copies of the live records among a locator's entries.
func appendLive(out []crypto.SealedRecord, entries map[string]*entry, now time.Time) []crypto.SealedRecord {
	for _, e := range entries {
		if !e.tombstone && store.Live(&e.record, now) {
			out = append(out, cloneRecord(&e.record))
		}
	}
	return out
}

// Ping implements store.Store; memory is always there.
func (s *Store) Ping(context.Context) error { return nil }

// Len returns the number of entries held, records and tombstones, live or
// not yet swept.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.expiring)
}

// cloneRecord copies the byte slices so callers cannot alias stored data.
func cloneRecord(r *crypto.SealedRecord) crypto.SealedRecord {
	c := *r
	c.Locator = append(crypto.B64(nil), r.Locator...)
	c.KeyID = append(crypto.B64(nil), r.KeyID...)
	c.Nonce = append(crypto.B64(nil), r.Nonce...)
	c.Ciphertext = append(crypto.B64(nil), r.Ciphertext...)
	return c
}
