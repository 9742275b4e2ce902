package api

import (
	"context"
	"errors"

	"github.com/trackgate/trackgate/crypto"
)

// Errors a CourierHost returns; the gateway maps them to result statuses.
var (
	ErrUnknownKey   = errors.New("unknown kid")
	ErrRateLimited  = errors.New("courier host rate limit reached")
	ErrUnavailable  = errors.New("courier host unavailable")
	ErrNotFound     = errors.New("record not found")
	ErrNotPullMode  = errors.New("courier host is not in pull mode")
	ErrInvalidInput = errors.New("invalid request to courier host")
	// ErrCircuitOpen comes with ErrUnavailable when the host was not
	// asked at all: its circuit breaker is open after repeated failures.
	ErrCircuitOpen = errors.New("courier host circuit open after repeated failures")
)

// CourierHost is the gateway's view of one courier host (§8). Two
// implementations exist: the host itself, called in process by the
// embedded default, and a remote client that signs requests to a host over
// HTTP. Both return the same errors, so the gateway takes one code path.
//
// Evaluate has four outcomes: evaluated elements with a proof; an error
// wrapping ErrUnknownKey or ErrInvalidInput when the request itself is
// wrong; ErrRateLimited when the host's own limit is reached; or
// ErrUnavailable (or a context error) when the host cannot answer.
//
// Bucket and Record are served by pull-mode hosts only; others answer
// ErrNotPullMode. Record answers ErrNotFound for an unknown locator.
type CourierHost interface {
	Keys(ctx context.Context) ([]Key, error)
	Evaluate(ctx context.Context, kid string, blinded [][]byte) (evaluated [][]byte, proof []byte, err error)
	Bucket(ctx context.Context, bucket uint32) ([]crypto.SealedRecord, error)
	Record(ctx context.Context, locator []byte) (crypto.SealedRecord, error)
}

// KeysAnswerer is an optional ability of a CourierHost: KeysAnswer
// returns the whole answer of GET /tg1/keys, the keys (as Keys does) and
// whether the host is still publishing its first records
// (docs/protocol.md §7.1, §8). The gateway's directory asks it rather than
// Keys when a host has it; a host without it is never loading.
type KeysAnswerer interface {
	KeysAnswer(ctx context.Context) (KeysResponse, error)
}
