package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

// scriptCalls counts the limiter scripts a client runs in Redis.
type scriptCalls struct{ n atomic.Int64 }

func (c *scriptCalls) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *scriptCalls) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (c *scriptCalls) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		// A script not yet cached is one call sent twice (EVALSHA, EVAL).
		if name := cmd.Name(); (name == "evalsha" || name == "eval") && !redis.HasErrorPrefix(err, "NOSCRIPT") {
			c.n.Add(1)
		}
		return err
	}
}

// countedRedis is a Redis of the test's own and a client counting the
// limiter's calls to it.
func countedRedis(t *testing.T) (*redis.Client, *scriptCalls) {
	t.Helper()
	r := redistest.Single(t)
	client := redis.NewClient(&redis.Options{Addr: r.Addr})
	t.Cleanup(func() { client.Close() })
	calls := &scriptCalls{}
	client.AddHook(calls)
	return client, calls
}

func TestLeaseSparesRedisButChargesEveryToken(t *testing.T) {
	client, calls := countedRedis(t)
	secret := []byte("a shared secret of the gateways")
	gw1, _ := NewRedis(client, 1, 160, secret) // a lease of 10
	gw2, _ := NewRedis(client, 1, 160, secret)
	ctx := context.Background()
	const c = "192.0.2.50"
	for i := range 11 {
		if ok, _, err := gw1.Allow(ctx, c, 1); !ok || err != nil {
			t.Fatalf("request %d: ok %v err %v", i, ok, err)
		}
	}
	if n := calls.n.Load(); n != 1 {
		t.Fatalf("11 requests asked Redis %d times, want once (1 token and a lease of 10)", n)
	}
	if ok, _, _ := gw1.Allow(ctx, c, 1); !ok || calls.n.Load() != 2 {
		t.Fatalf("the 12th request: ok %v after %d calls; want a new lease from Redis", ok, calls.n.Load())
	}
	// gw1 charged 22 tokens (12 spent, 10 leased): another gateway has
	// exactly the other 138.
	if ok, _, err := gw2.Allow(ctx, c, 138); !ok || err != nil {
		t.Fatalf("the other gateway was refused the 138 tokens left: err %v", err)
	}
	if ok, wait, _ := gw2.Allow(ctx, c, 1); ok || wait <= 0 {
		t.Fatalf("the other gateway was given a token beyond the budget (wait %v)", wait)
	}
	// gw1 still holds its lease: tokens charged before are spent.
	for i := range 10 {
		if ok, _, _ := gw1.Allow(ctx, c, 1); !ok {
			t.Fatalf("leased token %d was refused", i)
		}
	}
	if ok, _, _ := gw1.Allow(ctx, c, 1); ok {
		t.Fatal("a token beyond the budget and the lease was given")
	}
}

func TestRefusalIsAnsweredLocallyUntilItEnds(t *testing.T) {
	client, calls := countedRedis(t)
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	l, _ := NewRedis(client, 1, 16, []byte("a shared secret of the gateways")) // a lease of 1
	l.now = func() time.Time { return now }
	ctx := context.Background()
	const c = "192.0.2.51"
	if ok, _, _ := l.Allow(ctx, c, 16); !ok {
		t.Fatal("a full burst was refused")
	}
	ok, wait, err := l.Allow(ctx, c, 4)
	if ok || err != nil || wait < 3*time.Second || wait > 4*time.Second {
		t.Fatalf("4 tokens at an empty burst: ok %v wait %v err %v; want refused for about 4 s", ok, wait, err)
	}
	before := calls.n.Load()
	now = now.Add(time.Second)
	if ok, again, _ := l.Allow(ctx, c, 5); ok || calls.n.Load() != before || again != wait-time.Second {
		t.Fatalf("a larger request while refused: ok %v wait %v, %d calls; want refused for %v without asking Redis",
			ok, again, calls.n.Load()-before, wait-time.Second)
	}
	if _, _, _ = l.Allow(ctx, c, 1); calls.n.Load() == before {
		t.Fatal("a smaller request than the refused one was not put to Redis")
	}
	before = calls.n.Load()
	now = now.Add(wait)
	if _, _, _ = l.Allow(ctx, c, 4); calls.n.Load() == before {
		t.Fatal("the refusal was answered locally after it ended")
	}
}

// Concurrent requests of one client wait for one lease instead of each
// taking its own, and nothing more than the requests and one lease is
// charged.
func TestConcurrentRequestsShareOneLease(t *testing.T) {
	client, calls := countedRedis(t)
	secret := []byte("a shared secret of the gateways")
	l, _ := NewRedis(client, 1, 160, secret) // a lease of 10
	ctx := context.Background()
	const c, requests = "2001:db8::1", 66
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			if ok, _, err := l.Allow(ctx, c, 1); !ok || err != nil {
				t.Errorf("ok %v err %v", ok, err)
			}
		})
	}
	wg.Wait()
	if n := calls.n.Load(); n != requests/11 {
		t.Fatalf("%d requests asked Redis %d times, want %d (one per 11)", requests, n, requests/11)
	}
	other, _ := NewRedis(client, 1, 160, secret)
	if ok, _, _ := other.Allow(ctx, c, 160-requests); !ok {
		t.Fatal("more than the requests were charged")
	}
	if ok, _, _ := other.Allow(ctx, c, 1); ok {
		t.Fatal("fewer than the requests were charged")
	}
}

func TestLeaseIsASixteenthOfTheBurstAtMost64(t *testing.T) {
	for _, tt := range []struct{ burst, want int }{{4, 0}, {15, 0}, {16, 1}, {128, 8}, {240, 15}, {1 << 30, 64}} {
		if got := leaseSize(tt.burst); got != tt.want {
			t.Errorf("leaseSize(%d) = %d, want %d", tt.burst, got, tt.want)
		}
	}
}
