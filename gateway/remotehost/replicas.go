package remotehost

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

var (
	_ api.CourierHost  = (*Replicas)(nil)
	_ api.KeysAnswerer = (*Replicas)(nil)
)

// Replicas is one courier served by several courier hosts, its replicas
// (docs/protocol.md §8): the same courier id, the same OPRF and signing
// keys, the same answers. It is safe for concurrent use.
//
// Keys asks every replica and checks that their key lists agree: the
// courier's list is the one most replicas serve (a tie goes to the
// replica listed first), and a replica whose last list differs is not
// used, and logged, until it serves the courier's list again. A replica
// that has not served its keys yet is not used either: the gateway's
// directory refresh, which calls Keys, lets it in.
//
// Evaluate, Bucket and Record go to the least-loaded usable replica (the
// fewest calls in flight from this gateway, ties at random), passing over
// replicas whose breaker is open; each replica keeps its own breaker. A
// call that fails because its replica is unavailable or at its rate limit
// is made once more on another replica before the error is returned.
// When the context has a deadline and the first replica has not answered
// in half of it, the call is made on another at once and the first good
// answer wins: a hung replica costs half the time, not all of it, and the
// call it held counts as a fault of its breaker. Answers that would be
// the same from every replica (an unknown kid, an invalid element, a
// record not found) are returned at once.
type Replicas struct {
	courier  string
	replicas []*replica
	logger   *slog.Logger
	// keysMu serializes Keys, so that replicas' verdicts follow one
	// reference at a time.
	keysMu sync.Mutex
}

// replica is one host of the courier, with what the choice needs.
type replica struct {
	client   *Client
	inFlight atomic.Int64
	// usable: its last key list is the courier's.
	usable atomic.Bool
	// keys is the list it last served, sorted by kid (under keysMu).
	keys []api.Key
}

// NewReplicas returns the courier served by the hosts clients reach, in
// the order of the gateway's configuration; each client signs for the
// same courier. logger receives which replica is refused and why
// (default: discard).
func NewReplicas(clients []*Client, logger *slog.Logger) *Replicas {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	rs := &Replicas{logger: logger}
	for _, c := range clients {
		rs.replicas = append(rs.replicas, &replica{client: c})
	}
	if len(clients) > 0 && clients[0].signer != nil {
		rs.courier = clients[0].signer.Audience
	}
	return rs
}

// Keys fetches every replica's keys at once and returns the courier's
// list: the one most of the replicas that answered serve. It fails
// (api.ErrUnavailable) only when no replica answered.
func (rs *Replicas) Keys(ctx context.Context) ([]api.Key, error) {
	res, err := rs.KeysAnswer(ctx)
	return res.Keys, err
}

