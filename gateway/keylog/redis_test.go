package keylog

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

func TestSingleRedisStorage(t *testing.T) {
	r := redistest.Single(t)
	testStorage(t, func(t *testing.T, views int) []Storage {
		prefix := r.Prefix(t)
		out := []Storage{NewRedis(r.Client, WithKeyPrefix(prefix))}
		for range views - 1 {
			// Another gateway: a client of its own.
			c := redis.NewClient(&redis.Options{Addr: r.Addr})
			t.Cleanup(func() { c.Close() })
			out = append(out, NewRedis(c, WithKeyPrefix(prefix)))
		}
		return out
	})
}

// TestClusterRedisStorage shares one 3-master cluster among its subtests:
// the hash tag must keep every key of the log on one slot, or the
// transactions of an append would be refused.
func TestClusterRedisStorage(t *testing.T) {
	c := redistest.Cluster(t)
	testStorage(t, func(t *testing.T, views int) []Storage {
		prefix := c.Prefix(t)
		out := []Storage{NewRedis(c.Client, WithKeyPrefix(prefix))}
		for range views - 1 {
			other := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs})
			t.Cleanup(func() { other.Close() })
			out = append(out, NewRedis(other, WithKeyPrefix(prefix)))
		}
		return out
	})
	t.Run("KeysOnOneSlot", func(t *testing.T) {
		prefix := c.Prefix(t)
		s := NewRedis(c.Client, WithKeyPrefix(prefix))
		if _, _, err := s.Append(t.Context(), entry(1)); err != nil {
			t.Fatal(err)
		}
		if err := s.PutCosignature(t.Context(), "w", Cosignature{1, "— w x\n"}); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var keys []string
		err := c.Client.ForEachMaster(t.Context(), func(ctx context.Context, m *redis.Client) error {
			found, err := m.Keys(ctx, prefix+"*").Result()
			mu.Lock()
			defer mu.Unlock()
			keys = append(keys, found...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 5 {
			t.Errorf("keys %q, want size, entries, hashes, index and cosig", keys)
		}
		for _, k := range keys {
			if !strings.HasPrefix(k, prefix+":{keylog}:") {
				t.Errorf("key %q outside the hash tag", k)
			}
		}
	})
}

func TestRedisRefusesPrefixesThatMoveTheHashTag(t *testing.T) {
	for _, p := range []string{"", "a{b", "a}b"} {
		if err := CheckKeyPrefix(p); err == nil {
			t.Errorf("CheckKeyPrefix(%q) = nil", p)
		}
	}
	if err := CheckKeyPrefix("tg1"); err != nil {
		t.Errorf("CheckKeyPrefix(tg1) = %v", err)
	}
}
