package ratelimit

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Memory is a Limiter for one gateway: a token bucket per client
// (ClientKey of its address), held in memory only and never logged.
type Memory struct {
	rate  rate.Limit
	burst int
	now   func() time.Time

	mu       sync.Mutex
	buckets  map[string]*clientBucket
	lastScan time.Time
}

type clientBucket struct {
	limiter *rate.Limiter
	seen    time.Time
}

var _ Limiter = (*Memory)(nil)

// NewMemory returns a limiter allowing r tokens a second per client
// with bursts of burst; now is the clock (nil for time.Now).
func NewMemory(r rate.Limit, burst int, now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{rate: r, burst: burst, now: now, buckets: map[string]*clientBucket{}}
}

// Allow implements Limiter; it never fails.
func (l *Memory) Allow(_ context.Context, client string, n int) (bool, time.Duration, error) {
	ok, wait := l.allow(ClientKey(client), n, l.now())
	return ok, wait, nil
}

// allow takes n tokens for client at now; when it cannot, it returns false
// and how long until n tokens are there.
func (l *Memory) allow(client string, n int, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgetIdle(now)
	b := l.buckets[client]
	if b == nil {
		b = &clientBucket{limiter: rate.NewLimiter(l.rate, l.burst)}
		l.buckets[client] = b
	}
	b.seen = now
	r := b.limiter.ReserveN(now, n)
	if !r.OK() {
		return false, time.Minute
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// forgetIdle drops buckets that have refilled completely, at most once a
// minute, so memory stays bounded by the clients of the last minutes.
func (l *Memory) forgetIdle(now time.Time) {
	if now.Sub(l.lastScan) < time.Minute {
		return
	}
	l.lastScan = now
	full := time.Duration(float64(l.burst)/float64(l.rate)*float64(time.Second)) + time.Second
	for k, b := range l.buckets {
		if now.Sub(b.seen) > full {
			delete(l.buckets, k)
		}
	}
}