// KeysAnswer is Keys with whether the courier is still loading: while
// any replica that serves the courier's list says so (docs/protocol.md
// §8), since each push replica publishes its own share of the parcels
// and a pull request may go to any replica.
func (rs *Replicas) KeysAnswer(ctx context.Context) (api.KeysResponse, error) {
	rs.keysMu.Lock()
	defer rs.keysMu.Unlock()
	answers := make([]api.KeysResponse, len(rs.replicas))
	fetched := make([][]api.Key, len(rs.replicas))
	loading := make([]bool, len(rs.replicas))
	failed := make([]error, len(rs.replicas))
	var wg sync.WaitGroup
	for i, r := range rs.replicas {
		wg.Go(func() {
			res, err := r.client.KeysAnswer(ctx)
			answers[i], fetched[i], loading[i], failed[i] = res, sortedKeys(res.Keys), res.Loading, err
		})
	}
	wg.Wait()

	// The reference is the list most answering replicas serve; a tie goes
	// to the earliest in the configuration, whose statements are served
	// (replicas with the same keys and signing key state them alike).
	var reference []api.Key
	var referenceAnswer api.KeysResponse
	votes := -1
	var firstErr error
	for i := range rs.replicas {
		if failed[i] != nil {
			firstErr = cmp.Or(firstErr, failed[i])
			continue
		}
		n := 0
		for j := range rs.replicas {
			if failed[j] == nil && equalKeys(fetched[i], fetched[j]) {
				n++
			}
		}
		if n > votes {
			reference, referenceAnswer, votes = fetched[i], answers[i], n
		}
	}
	if votes < 0 {
		return api.KeysResponse{}, fmt.Errorf("keys of %d replicas: %w", len(rs.replicas), firstErr)
	}
	anyLoading := false
	for i, r := range rs.replicas {
		if failed[i] == nil {
			r.keys = fetched[i]
		} else if len(rs.replicas) > 1 {
			rs.logger.Warn("courier host replica did not serve its keys", "courier", rs.courier,
				"replica", r.client.base, "error", failed[i])
		}
		agrees := r.keys != nil && equalKeys(r.keys, reference)
		if !agrees && r.keys != nil {
			rs.logger.Warn("courier host replica refused: its keys differ from the courier's", "courier", rs.courier,
				"replica", r.client.base, "replica_kids", kids(r.keys), "courier_kids", kids(reference))
		}
		r.usable.Store(agrees)
		anyLoading = anyLoading || (agrees && failed[i] == nil && loading[i])
	}
	return api.KeysResponse{Keys: slices.Clone(referenceAnswer.Keys), Statements: slices.Clone(referenceAnswer.Statements),
		SigningKeys: slices.Clone(referenceAnswer.SigningKeys), Loading: anyLoading}, nil
}

// Evaluate asks the least-loaded usable replica, and another once if it
// is unavailable, at its limit or slow.
func (rs *Replicas) Evaluate(ctx context.Context, kid string, blinded [][]byte) ([][]byte, []byte, error) {
	type evaluation struct {
		evaluated [][]byte
		proof     []byte
	}
	e, err := withRetry(ctx, rs, func(ctx context.Context, c *Client) (evaluation, error) {
		ev, proof, err := c.Evaluate(ctx, kid, blinded)
		return evaluation{ev, proof}, err
	})
	if err != nil {
		return nil, nil, err
	}
	return e.evaluated, e.proof, nil
}

// Bucket fetches a pull bucket from the least-loaded usable replica, and
// from another once if it is unavailable or slow.
func (rs *Replicas) Bucket(ctx context.Context, bucket uint32) ([]crypto.SealedRecord, error) {
	return withRetry(ctx, rs, func(ctx context.Context, c *Client) ([]crypto.SealedRecord, error) {
		return c.Bucket(ctx, bucket)
	})
}

// Record fetches a pull record from the least-loaded usable replica, and
// from another once if it is unavailable or slow.
func (rs *Replicas) Record(ctx context.Context, locator []byte) (crypto.SealedRecord, error) {
	return withRetry(ctx, rs, func(ctx context.Context, c *Client) (crypto.SealedRecord, error) {
		return c.Record(ctx, locator)
	})
}

// ErrNoReplica wraps api.ErrUnavailable when no replica of a courier
// serves the courier's keys (none has answered Keys yet, or every one
// that did differs).
var ErrNoReplica = errors.New("no courier host replica serves the courier's keys")

// errOutrun is the cause with which a call is cancelled when another
// replica answered first, after the call had held half the caller's
// time: the call's replica is slow or hung, and its breaker counts it as
// a fault (Client.send), so that a hung replica is soon left out.
var errOutrun = errors.New("another replica answered first")

// attempt is the outcome of one call on one replica.
type attempt[T any] struct {
	v   T
	err error
}

