package redisstore

import (
	"bytes"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

func TestConcurrentPutsKeepTheHighestVersion(t *testing.T) {
	r := redistest.Single(t)
	testConcurrentPuts(t, New(r.Client, testLimits, WithKeyPrefix(r.Prefix(t))), r.Client)
}

// testConcurrentPuts has writers race to publish every version of the
// same locators, each (locator, version) exactly once, in shuffled order.
// A rule applied in two steps (read, then write) would let a lower
// version overwrite a higher one; applied atomically, the highest version
// wins and every record is counted stored or stale exactly once.
func testConcurrentPuts(t *testing.T, s *Store, client redis.UniversalClient) {
	const (
		locators = 24
		versions = 40
		writers  = 8
		buckets  = 3
	)
	now := testNow
	base := make([]crypto.SealedRecord, locators)
	for i := range base {
		base[i] = storetest.Record(t, "sim-swift", uint32(i%buckets), 1, now.Add(time.Hour))
	}
	version := func(i int, v uint64) crypto.SealedRecord {
		r := base[i]
		r.Version = v
		r.Ciphertext = bytes.Clone(r.Ciphertext)
		r.Ciphertext[0] ^= byte(v)
		return r
	}

	var (
		wg            sync.WaitGroup
		mu            sync.Mutex
		stored, stale int
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []uint64
			for v := uint64(1 + w); v <= versions; v += writers {
				mine = append(mine, v)
			}
			rand.Shuffle(len(mine), func(a, b int) { mine[a], mine[b] = mine[b], mine[a] })
			for _, v := range mine {
				batch := make([]crypto.SealedRecord, locators)
				for i := range batch {
					batch[i] = version(i, v)
				}
				results, err := s.Apply(t.Context(), puts(batch...), now)
				if err != nil {
					t.Errorf("writer %d, version %d: %v", w, v, err)
					return
				}
				mu.Lock()
				for _, r := range results {
					switch r.Outcome {
					case store.Stored:
						stored++
					case store.Stale:
						stale++
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if stored+stale != locators*versions {
		t.Errorf("stored %d + stale %d = %d, want %d", stored, stale, stored+stale, locators*versions)
	}
	if stored < locators {
		t.Errorf("stored %d, fewer than the %d locators", stored, locators)
	}
	for i := range base {
		got, err := s.Locator(t.Context(), base[i].Locator, now)
		if err != nil || len(got) != 1 {
			t.Fatalf("locator %d: %d records, err %v", i, len(got), err)
		}
		if want := version(i, versions); got[0].Version != versions || !bytes.Equal(got[0].Ciphertext, want.Ciphertext) {
			t.Errorf("locator %d holds version %d, want %d", i, got[0].Version, versions)
		}
	}
	for b := range uint32(buckets) {
		hashLen := client.HLen(t.Context(), s.recordsKey(b)).Val()
		setLen := client.ZCard(t.Context(), s.expiryKey(b)).Val()
		if hashLen != locators/buckets || setLen != hashLen {
			t.Errorf("bucket %d: %d records and %d expiries, want %d of each", b, hashLen, setLen, locators/buckets)
		}
	}
}
