package ratelimit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// Redis is a Limiter shared by every gateway on one Redis (or Redis
// Cluster), on go-redis/redis_rate's GCRA. When Redis cannot answer it
// falls back to a per-gateway Memory limiter rather than letting every
// evaluation through or refusing them all.
type Redis struct {
	limiter  *redis_rate.Limiter
	limit    redis_rate.Limit
	prefix   string
	secret   []byte
	now      func() time.Time
	fallback *Memory
	lease    int // tokens taken beyond a request's, 0 for none (lease.go)
	leases   leases
}

var _ Limiter = (*Redis)(nil)

// MinSecretSize is the least secret NewRedis accepts.
const MinSecretSize = 16

// Key prefixes of the gateway's budgets, so a client's evaluations and
// fetches, and a tenant's (keyed by its id, docs/protocol.md §7.6), are
// counted apart under the same HMAC'd key scheme.
const (
	EvaluateKeyPrefix       = "tg1:"
	FetchKeyPrefix          = "tg1:fetch:"
	TenantEvaluateKeyPrefix = "tg1:tenant:"
	TenantFetchKeyPrefix    = "tg1:tenant-fetch:"
)

// RedisOption adjusts NewRedis.
type RedisOption func(*Redis)

// WithKeyPrefix puts the limiter's counters under prefix instead of
// EvaluateKeyPrefix; limiters of different budgets need different ones.
func WithKeyPrefix(prefix string) RedisOption {
	return func(l *Redis) { l.prefix = prefix }
}

// NewRedis returns a limiter allowing perSecond tokens a second per
// client with bursts of burst (evaluations by default; see
// WithKeyPrefix). secret keys the HMAC that hides client addresses;
// every gateway sharing the budget needs the same secret, and it must not
// be kept in Redis.
func NewRedis(rdb redis.UniversalClient, perSecond, burst int, secret []byte, opts ...RedisOption) (*Redis, error) {
	switch {
	case len(secret) < MinSecretSize:
		return nil, fmt.Errorf("rate limit secret of %d bytes; at least %d are needed", len(secret), MinSecretSize)
	case perSecond < 1 || burst < 1:
		return nil, errors.New("rate limit: rate and burst must be at least 1")
	}
	l := &Redis{
		limiter:  redis_rate.NewLimiter(rdb),
		limit:    redis_rate.Limit{Rate: perSecond, Burst: burst, Period: time.Second},
		prefix:   EvaluateKeyPrefix,
		secret:   append([]byte(nil), secret...),
		now:      time.Now,
		fallback: NewMemory(rate.Limit(perSecond), burst, nil),
		lease:    leaseSize(burst),
		leases:   leases{clients: map[string]*lease{}},
	}
	for _, o := range opts {
		o(l)
	}
	return l, nil
}

// Allow implements Limiter: from the client's lease when it holds n
// tokens, else from Redis, taking a new lease with them (lease.go).
func (l *Redis) Allow(ctx context.Context, client string, n int) (bool, time.Duration, error) {
	client = ClientKey(client)
	now := l.now()
	le, err := l.leases.acquire(ctx, client, now)
	if err != nil {
		return false, 0, err
	}
	defer le.release()
	if le.spend(n, now) {
		return true, 0, nil
	}
	if wait, ok := le.refused(n, now); ok {
		return false, wait, nil
	}
	held := le.tokens // fewer than n, already charged
	need := n - held
	extra := max(0, min(l.lease, l.limit.Burst-need))
	key := l.key(client)
	res, err := l.limiter.AllowN(ctx, key, l.limit, need+extra)
	if err == nil && res.Allowed < need+extra && extra > 0 {
		// Refused with the lease; need alone may still fit, and GCRA
		// says when: extra emission intervals before need+extra would.
		if res.RetryAfter-time.Duration(extra)*l.interval() <= 0 {
			extra = 0
			res, err = l.limiter.AllowN(ctx, key, l.limit, need)
		} else {
			res.RetryAfter -= time.Duration(extra) * l.interval()
		}
	}
	if err != nil {
		ok, wait, _ := l.fallback.Allow(ctx, client, n)
		return ok, wait, fmt.Errorf("shared rate limit unavailable, limited by this gateway alone: %w", err)
	}
	if res.Allowed < need+extra {
		le.refusedN, le.refusedUntil = n, now.Add(res.RetryAfter)
		return false, res.RetryAfter, nil
	}
	le.tokens, le.until = extra, now.Add(leaseTTL)
	return true, 0, nil
}

// interval is GCRA's emission interval: the time one token takes to
// come back.
func (l *Redis) interval() time.Duration { return l.limit.Period / time.Duration(l.limit.Rate) }

// key is the prefix + hex(HMAC-SHA256(secret, day ‖ 0x00 ‖ client))[:32]:
// no address in Redis, and a new key every UTC day.
func (l *Redis) key(client string) string {
	m := hmac.New(sha256.New, l.secret)
	m.Write([]byte(l.now().UTC().Format("2006-01-02")))
	m.Write([]byte{0})
	m.Write([]byte(client))
	return l.prefix + hex.EncodeToString(m.Sum(nil)[:16])
}
