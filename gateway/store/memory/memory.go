// Package memory is the in-process Store of the embedded default: records
// in maps guarded by one mutex, lost when the process ends.
package memory

import (
	"context"
	"sync"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

// Store is an in-memory store.Store.
type Store struct {
	bucketBits int

	mu      sync.RWMutex
	records map[[crypto.LocatorSize]byte]crypto.SealedRecord
	buckets map[uint32]map[[crypto.LocatorSize]byte]struct{}
}

var _ store.Store = (*Store)(nil)

// New returns an empty store for a deployment with bucketBits.
func New(bucketBits int) *Store {
	return &Store{
		bucketBits: bucketBits,
		records:    map[[crypto.LocatorSize]byte]crypto.SealedRecord{},
		buckets:    map[uint32]map[[crypto.LocatorSize]byte]struct{}{},
	}
}

// Put implements store.Store.
func (s *Store) Put(_ context.Context, records []crypto.SealedRecord, now time.Time) (stored, stale int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range records {
		r := &records[i]
		key := [crypto.LocatorSize]byte(r.Locator)
		var current *crypto.SealedRecord
		if c, ok := s.records[key]; ok {
			current = &c
		}
		if !store.Supersedes(r, current, now) {
			stale++
			continue
		}
		s.records[key] = cloneRecord(r)
		b := crypto.Bucket(r.Locator, s.bucketBits)
		if s.buckets[b] == nil {
			s.buckets[b] = map[[crypto.LocatorSize]byte]struct{}{}
		}
		s.buckets[b][key] = struct{}{}
		stored++
	}
	return stored, stale, nil
}

// Bucket implements store.Store.
func (s *Store) Bucket(_ context.Context, bucket uint32, now time.Time) ([]crypto.SealedRecord, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]crypto.SealedRecord, 0, len(s.buckets[bucket]))
	for key := range s.buckets[bucket] {
		if r := s.records[key]; store.Live(&r, now) {
			out = append(out, cloneRecord(&r))
		}
	}
	return out, nil
}

// Get implements store.Store.
func (s *Store) Get(_ context.Context, locator []byte, now time.Time) (crypto.SealedRecord, error) {
	if len(locator) != crypto.LocatorSize {
		return crypto.SealedRecord{}, store.ErrNotFound
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.records[[crypto.LocatorSize]byte(locator)]
	if !ok || !store.Live(&r, now) {
		return crypto.SealedRecord{}, store.ErrNotFound
	}
	return cloneRecord(&r), nil
}

// Ping implements store.Store; memory is always there.
func (s *Store) Ping(context.Context) error { return nil }

// Sweep removes records that expired before now, so a long-running
// process does not keep dead records. The gateway calls it periodically.
func (s *Store) Sweep(now time.Time) (removed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, r := range s.records {
		if !store.Live(&r, now) {
			delete(s.records, key)
			b := crypto.Bucket(r.Locator, s.bucketBits)
			delete(s.buckets[b], key)
			if len(s.buckets[b]) == 0 {
				delete(s.buckets, b)
			}
			removed++
		}
	}
	return removed
}

// Len returns the number of records held, live or not yet swept.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.records)
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
