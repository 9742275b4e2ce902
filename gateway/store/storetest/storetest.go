// Package storetest is the conformance suite every store.Store must pass:
// the version rule, courier ownership of locators, buckets, expiry and
// isolation of returned data, and the exactness a store outside the Go
// heap can lose (large versions, nanosecond expiries, split batches). A store's own tests call Run with a
// constructor that returns an empty store.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

// BucketBits is the bucket_bits the stores under test must be built with.
const BucketBits = 8

// Run runs the conformance suite; newStore returns an empty store built
// for BucketBits.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		run  func(t *testing.T, s store.Store, now time.Time)
	}{
		{"PutThenGetReturnsTheRecord", testPutGet},
		{"HigherVersionReplaces", testHigherVersionReplaces},
		{"EqualOrLowerVersionIsStaleAndIgnored", testStaleIgnored},
		{"OtherCourierCannotTakeALocator", testOtherCourier},
		{"BucketHoldsExactlyItsRecords", testBucket},
		{"ExpiredRecordsAreNotServed", testExpiry},
		{"ExpiredRecordCanBeReplacedAtAnyVersion", testExpiredReplaced},
		{"RepeatedBatchIsIdempotent", testIdempotent},
		{"UnknownLocatorIsNotFound", testNotFound},
		{"ReturnedRecordsDoNotAliasStoredData", testNoAlias},
		{"VersionsAbove2Pow53CompareExactly", testLargeVersions},
		{"ExpiryIsExactToTheNanosecond", testExactExpiry},
		{"SameLocatorTwiceInABatchAppliesInOrder", testSameLocatorTwice},
		{"MixedBatchCountsEveryRecord", testMixedBatch},
		{"PingAnswers", func(t *testing.T, s store.Store, _ time.Time) {
			if err := s.Ping(context.Background()); err != nil {
				t.Fatalf("Ping: %v", err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, newStore(t), now) })
	}
}

// Record builds a valid sealed record for courier at a locator whose
// bucket (under BucketBits) is bucket; the ciphertext is random bytes of
// the right shape, since a store never opens records.
func Record(t testing.TB, courier string, bucket uint32, version uint64, expires time.Time) crypto.SealedRecord {
	t.Helper()
	loc := make([]byte, crypto.LocatorSize)
	if _, err := rand.Read(loc); err != nil {
		t.Fatal(err)
	}
	first := binary.BigEndian.Uint32(loc[:4])
	first = bucket<<(32-BucketBits) | first&(1<<(32-BucketBits)-1)
	binary.BigEndian.PutUint32(loc[:4], first)
	r := crypto.SealedRecord{
		Courier:    courier,
		Locator:    loc,
		KeyID:      bytes.Repeat([]byte{7}, crypto.KeyIDSize),
		Version:    version,
		Nonce:      make([]byte, crypto.NonceSize),
		Ciphertext: make([]byte, crypto.PadBlock+crypto.TagSize),
		ExpiresAt:  expires,
	}
	if _, err := rand.Read(r.Ciphertext); err != nil {
		t.Fatal(err)
	}
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	return r
}

func withVersion(r crypto.SealedRecord, v uint64) crypto.SealedRecord {
	r.Version = v
	r.Ciphertext = append(crypto.B64(nil), r.Ciphertext...)
	r.Ciphertext[0] ^= byte(v)
	return r
}

func put(t *testing.T, s store.Store, now time.Time, recs ...crypto.SealedRecord) (stored, stale int) {
	t.Helper()
	stored, stale, err := s.Put(context.Background(), recs, now)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	return stored, stale
}

func get(t *testing.T, s store.Store, loc []byte, now time.Time) crypto.SealedRecord {
	t.Helper()
	r, err := s.Get(context.Background(), loc, now)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return r
}

func sameRecord(t *testing.T, got, want crypto.SealedRecord) {
	t.Helper()
	if got.Courier != want.Courier || got.Version != want.Version ||
		!bytes.Equal(got.Locator, want.Locator) || !bytes.Equal(got.KeyID, want.KeyID) ||
		!bytes.Equal(got.Nonce, want.Nonce) || !bytes.Equal(got.Ciphertext, want.Ciphertext) ||
		!got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Fatalf("record differs:\n got  %s v%d exp %s\n want %s v%d exp %s",
			got.Courier, got.Version, got.ExpiresAt, want.Courier, want.Version, want.ExpiresAt)
	}
}

func testPutGet(t *testing.T, s store.Store, now time.Time) {
	r := Record(t, "sim-swift", 3, 1, now.Add(time.Hour))
	if stored, stale := put(t, s, now, r); stored != 1 || stale != 0 {
		t.Fatalf("stored %d stale %d, want 1 0", stored, stale)
	}
	sameRecord(t, get(t, s, r.Locator, now), r)
}

