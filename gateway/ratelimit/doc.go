// Package ratelimit is the gateway's own limits per client, on
// evaluations (elements) and on fetches (bucket and record GETs): a
// Limiter keyed by the client (ClientKey: an IPv4 address or the /64 of
// an IPv6 address), in memory for one gateway or in Redis for several
// gateways sharing one budget (docs/protocol.md §12). The Redis limiter
// asks Redis only for a client's first request of a lease and for those
// near its limit (lease.go). The same limiters
// keep a marketplace tenant's quota, keyed by the tenant's id under their
// own key prefixes (docs/protocol.md §7.6).
//
// Courier hosts keep limits of their own and never trust the gateway's
// (docs/protocol.md §1); the evaluation limit protects the courier hosts'
// budgets from one greedy client, the fetch limit the store and the pull
// couriers.
//
// No client address is stored: the Redis limiter keys its counters by an
// HMAC of the address under a secret that is not kept in Redis, mixed with
// the current day, so a copy of Redis reveals no address and links no
// client across days.
package ratelimit

import (
	"context"
	"time"
)

// Limiter decides whether client (its address, as gin's ClientIP gives
// it) may have n more tokens now; when not, retryAfter says when n will
// be available. An error means the limiter could not decide.
type Limiter interface {
	Allow(ctx context.Context, client string, n int) (ok bool, retryAfter time.Duration, err error)
}
