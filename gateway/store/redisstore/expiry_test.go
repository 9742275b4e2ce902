package redisstore

import (
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

func TestPutDropsExpiredRecordsAndBoundsTheKeysLife(t *testing.T) {
	r := redistest.Single(t)
	s := New(r.Client, storetest.BucketBits, WithKeyPrefix(r.Prefix(t)))
	const bucket = 4
	short := storetest.Record(t, "sim-swift", bucket, 1, testNow.Add(time.Minute))
	long := storetest.Record(t, "sim-swift", bucket, 1, testNow.Add(2*time.Hour))
	if _, _, err := s.Put(t.Context(), []crypto.SealedRecord{short, long}, testNow); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, s, bucket, 2, 2*time.Hour+keyGrace)

	later := testNow.Add(10 * time.Minute)
	next := storetest.Record(t, "sim-panda", bucket, 1, testNow.Add(3*time.Hour))
	if _, _, err := s.Put(t.Context(), []crypto.SealedRecord{next}, later); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, s, bucket, 2, 3*time.Hour-10*time.Minute+keyGrace)
	if exists := r.Client.HExists(t.Context(), s.recordsKey(bucket), string(short.Locator)).Val(); exists {
		t.Errorf("the expired record is still in the hash")
	}
	if score := r.Client.ZScore(t.Context(), s.expiryKey(bucket), string(next.Locator)).Val(); int64(score) != next.ExpiresAt.UnixMilli() {
		t.Errorf("expiry score %v, want %d", score, next.ExpiresAt.UnixMilli())
	}
}

// checkKeys asserts that a bucket's hash and sorted set hold n members
// each and expire together after ttl, less the time the test has run.
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
	}
	for _, k := range keys {
		if k.size != n {
			t.Errorf("%s holds %d members, want %d", k.name, k.size, n)
		}
		if got := c.PTTL(ctx, k.name).Val(); got > ttl || got < ttl-slack {
			t.Errorf("%s expires in %s, want %s", k.name, got, ttl)
		}
	}
}
