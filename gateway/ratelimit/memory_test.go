package ratelimit

import (
	"context"
	"testing"
	"time"
)

func TestMemoryLimitsEachClientOnItsOwn(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	l := NewMemory(2, 4, func() time.Time { return now })
	ctx := context.Background()
	steps := []struct {
		client string
		n      int
		ok     bool
	}{
		{"a", 3, true},
		{"a", 2, false}, // one token left
		{"b", 4, true},  // b has its own bucket
		{"a", 1, true},
		{"a", 5, false}, // more than the burst can ever hold
	}
	for i, s := range steps {
		ok, wait, err := l.Allow(ctx, s.client, s.n)
		if err != nil || ok != s.ok {
			t.Fatalf("step %d: ok %v err %v, want ok %v", i, ok, err, s.ok)
		}
		if !ok && wait <= 0 {
			t.Fatalf("step %d: refused without a wait", i)
		}
	}
	now = now.Add(time.Second) // two tokens back
	if ok, _, _ := l.Allow(ctx, "a", 2); !ok {
		t.Fatal("tokens did not refill")
	}
}

func TestMemoryForgetsIdleClients(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	l := NewMemory(10, 10, func() time.Time { return now })
	for _, c := range []string{"a", "b", "c"} {
		l.Allow(context.Background(), c, 1)
	}
	now = now.Add(10 * time.Minute)
	l.Allow(context.Background(), "d", 1)
	if n := len(l.buckets); n != 1 {
		t.Fatalf("%d client buckets kept after ten idle minutes, want 1", n)
	}
}
