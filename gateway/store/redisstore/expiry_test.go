package redisstore

import (
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

func TestApplyDropsExpiredEntriesAndBoundsTheKeysLife(t *testing.T) {
	r := redistest.Single(t)
	s := New(r.Client, store.Limits{BucketBits: storetest.BucketBits, MaxRecordTTL: 4 * time.Hour}, WithKeyPrefix(r.Prefix(t)))
	const bucket = 4
	short := storetest.Record(t, "sim-swift", bucket, 1, testNow.Add(time.Minute))
	long := storetest.Record(t, "sim-swift", bucket, 1, testNow.Add(2*time.Hour))
	if _, err := s.Apply(t.Context(), puts(short, long), testNow); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, s, bucket, 2, 2*time.Hour+keyGrace)
	checkUsage(t, s, bucket, "sim-swift", 2*len(short.Ciphertext))

	later := testNow.Add(10 * time.Minute)
	next := storetest.Record(t, "sim-panda", bucket, 1, testNow.Add(3*time.Hour))
	if _, err := s.Apply(t.Context(), store.Batch{Courier: "sim-panda", Records: []crypto.SealedRecord{next}}, later); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, s, bucket, 2, 3*time.Hour-10*time.Minute+keyGrace)
	checkUsage(t, s, bucket, "sim-swift", len(long.Ciphertext))
	if exists := r.Client.HExists(t.Context(), s.recordsKey(bucket), string(short.Locator)).Val(); exists {
		t.Errorf("the expired record is still in the hash")
	}
	member := string(next.Locator) + "sim-panda"
	if score := r.Client.ZScore(t.Context(), s.expiryKey(bucket), member).Val(); int64(score) != next.ExpiresAt.UnixMilli() {
		t.Errorf("expiry score %v, want %d", score, next.ExpiresAt.UnixMilli())
	}

	// A tombstone is kept max_record_ttl, which the keys' life follows.
	withdraw := store.Batch{Courier: "sim-swift", Withdraw: []store.Withdrawal{{Locator: long.Locator, Version: 1}}}
	if _, err := s.Apply(t.Context(), withdraw, later); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, s, bucket, 2, 4*time.Hour+keyGrace)
	checkUsage(t, s, bucket, "sim-swift", 0)
}

// checkKeys asserts that a bucket's records and heads hashes hold n
// locators, its sorted set n entries, and that its keys expire together
// ttl to ttl + keySlack from the start of the test.
func checkKeys(t *testing.T, s *Store, bucket uint32, n int64, ttl time.Duration) {
	t.Helper()
	const slack = 10 * time.Second // the real time this test may have taken
	ctx, c := t.Context(), s.client
	keys := []struct {
		name string
		size int64
	}{
		{s.recordsKey(bucket), c.HLen(ctx, s.recordsKey(bucket)).Val()},
		{s.expiryKey(bucket), c.ZCard(ctx, s.expiryKey(bucket)).Val()},
		{s.headsKey(bucket), c.HLen(ctx, s.headsKey(bucket)).Val()},
	}
	for _, k := range keys {
		if k.size != n {
			t.Errorf("%s holds %d members, want %d", k.name, k.size, n)
		}
	}
	for _, k := range []string{s.recordsKey(bucket), s.expiryKey(bucket), s.usageKey(bucket), s.headsKey(bucket)} {
		if c.Exists(ctx, k).Val() == 0 {
			continue // the usage hash of a bucket of tombstones only
		}
		if got := c.PTTL(ctx, k).Val(); got > ttl+keySlack || got < ttl-slack {
			t.Errorf("%s expires in %s, want %s to %s", k, got, ttl, ttl+keySlack)
		}
	}
}

// checkUsage asserts a courier's usage of a bucket, in ciphertext bytes.
func checkUsage(t *testing.T, s *Store, bucket uint32, courier string, want int) {
	t.Helper()
	got, _ := s.client.HGet(t.Context(), s.usageKey(bucket), courier).Int()
	if got != want {
		t.Errorf("%s uses %d bytes of the bucket, want %d", courier, got, want)
	}
}

// The keys' expiry is set again only outside its window, but every key a
// script makes expires, and the window follows the furthest expiry down
// as well as up.
func TestEveryKeyOfABucketExpires(t *testing.T) {
	r := redistest.Single(t)
	s := New(r.Client, store.Limits{BucketBits: storetest.BucketBits, MaxRecordTTL: 24 * time.Hour}, WithKeyPrefix(r.Prefix(t)))
	const bucket = 6
	loc := storetest.Locator(t, bucket)
	// A tombstone alone: records, expiry set and heads, no usage hash.
	tomb := store.Batch{Courier: "sim-swift", Withdraw: []store.Withdrawal{{Locator: loc, Version: 1}}}
	if _, err := s.Apply(t.Context(), tomb, testNow); err != nil {
		t.Fatal(err)
	}
	if r.Client.Exists(t.Context(), s.usageKey(bucket)).Val() != 0 {
		t.Fatal("a tombstone started a usage hash: the test would prove nothing")
	}
	// A record of another courier starts the usage hash; the furthest
	// expiry (the tombstone's) does not move.
	rec := storetest.Record(t, "sim-panda", bucket, 1, testNow.Add(time.Hour))
	if _, err := s.Apply(t.Context(), store.Batch{Courier: "sim-panda", Records: []crypto.SealedRecord{rec}}, testNow); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, s, bucket, 2, 24*time.Hour+keyGrace)
	if ttl := r.Client.PTTL(t.Context(), s.usageKey(bucket)).Val(); ttl <= 0 {
		t.Fatalf("the usage hash started under an expiry set that had one does not expire (PTTL %v)", ttl)
	}
	// The tombstone goes (a newer record, expiring sooner): the keys
	// follow the furthest expiry down.
	sooner := storetest.Record(t, "sim-swift", bucket, 2, testNow.Add(2*time.Hour))
	sooner.Locator = loc
	if _, err := s.Apply(t.Context(), store.Batch{Courier: "sim-swift", Records: []crypto.SealedRecord{sooner}}, testNow); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, s, bucket, 2, 2*time.Hour+keyGrace)
}