// withRetry makes call on the least-loaded usable replica, and makes it
// once more on another when the first fails in a way another may not,
// or, when ctx has a deadline, when the first has not answered in half
// the time left: then both race and the first good answer wins. The
// calls still in flight when it returns are cancelled and waited for;
// the first call, when it was outrun, with errOutrun.
func withRetry[T any](ctx context.Context, rs *Replicas, call func(context.Context, *Client) (T, error)) (T, error) {
	var zero T
	first := rs.pick(nil)
	if first == nil {
		return zero, fmt.Errorf("%w: %s: %w", api.ErrUnavailable, rs.courier, ErrNoReplica)
	}
	results := make(chan attempt[T], 2)
	var cancels []context.CancelCauseFunc // by attempt: the first, the retry
	pending, slow := 0, false
	start := func(r *replica) {
		actx, cancel := context.WithCancelCause(ctx)
		cancels = append(cancels, cancel)
		pending++
		go func() {
			r.inFlight.Add(1)
			defer r.inFlight.Add(-1)
			v, err := call(actx, r.client)
			results <- attempt[T]{v, err}
		}()
	}
	defer func() {
		for i, cancel := range cancels {
			if i == 0 && slow {
				cancel(errOutrun)
			} else {
				cancel(context.Canceled)
			}
		}
		for ; pending > 0; pending-- {
			<-results
		}
	}()
	start(first)
	retry := func() {
		if len(cancels) == 1 {
			if second := rs.pick(first); second != nil {
				start(second)
			}
		}
	}
	var hedge <-chan time.Time
	if deadline, ok := ctx.Deadline(); ok {
		t := time.NewTimer(time.Until(deadline) / 2)
		defer t.Stop()
		hedge = t.C
	}
	var failed error
	for pending > 0 {
		select {
		case <-hedge:
			hedge, slow = nil, true
			retry()
		case a := <-results:
			pending--
			if a.err == nil || !worthRetrying(ctx, a.err) {
				return a.v, a.err
			}
			if failed == nil {
				failed = a.err
			} else {
				failed = fmt.Errorf("%w (and at another replica: %w)", a.err, failed)
			}
			retry()
		}
	}
	return zero, failed
}

// worthRetrying reports whether another replica may answer where one
// failed: it was unavailable (down, hung, a 5xx, its breaker open) or at
// its own rate limit, and the caller is still waiting.
func worthRetrying(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	return errors.Is(err, api.ErrUnavailable) || errors.Is(err, api.ErrRateLimited)
}

// pick returns the usable replica other than except with the fewest
// calls in flight, passing over open breakers unless every other is open;
// ties are broken at random. nil when there is none.
func (rs *Replicas) pick(except *replica) *replica {
	var best *replica
	bestOpen, bestLoad, ties := false, int64(0), 0
	for _, r := range rs.replicas {
		if r == except || !r.usable.Load() {
			continue
		}
		open := r.client.breaker.State() == gobreaker.StateOpen
		load := r.inFlight.Load()
		switch {
		case best == nil, bestOpen && !open, open == bestOpen && load < bestLoad:
			best, bestOpen, bestLoad, ties = r, open, load, 1
		case open == bestOpen && load == bestLoad:
			// Reservoir sampling: each of the tied replicas is kept with
			// equal chance.
			ties++
			if rand.N(ties) == 0 {
				best = r
			}
		}
	}
	return best
}

// sortedKeys is a copy of keys sorted by kid, for comparing lists.
func sortedKeys(keys []api.Key) []api.Key {
	if keys == nil {
		return nil
	}
	out := slices.Clone(keys)
	slices.SortFunc(out, func(a, b api.Key) int { return strings.Compare(a.KeyID, b.KeyID) })
	return out
}

// equalKeys reports whether two sorted key lists are the same keys with
// the same windows.
func equalKeys(a, b []api.Key) bool {
	return slices.EqualFunc(a, b, func(x, y api.Key) bool {
		return x.KeyID == y.KeyID && bytes.Equal(x.PublicKey, y.PublicKey) &&
			x.NotBefore.Equal(y.NotBefore) && x.NotAfter.Equal(y.NotAfter)
	})
}

// kids lists the kids of keys, for a log line.
func kids(keys []api.Key) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.KeyID
	}
	return strings.Join(out, ",")
}
