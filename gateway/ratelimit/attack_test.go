package ratelimit

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

// limiters returns a fresh in-memory and a fresh Redis limiter (on a real
// redis-server) with the same rate and burst, so every attack test holds
// for both.
func limiters(t *testing.T, perSecond, burst int) map[string]Limiter {
	t.Helper()
	r := redistest.Single(t)
	shared, err := NewRedis(r.Client, perSecond, burst, []byte("a shared secret of the gateways"))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]Limiter{
		"memory": NewMemory(rate.Limit(perSecond), burst, nil),
		"redis":  shared,
	}
}

// TestAttackBurstBelowLargestRequest: revision 1's default burst was 64
// elements, below the largest valid request (16 couriers × 8 elements =
// 128), so that request was refused forever by a fresh limiter; the test
// fails on revision 1 because the default burst admits only 64.
func TestAttackBurstBelowLargestRequest(t *testing.T) {
	largest := crypto.MaxCouriers * crypto.MaxBatch
	if largest != 128 {
		t.Fatalf("the largest request holds %d elements; the defaults of docs/protocol.md §12 are sized for 128", largest)
	}
	for name, l := range limiters(t, DefaultEvaluateRate, DefaultEvaluateBurst) {
		t.Run(name, func(t *testing.T) {
			ok, wait, err := l.Allow(context.Background(), "192.0.2.10", largest)
			if !ok || err != nil {
				t.Fatalf("a fresh limiter at the defaults refused a %d×%d request: wait %v, err %v", crypto.MaxCouriers, crypto.MaxBatch, wait, err)
			}
		})
	}
}

// TestAttackIPv6ClientsPerAddress: revision 1 keyed clients by the full
// address, and a host commonly holds a whole IPv6 /64, so it had 2^64
// budgets; the test fails on revision 1 because the second address of the
// same /64 got a fresh budget.
func TestAttackIPv6ClientsPerAddress(t *testing.T) {
	for name, l := range limiters(t, 1, 10) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			steps := []struct {
				client string
				n      int
				ok     bool
			}{
				// Refused steps ask for a whole burst, which a token
				// refilled by a slow test run cannot grant.
				{"2001:db8:aa:1::1", 10, true},
				{"2001:db8:aa:1:ffff:ffff:ffff:fffe", 10, false}, // same /64: its budget is spent
				{"2001:db8:aa:1:1234::9", 10, false},
				{"2001:db8:aa:2::1", 10, true},  // another /64: its own budget
				{"::ffff:192.0.2.20", 10, true}, // IPv4-mapped is IPv4 …
				{"192.0.2.20", 10, false},       // … and shares that address's budget
				{"192.0.2.21", 10, true},        // each IPv4 address its own
			}
			for i, s := range steps {
				ok, wait, err := l.Allow(ctx, s.client, s.n)
				if err != nil || ok != s.ok {
					t.Fatalf("step %d (%s, %d): ok %v err %v, want ok %v", i, s.client, s.n, ok, err, s.ok)
				}
				if !ok && wait <= 0 {
					t.Fatalf("step %d: refused without a wait", i)
				}
			}
		})
	}
}

func TestRedisBudgetsWithDifferentPrefixesAreApart(t *testing.T) {
	r := redistest.Single(t)
	secret := []byte("a shared secret of the gateways")
	evaluations, _ := NewRedis(r.Client, 1, 4, secret)
	fetches, err := NewRedis(r.Client, 1, 4, secret, WithKeyPrefix(FetchKeyPrefix))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if ok, _, err := evaluations.Allow(ctx, "192.0.2.30", 4); !ok || err != nil {
		t.Fatalf("evaluations: ok %v err %v", ok, err)
	}
	if ok, _, err := fetches.Allow(ctx, "192.0.2.30", 4); !ok || err != nil {
		t.Fatalf("fetches were charged for evaluations: ok %v err %v", ok, err)
	}
	keys, err := r.Client.Keys(ctx, "*"+FetchKeyPrefix+"*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys under %q: %v (err %v), want one", FetchKeyPrefix, keys, err)
	}
	if ttl := r.Client.PTTL(ctx, keys[0]).Val(); ttl <= 0 || ttl > 5*time.Second {
		t.Fatalf("fetch counter TTL %v: counters must expire once refilled", ttl)
	}
}
