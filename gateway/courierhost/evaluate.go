package courierhost

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// Evaluate evaluates a batch of blinded elements under the key kid and
// returns the evaluated elements with one proof. Errors:
//
//   - api.ErrUnknownKey: kid is not one of the host's keys, or not valid now;
//   - api.ErrInvalidInput (also wrapping the crypto error): an empty or
//     oversized batch, or an element that is not a valid non-identity
//     group element;
//   - api.ErrRateLimited: the host's own limit is spent. The host never
//     waits for tokens: it refuses at once (RetryAfter tells how long).
func (h *Host) Evaluate(ctx context.Context, kid string, blinded [][]byte) ([][]byte, []byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	now := h.cfg.Now()
	key := h.keyByID(kid, now)
	if key == nil {
		return nil, nil, fmt.Errorf("evaluate: %w", api.ErrUnknownKey)
	}
	if err := crypto.ValidateBatch(blinded); err != nil {
		return nil, nil, fmt.Errorf("evaluate: %w: %w", api.ErrInvalidInput, err)
	}
	if ok, wait := h.takeTokens(len(blinded), now); !ok {
		h.cfg.Logger.Info("evaluation rate limited", "elements", len(blinded))
		return nil, nil, &rateLimitedError{retryAfter: wait}
	}
	evaluated, proof, err := key.key.Evaluate(blinded)
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate %d elements: %w", len(blinded), err)
	}
	h.cfg.Logger.Debug("evaluated", "elements", len(blinded))
	return evaluated, proof, nil
}

// keyByID returns the key named kid if it is valid at now, else nil.
func (h *Host) keyByID(kid string, now time.Time) *hostKey {
	keys := h.keySet()
	for i := range keys {
		if k := &keys[i]; k.kid == kid && k.validAt(now) {
			return k
		}
	}
	return nil
}

// takeTokens takes n tokens at now, or none and reports how long until n
// would be there.
func (h *Host) takeTokens(n int, now time.Time) (bool, time.Duration) {
	r := h.limiter.ReserveN(now, n)
	if !r.OK() {
		return false, time.Minute // n is above the burst; cannot happen after validate
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// rateLimitedError is api.ErrRateLimited with the time until the
// evaluation would have been allowed, for Retry-After.
type rateLimitedError struct{ retryAfter time.Duration }

func (e *rateLimitedError) Error() string {
	return fmt.Sprintf("evaluate: %v (retry after %s)", api.ErrRateLimited, e.retryAfter.Round(time.Second))
}

func (e *rateLimitedError) Unwrap() error { return api.ErrRateLimited }

// RetryAfter reports how long to wait after an evaluation error wrapping
// api.ErrRateLimited from this host; 0 when err says nothing about it.
func RetryAfter(err error) time.Duration {
	var rl *rateLimitedError
	if errors.As(err, &rl) {
		return rl.retryAfter
	}
	return 0
}
