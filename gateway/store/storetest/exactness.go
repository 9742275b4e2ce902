package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

// These cases guard what a store that does not hold Go values can get
// wrong: versions past the precision of a float64, expiries to the
// nanosecond, and batches a store splits up (by bucket, by node) yet must
// count and apply as one sequence.

func testLargeVersions(t *testing.T, s store.Store, now time.Time) {
	r := Record(t, "sim-swift", 7, 1<<60, now.Add(time.Hour))
	put(t, s, now, r)
	steps := []struct {
		version uint64
		stored  int
	}{
		{1 << 60, 0},   // equal, though a float64 would also see 2^60+1 as equal
		{1<<60 + 1, 1}, // one above, invisible to a float64
		{1<<63 + 5, 1}, // the top bit set
		{1<<63 + 4, 0}, // one below that
		{1<<64 - 1, 1}, // the largest version
		{1<<64 - 2, 0}, // just under it
	}
	for _, st := range steps {
		if stored, _ := put(t, s, now, withVersion(r, st.version)); stored != st.stored {
			t.Fatalf("version %d: stored %d, want %d", st.version, stored, st.stored)
		}
	}
	if got := get(t, s, r.Locator, now); got.Version != 1<<64-1 {
		t.Fatalf("served version %d, want %d", got.Version, uint64(1<<64-1))
	}
}

func testExactExpiry(t *testing.T, s store.Store, now time.Time) {
	edge := Record(t, "sim-swift", 8, 1, now.Add(time.Nanosecond))
	odd := Record(t, "sim-swift", 8, 1, now.Add(time.Hour+123456789*time.Nanosecond))
	far := Record(t, "sim-swift", 8, 1, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC))
	if stored, _ := put(t, s, now, edge, odd, far); stored != 3 {
		t.Fatalf("stored %d of 3 live records", stored)
	}
	sameRecord(t, get(t, s, edge.Locator, now), edge)
	sameRecord(t, get(t, s, odd.Locator, now), odd)
	sameRecord(t, get(t, s, far.Locator, now), far)
	next := now.Add(time.Nanosecond)
	if _, err := s.Get(context.Background(), edge.Locator, next); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("record served at its expires_at: err %v, want ErrNotFound", err)
	}
	got, err := s.Bucket(context.Background(), 8, next)
	if err != nil || len(got) != 2 {
		t.Fatalf("bucket one nanosecond later: %d records, err %v; want 2", len(got), err)
	}
}

func testSameLocatorTwice(t *testing.T, s store.Store, now time.Time) {
	r := Record(t, "sim-swift", 2, 1, now.Add(time.Hour))
	put(t, s, now, r)
	if stored, stale := put(t, s, now, withVersion(r, 2), withVersion(r, 3)); stored != 2 || stale != 0 {
		t.Fatalf("rising pair: stored %d stale %d, want 2 0", stored, stale)
	}
	if stored, stale := put(t, s, now, withVersion(r, 5), withVersion(r, 4)); stored != 1 || stale != 1 {
		t.Fatalf("falling pair: stored %d stale %d, want 1 1", stored, stale)
	}
	sameRecord(t, get(t, s, r.Locator, now), withVersion(r, 5))
}

func testMixedBatch(t *testing.T, s store.Store, now time.Time) {
	held := Record(t, "sim-swift", 10, 5, now.Add(time.Hour))
	put(t, s, now, held)
	thief := withVersion(held, 9)
	thief.Courier = "sim-panda"
	fresh := []crypto.SealedRecord{
		Record(t, "sim-swift", 10, 1, now.Add(time.Hour)),
		Record(t, "sim-panda", 11, 1, now.Add(time.Hour)),
		Record(t, "sim-global", 12, 1, now.Add(time.Hour)),
	}
	batch := []crypto.SealedRecord{
		fresh[0], withVersion(held, 3), fresh[1], thief,
		Record(t, "sim-swift", 11, 1, now.Add(-time.Minute)), fresh[2],
	}
	if stored, stale := put(t, s, now, batch...); stored != 3 || stale != 3 {
		t.Fatalf("stored %d stale %d, want 3 3", stored, stale)
	}
	sameRecord(t, get(t, s, held.Locator, now), held)
	for _, r := range fresh {
		sameRecord(t, get(t, s, r.Locator, now), r)
	}
	got, err := s.Bucket(context.Background(), 10, now)
	if err != nil || len(got) != 2 {
		t.Fatalf("bucket 10: %d records, err %v; want 2", len(got), err)
	}
}
