package transparency

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

func flushed(t *testing.T, r *Redis) func() {
	return func() {
		t.Helper()
		if err := r.Flush(context.Background()); err != nil {
			t.Fatalf("Flush: %v", err)
		}
	}
}

func TestRedisCountsExactlyInOneHashPerDayKept400Days(t *testing.T) {
	rs := redistest.Single(t)
	prefix := rs.Prefix(t)
	r := NewRedis(rs.Client, WithKeyPrefix(prefix))
	checkRecorder(t, r, flushed(t, r))

	keys, err := rs.Client.Keys(t.Context(), prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(keys, ",") != prefix+":transparency:2026-12-03,"+prefix+":transparency:2026-12-04" &&
		strings.Join(keys, ",") != prefix+":transparency:2026-12-04,"+prefix+":transparency:2026-12-03" {
		t.Errorf("keys %v, want one per day counted", keys)
	}
	ttl, err := rs.Client.TTL(t.Context(), prefix+":transparency:2026-12-04").Result()
	if err != nil || ttl <= Retention-time.Minute || ttl > Retention {
		t.Errorf("TTL %v (%v), want about %v", ttl, err, Retention)
	}
}

func TestRedisClusterCountsExactly(t *testing.T) {
	c := redistest.Cluster(t)
	r := NewRedis(c.Client, WithKeyPrefix(c.Prefix(t)))
	checkRecorder(t, r, flushed(t, r))
	// A year of days spans every master: one pipeline reads them all.
	ctx := context.Background()
	first := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range MaxDays {
		r.Add(ctx, first.AddDate(0, 0, i), Global, Fetches, int64(i+1))
	}
	rep, err := r.Report(ctx, first, first.AddDate(0, 0, MaxDays-1))
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range rep.Days {
		if d.Fetches != int64(i+1) {
			t.Fatalf("%s: %d fetches, want %d", d.Date, d.Fetches, i+1)
		}
	}
}

func TestRedisRunWritesTheBufferOutUntilStopped(t *testing.T) {
	rs := redistest.Single(t)
	prefix := rs.Prefix(t)
	r := NewRedis(rs.Client, WithKeyPrefix(prefix), WithFlushInterval(10*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { r.Run(ctx) })
	day := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	key := prefix + ":transparency:2026-12-04"
	r.Add(ctx, day, Courier("sim-swift"), Evaluations, 3)
	deadline := time.Now().Add(5 * time.Second)
	for rs.Client.HGet(ctx, key, "courier:sim-swift:evaluations").Val() != "3" {
		if time.Now().After(deadline) {
			t.Fatal("Run did not write the count out within 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// What is added just before the end is written out on the way out.
	r.Add(ctx, day, Courier("sim-swift"), Evaluations, 4)
	cancel()
	wg.Wait()
	if got := rs.Client.HGet(context.Background(), key, "courier:sim-swift:evaluations").Val(); got != "7" {
		t.Errorf("after Run ended: %s evaluations in Redis, want 7", got)
	}
}

// TestStoppedRedisNeverSlowsACountAndLosesNothingItCanKeep: with Redis
// gone, Add stays instant, write-outs fail quickly and are logged once a
// minute, the report fails; when Redis is back, the counts kept meanwhile
// arrive once.
func TestStoppedRedisNeverSlowsACountAndLosesNothingItCanKeep(t *testing.T) {
	rs := redistest.Stoppable(t)
	client := redis.NewClient(&redis.Options{Addr: rs.Addr, MaxRetries: -1, DialerRetries: 1,
		DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	defer client.Close()
	var logs bytes.Buffer
	clock := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	r := NewRedis(client, WithKeyPrefix(rs.Prefix(t)), WithClock(now),
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))), WithFlushTimeout(300*time.Millisecond))
	ctx := context.Background()

	rs.Server.Stop(t)
	start := time.Now()
	for range 10000 {
		r.Add(ctx, clock, Courier("sim-swift"), Evaluations, 1)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("10000 counts with Redis stopped took %v", took)
	}
	for range 3 {
		start := time.Now()
		if err := r.Flush(ctx); err == nil {
			t.Fatal("a write-out to a stopped Redis succeeded")
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("a failed write-out took %v", took)
		}
	}
	if n := strings.Count(logs.String(), "transparency counts not written"); n != 1 {
		t.Errorf("%d warnings for 3 failures within a minute, want 1:\n%s", n, logs.String())
	}
	clock = clock.Add(61 * time.Second)
	_ = r.Flush(ctx)
	if n := strings.Count(logs.String(), "transparency counts not written"); n != 2 {
		t.Errorf("%d warnings after a minute, want 2:\n%s", n, logs.String())
	}
	if _, err := r.Report(ctx, clock, clock); err == nil {
		t.Error("a report was answered with Redis stopped")
	}

	rs.Server.Start(t)
	r.Add(ctx, clock, Courier("sim-swift"), Evaluations, 1)
	rep, err := r.Report(ctx, clock, clock)
	if err != nil {
		t.Fatalf("report after Redis came back: %v", err)
	}
	if got := rep.Days[0].Courier("sim-swift").Evaluations; got != 10001 {
		t.Errorf("%d evaluations after Redis came back, want the 10001 counted", got)
	}
}
