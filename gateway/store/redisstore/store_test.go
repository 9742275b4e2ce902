package redisstore

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

// testNow is the clock of these tests; the store never reads the real one.
var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// testLimits are the defaults, for the bucket_bits of the suite.
var testLimits = store.Limits{BucketBits: storetest.BucketBits}

// storedOf counts the items of an Apply's answer that were stored.
func storedOf(results []store.Result, err error) (int, error) {
	n := 0
	for _, r := range results {
		if r.Outcome == store.Stored {
			n++
		}
	}
	return n, err
}

// puts is a batch of records of sim-swift.
func puts(records ...crypto.SealedRecord) store.Batch {
	return store.Batch{Courier: "sim-swift", Records: records}
}

func TestSingleRedisStoreConforms(t *testing.T) {
	r := redistest.Single(t)
	storetest.Run(t, func(t *testing.T, limits store.Limits) store.Store {
		return New(r.Client, limits, WithKeyPrefix(r.Prefix(t)))
	})
}

// TestClusterStore shares one 3-master cluster among its subtests.
func TestClusterStore(t *testing.T) {
	c := redistest.Cluster(t)
	t.Run("Conforms", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T, limits store.Limits) store.Store {
			return New(c.Client, limits, WithKeyPrefix(c.Prefix(t)))
		})
	})
	t.Run("RecordsLandOnEveryMaster", func(t *testing.T) {
		testRecordsLandOnEveryMaster(t, c)
	})
	t.Run("ConcurrentPutsKeepTheHighestVersion", func(t *testing.T) {
		testConcurrentPuts(t, New(c.Client, testLimits, WithKeyPrefix(c.Prefix(t))), c.Client)
	})
}

func testRecordsLandOnEveryMaster(t *testing.T, c *redistest.ClusterRedis) {
	prefix := c.Prefix(t)
	s := New(c.Client, testLimits, WithKeyPrefix(prefix))
	now := testNow
	var batch []crypto.SealedRecord
	for b := range uint32(1) << storetest.BucketBits {
		batch = append(batch, storetest.Record(t, "sim-swift", b, 1, now.Add(48*time.Hour)))
	}
	if stored, err := storedOf(s.Apply(t.Context(), store.Batch{Courier: "sim-swift", Records: batch}, now)); err != nil || stored != len(batch) {
		t.Fatalf("Apply: stored %d, err %v; want %d", stored, err, len(batch))
	}
	var mu sync.Mutex
	keysOn := map[string]int{}
	err := c.Client.ForEachMaster(t.Context(), func(ctx context.Context, m *redis.Client) error {
		n := 0
		iter := m.Scan(ctx, 0, prefix+":*", 1000).Iterator()
		for iter.Next(ctx) {
			n++
		}
		mu.Lock()
		defer mu.Unlock()
		keysOn[m.Options().Addr] = n
		return iter.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, addr := range c.Addrs {
		if keysOn[addr] == 0 {
			t.Errorf("master %s holds none of the records (keys per master: %v)", addr, keysOn)
		}
		total += keysOn[addr]
	}
	if want := 4<<storetest.BucketBits + 1; total != want {
		t.Errorf("%d keys over the masters, want %d (records, expiries, usage and heads per bucket, the courier's totals)", total, want)
	}
}
