package memory

import (
	"container/heap"
	"context"
	"fmt"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

// Apply implements store.Store: the whole batch under one lock, after
// sweeping what expired, so the limits count exactly what is live at now.
func (s *Store) Apply(_ context.Context, b store.Batch, now time.Time) ([]store.Result, error) {
	if err := b.Check(); err != nil {
		return nil, fmt.Errorf("memory store: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(now)
	results := make([]store.Result, 0, b.Len())
	for i := range b.Records {
		results = append(results, s.put(&b.Records[i], now))
	}
	for _, e := range b.Extend {
		results = append(results, s.extend(b.Courier, e, now))
	}
	for _, w := range b.Withdraw {
		results = append(results, s.withdraw(b.Courier, w, now))
	}
	return results, nil
}

// current is the courier's entry at locator; after a sweep at now it is
// live when there is one.
func (s *Store) current(courier string, locator []byte) *entry {
	return s.entries[locatorKey(locator)][courier]
}

func (s *Store) put(r *crypto.SealedRecord, now time.Time) store.Result {
	expires := s.limits.CapExpiry(r.ExpiresAt, now)
	if !expires.After(now) {
		return store.Result{Outcome: store.Stale}
	}
	if len(r.Ciphertext) > s.limits.MaxCiphertextBytes {
		return s.limits.Refusal(store.LimitCiphertextBytes)
	}
	cur := s.current(r.Courier, r.Locator)
	if cur != nil && cur.version >= r.Version {
		return store.Result{Outcome: store.Stale}
	}
	growRecords, growBytes := int64(1), int64(len(r.Ciphertext))
	if cur != nil && !cur.tombstone {
		growRecords, growBytes = 0, growBytes-cur.size()
	}
	bucket := crypto.Bucket(r.Locator, s.limits.BucketBits)
	if limit := s.limits.Exceeded(s.usageOf(r.Courier, bucket), growRecords, growBytes); limit != "" {
		return s.limits.Refusal(limit)
	}
	rec := cloneRecord(r)
	rec.ExpiresAt = expires
	s.set(cur, &entry{courier: r.Courier, locator: locatorKey(r.Locator), version: r.Version, until: expires,
		record: rec, public: store.NewPublicRecord(&rec)})
	return store.Result{Outcome: store.Stored}
}

func (s *Store) extend(courier string, x store.Extension, now time.Time) store.Result {
	cur := s.current(courier, x.Locator)
	expires := s.limits.CapExpiry(x.ExpiresAt, now)
	if cur == nil || cur.tombstone || cur.version != x.Version || !expires.After(cur.until) {
		return store.Result{Outcome: store.Stale}
	}
	cur.until = expires
	cur.record.ExpiresAt = expires
	heap.Fix(&s.expiring, cur.heapIndex)
	return store.Result{Outcome: store.Stored}
}

func (s *Store) withdraw(courier string, w store.Withdrawal, now time.Time) store.Result {
	cur := s.current(courier, w.Locator)
	if cur != nil && cur.version > w.Version {
		return store.Result{Outcome: store.Stale}
	}
	s.set(cur, &entry{
		courier: courier, locator: locatorKey(w.Locator), version: w.Version,
		until: now.Add(s.limits.MaxRecordTTL), tombstone: true,
	})
	return store.Result{Outcome: store.Stored}
}

// set puts next where cur (possibly nil) was, in every index and in the
// courier's usage.
func (s *Store) set(cur, next *entry) {
	if cur != nil {
		s.remove(cur)
	}
	atLocator := s.entries[next.locator]
	if atLocator == nil {
		atLocator = map[string]*entry{}
		s.entries[next.locator] = atLocator
		b := crypto.Bucket(next.locator[:], s.limits.BucketBits)
		if s.buckets[b] == nil {
			s.buckets[b] = map[locatorKey]struct{}{}
		}
		s.buckets[b][next.locator] = struct{}{}
	}
	atLocator[next.courier] = next
	heap.Push(&s.expiring, next)
	s.account(next, +1)
}

// release takes e's share out of its courier's usage.
func (s *Store) release(e *entry) { s.account(e, -1) }

// account adds (sign +1) or removes (-1) a record's share of its
// courier's usage; tombstones have none.
func (s *Store) account(e *entry, sign int64) {
	if e.tombstone {
		return
	}
	u := s.usage[e.courier]
	if u == nil {
		u = &usage{bucketBytes: map[uint32]int64{}}
		s.usage[e.courier] = u
	}
	b := crypto.Bucket(e.locator[:], s.limits.BucketBits)
	u.records += sign
	u.bytes += sign * e.size()
	u.bucketBytes[b] += sign * e.size()
	if u.bucketBytes[b] == 0 {
		delete(u.bucketBytes, b)
	}
	if u.records == 0 {
		delete(s.usage, e.courier)
	}
}

// usageOf is what courier keeps live, with its bytes in bucket.
func (s *Store) usageOf(courier string, bucket uint32) store.Usage {
	u := s.usage[courier]
	if u == nil {
		return store.Usage{}
	}
	return store.Usage{Records: u.records, Bytes: u.bytes, BucketBytes: u.bucketBytes[bucket]}
}
