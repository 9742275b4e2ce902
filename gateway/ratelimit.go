package gateway

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// clientLimiter is the gateway's own evaluation limit, one token bucket per
// client address. Courier hosts keep their own limits too: they do not
// trust the gateway to do this (PROTOCOL.md §1). The addresses are held in
// memory only and never logged.
type clientLimiter struct {
	rate  rate.Limit
	burst int

	mu       sync.Mutex
	buckets  map[string]*clientBucket
	lastScan time.Time
}

type clientBucket struct {
	limiter *rate.Limiter
	seen    time.Time
}

func newClientLimiter(r rate.Limit, burst int) *clientLimiter {
	return &clientLimiter{rate: r, burst: burst, buckets: map[string]*clientBucket{}}
}

// allow takes n tokens for client at now; when it cannot, it returns false
// and how long until n tokens are there.
func (l *clientLimiter) allow(client string, n int, now time.Time) (bool, time.Duration) {
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
func (l *clientLimiter) forgetIdle(now time.Time) {
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
