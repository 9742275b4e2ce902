package redisnonce

import (
	"context"
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

func TestSeenIsSharedAndExpires(t *testing.T) {
	r := redistest.Single(t)
	prefix := r.Prefix(t)
	a, err := New(r.Client, prefix)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New(r.Client, prefix) // another gateway on the same Redis
	ctx := context.Background()
	if seen, err := a.Seen(ctx, "sim-east", "bm9uY2U", time.Second); seen || err != nil {
		t.Fatalf("first sight: %v %v", seen, err)
	}
	if seen, err := b.Seen(ctx, "sim-east", "bm9uY2U", time.Second); !seen || err != nil {
		t.Fatalf("sight through another store: %v %v, want seen", seen, err)
	}
	if seen, _ := b.Seen(ctx, "sim-west", "bm9uY2U", time.Second); seen {
		t.Error("the same nonce under another key id counted as seen")
	}
	key := prefix + ":nonce:{sim-east}:bm9uY2U"
	ttl, err := r.Client.PTTL(ctx, key).Result()
	if err != nil || ttl <= 0 || ttl > time.Second {
		t.Fatalf("key %s has PTTL %v (%v), want at most 1 s", key, ttl, err)
	}
	time.Sleep(1100 * time.Millisecond)
	if seen, err := a.Seen(ctx, "sim-east", "bm9uY2U", time.Second); seen || err != nil {
		t.Errorf("after its ttl: %v %v, want a first sight again", seen, err)
	}
}

func TestSeenFailsWhenRedisIsDown(t *testing.T) {
	r := redistest.Stoppable(t)
	s, _ := New(r.Client, r.Prefix(t))
	r.Server.Stop(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := s.Seen(ctx, "sim-east", "bm9uY2U", time.Second); err == nil {
		t.Error("Seen answered without Redis")
	}
}

func TestNewRefusesABraceInThePrefix(t *testing.T) {
	if _, err := New(nil, "tg1{x}"); err == nil {
		t.Error("prefix with braces accepted")
	}
}