func testHigherVersionReplaces(t *testing.T, s store.Store, now time.Time) {
	r := Record(t, "sim-swift", 3, 4, now.Add(time.Hour))
	put(t, s, now, r)
	newer := withVersion(r, 9)
	if stored, _ := put(t, s, now, newer); stored != 1 {
		t.Fatalf("newer version not stored")
	}
	sameRecord(t, get(t, s, r.Locator, now), newer)
}

func testStaleIgnored(t *testing.T, s store.Store, now time.Time) {
	r := Record(t, "sim-swift", 3, 5, now.Add(time.Hour))
	put(t, s, now, r)
	for _, v := range []uint64{5, 4, 1} {
		stored, stale := put(t, s, now, withVersion(r, v))
		if stored != 0 || stale != 1 {
			t.Fatalf("version %d over 5: stored %d stale %d, want 0 1", v, stored, stale)
		}
	}
	sameRecord(t, get(t, s, r.Locator, now), r)
}

func testOtherCourier(t *testing.T, s store.Store, now time.Time) {
	r := Record(t, "sim-swift", 3, 1, now.Add(time.Hour))
	put(t, s, now, r)
	thief := withVersion(r, 100)
	thief.Courier = "sim-panda"
	if stored, stale := put(t, s, now, thief); stored != 0 || stale != 1 {
		t.Fatalf("another courier's write: stored %d stale %d, want 0 1", stored, stale)
	}
	sameRecord(t, get(t, s, r.Locator, now), r)
}

func testBucket(t *testing.T, s store.Store, now time.Time) {
	a := Record(t, "sim-swift", 5, 1, now.Add(time.Hour))
	b := Record(t, "sim-panda", 5, 2, now.Add(time.Hour))
	other := Record(t, "sim-swift", 6, 1, now.Add(time.Hour))
	put(t, s, now, a, b, other)
	got, err := s.Bucket(context.Background(), 5, now)
	if err != nil {
		t.Fatalf("Bucket: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("bucket 5 has %d records, want 2", len(got))
	}
	for _, r := range got {
		if crypto.Bucket(r.Locator, BucketBits) != 5 {
			t.Fatalf("record of bucket %d served in bucket 5", crypto.Bucket(r.Locator, BucketBits))
		}
	}
	empty, err := s.Bucket(context.Background(), 200, now)
	if err != nil || len(empty) != 0 {
		t.Fatalf("empty bucket: %d records, err %v", len(empty), err)
	}
}

func testExpiry(t *testing.T, s store.Store, now time.Time) {
	r := Record(t, "sim-swift", 9, 1, now.Add(time.Minute))
	put(t, s, now, r)
	later := now.Add(2 * time.Minute)
	if _, err := s.Get(context.Background(), r.Locator, later); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired Get: err %v, want ErrNotFound", err)
	}
	got, err := s.Bucket(context.Background(), 9, later)
	if err != nil || len(got) != 0 {
		t.Fatalf("expired record served in bucket: %d records, err %v", len(got), err)
	}
	dead := Record(t, "sim-swift", 9, 1, now.Add(-time.Second))
	if stored, stale := put(t, s, now, dead); stored != 0 || stale != 1 {
		t.Fatalf("already expired record: stored %d stale %d, want 0 1", stored, stale)
	}
}

func testExpiredReplaced(t *testing.T, s store.Store, now time.Time) {
	r := Record(t, "sim-swift", 9, 8, now.Add(time.Minute))
	put(t, s, now, r)
	later := now.Add(2 * time.Minute)
	fresh := withVersion(r, 2)
	fresh.ExpiresAt = later.Add(time.Hour)
	if stored, _ := put(t, s, later, fresh); stored != 1 {
		t.Fatalf("record over an expired one not stored")
	}
	sameRecord(t, get(t, s, r.Locator, later), fresh)
}

func testIdempotent(t *testing.T, s store.Store, now time.Time) {
	batch := []crypto.SealedRecord{
		Record(t, "sim-swift", 1, 3, now.Add(time.Hour)),
		Record(t, "sim-swift", 2, 3, now.Add(time.Hour)),
	}
	if stored, stale := put(t, s, now, batch...); stored != 2 || stale != 0 {
		t.Fatalf("first batch: stored %d stale %d", stored, stale)
	}
	if stored, stale := put(t, s, now, batch...); stored != 0 || stale != 2 {
		t.Fatalf("repeated batch: stored %d stale %d, want 0 2", stored, stale)
	}
}

func testNotFound(t *testing.T, s store.Store, now time.Time) {
	if _, err := s.Get(context.Background(), make([]byte, crypto.LocatorSize), now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown locator: err %v, want ErrNotFound", err)
	}
}

func testNoAlias(t *testing.T, s store.Store, now time.Time) {
	r := Record(t, "sim-swift", 4, 1, now.Add(time.Hour))
	put(t, s, now, r)
	want := get(t, s, r.Locator, now)
	want.Ciphertext = append(crypto.B64(nil), want.Ciphertext...)
	got := get(t, s, r.Locator, now)
	got.Ciphertext[0] ^= 0xff
	sameRecord(t, get(t, s, r.Locator, now), want)
}
