package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Leases spare Redis a round trip for most admitted requests. Asking
// Redis for every fetch and evaluation doubles the round trips of a
// fetch; so when a gateway asks Redis for a client's tokens, it takes a
// few more than the request needs — its lease, at most leaseShare of the
// burst — and spends them on the client's next requests without asking
// again, for at most leaseTTL. Every token is still charged in Redis
// before it is spent, so a client's long-run rate stays exact across the
// gateways. What changes, within small bounds:
//
//   - a client can spend up to a lease more than its burst in a short
//     window on each gateway (tokens charged before the window, spent in
//     it): a sixteenth of the burst per gateway;
//   - tokens one gateway leased are not available to the others until
//     they are spent or dropped: a client spreading requests over several
//     gateways may be refused up to a lease per gateway early, for at most
//     leaseTTL.
//
// Refusals stay exact: a request the lease cannot cover asks Redis, and
// when Redis refuses n tokens until some time, no request of n or more
// can be admitted before then (other gateways only ever add to a
// client's use), so the refusal is answered locally until that time
// without asking again.
const (
	leaseShare = 16 // a lease is at most burst/leaseShare tokens
	maxLease   = 64
	leaseTTL   = time.Second
)

// leaseSize is the lease of a limiter with burst: none below a burst of
// leaseShare tokens.
func leaseSize(burst int) int { return min(burst/leaseShare, maxLease) }

// leases are one gateway's leases and refusals, per client.
type leases struct {
	mu       sync.Mutex
	clients  map[string]*lease
	lastScan time.Time
}

// lease is what a gateway holds for one client. Its fields are guarded
// by gate, held while Redis is asked for the client, so that concurrent
// requests of a client wait for one answer instead of each taking a
// lease of their own.
type lease struct {
	gate   chan struct{}
	tokens int       // charged in Redis, not yet spent
	until  time.Time // when unspent tokens are dropped
	// No request of refusedN tokens or more is admitted before
	// refusedUntil.
	refusedN     int
	refusedUntil time.Time
	seen         time.Time
}

// acquire returns client's lease, held, or ctx's error.
func (ls *leases) acquire(ctx context.Context, client string, now time.Time) (*lease, error) {
	ls.mu.Lock()
	ls.forgetIdle(now)
	le := ls.clients[client]
	if le == nil {
		le = &lease{gate: make(chan struct{}, 1)}
		ls.clients[client] = le
	}
	le.seen = now
	ls.mu.Unlock()
	select {
	case le.gate <- struct{}{}:
		return le, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (le *lease) release() { <-le.gate }

// spend takes n leased tokens if the lease holds them at now.
func (le *lease) spend(n int, now time.Time) bool {
	if !now.Before(le.until) {
		le.tokens = 0
	}
	if le.tokens < n {
		return false
	}
	le.tokens -= n
	return true
}

// refused reports how long a request of n tokens is still refused.
func (le *lease) refused(n int, now time.Time) (time.Duration, bool) {
	if n < le.refusedN || !now.Before(le.refusedUntil) {
		return 0, false
	}
	return le.refusedUntil.Sub(now), true
}

// forgetIdle drops, at most once a minute, the clients not seen for
// longer than their lease and refusal last.
func (ls *leases) forgetIdle(now time.Time) {
	if now.Sub(ls.lastScan) < time.Minute {
		return
	}
	ls.lastScan = now
	for k, le := range ls.clients {
		if now.Sub(le.seen) > leaseTTL && !now.Before(le.refusedUntil) && len(le.gate) == 0 {
			delete(ls.clients, k)
		}
	}
}
