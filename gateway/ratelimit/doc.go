// Package ratelimit is the gateway's own limit on evaluations per client:
// a Limiter keyed by the client's address, in memory for one gateway or in
// Redis for several gateways sharing one budget.
//
// Courier hosts keep limits of their own and never trust the gateway's
// (PROTOCOL.md §1); this limit protects the courier hosts' budgets from
// one greedy client.
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

// Limiter decides whether client may have n more evaluations now; when
// not, retryAfter says when n will be available. An error means the
// limiter could not decide.
type Limiter interface {
	Allow(ctx context.Context, client string, n int) (ok bool, retryAfter time.Duration, err error)
}
