package client

// The lookup shape (docs/protocol.md §11). The gateway and the couriers
// see every request a lookup makes, so the requests must not depend on
// the answers: a lookup that stopped when nothing was found, or made one
// more round per handoff, would tell them whether the parcel exists and
// how far it travelled. So Track makes exactly 1 + H rounds (H =
// WithMaxHandoffs), each one element per keyed courier of the directory
// (real query or dummy) and one fetch per element, whatever it finds.

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// maxConcurrentFetches bounds the fetches of a round in flight at once.
const maxConcurrentFetches = 8

// slot is one element of a round: a courier of the directory with a key
// valid now, carrying its real query of the round or, when it has none, a
// dummy. Every slot is evaluated and fetched alike.
type slot struct {
	courier  *courierInfo
	key      courierKey
	real     *answer // nil for a dummy
	blinding *crypto.Blinding
	// locator is what the slot fetches: the derived one, or random bytes
	// when nothing could be derived (so a failed courier is fetched too).
	locator []byte
}

// keyedCourier is a courier of the directory and its key valid now.
type keyedCourier struct {
	courier *courierInfo
	key     courierKey
}

// keyedCouriers lists, in directory order, the couriers that have a key
// valid at now: the couriers every round asks. The rest are skipped in
// every round, so the set does not depend on the number looked up.
func keyedCouriers(dir *directory, at time.Time) []keyedCourier {
	var out []keyedCourier
	for _, e := range dir.doc.Couriers {
		ci := dir.couriers[e.ID]
		if key, ok := ci.currentKey(at); ok {
			out = append(out, keyedCourier{ci, key})
		}
	}
	return out
}

// follow runs the rounds of a lookup. Round 0 asks the first queries;
// round r+1 asks the handoffs found in round r and what earlier rounds
// could not fit, at most one real query per courier per round. What is
// left after the last round is reported as OutcomeNotFollowed. Never
// asking the same (courier, number) twice ends cycles.
func (c *Client) follow(ctx context.Context, dir *directory, first []query, factor string, res *Result) error {
	keyed := keyedCouriers(dir, c.now())
	asked := map[string]bool{}
	for _, q := range first {
		asked[q.key()] = true
	}
	pending := first
	for round := 0; round <= c.maxHandoffs; round++ {
		slots, reals, carried := planRound(keyed, pending, res)
		if err := c.evaluate(ctx, slots); err != nil {
			return err
		}
		if err := c.fetch(ctx, dir, slots); err != nil {
			return err
		}
		pending = carried
		for _, a := range reals {
			res.Couriers = append(res.Couriers, a.outcome())
			if a.status != OutcomeFound {
				continue
			}
			res.Legs = append(res.Legs, Leg{
				Courier: a.courier.entry.ID, CourierName: a.courier.entry.Name, Depth: a.depth, View: a.view,
				Locator: a.derived.Locator, key: &recordKey{a.derived.RecordKey},
			})
			for _, h := range a.view.Handoffs {
				q, outcome := handoffQuery(dir, h.Courier, h.TrackingNumber, factor, a.depth+1)
				if outcome != nil && outcome.Status == OutcomeKeyLogRefused {
					res.refuse(dir.couriers[h.Courier], outcome.TrackingNumber)
					continue
				}
				if outcome != nil {
					res.Couriers = append(res.Couriers, *outcome)
					continue
				}
				if asked[q.key()] {
					continue
				}
				asked[q.key()] = true
				pending = append(pending, q)
			}
		}
	}
	for _, q := range pending {
		res.Couriers = append(res.Couriers, CourierOutcome{Courier: q.courier.entry.ID, TrackingNumber: q.tn, Status: OutcomeNotFollowed})
	}
	return nil
}

// planRound gives every keyed courier its slot: the first pending query
// for it, else a dummy. Further queries for a courier already served this
// round are carried to the next; a query for a courier without a key
// valid now cannot be asked and is reported at once.
func planRound(keyed []keyedCourier, pending []query, res *Result) (slots []*slot, reals []*answer, carried []query) {
	isKeyed := map[*courierInfo]bool{}
	for _, k := range keyed {
		isKeyed[k.courier] = true
	}
	served := map[*courierInfo]*answer{}
	for _, q := range pending {
		switch {
		case !isKeyed[q.courier]:
			res.Couriers = append(res.Couriers, CourierOutcome{Courier: q.courier.entry.ID, TrackingNumber: q.tn, Status: OutcomeNoKey})
		case served[q.courier] != nil:
			carried = append(carried, q)
		default:
			a := &answer{query: q}
			served[q.courier] = a
			reals = append(reals, a)
		}
	}
	slots = make([]*slot, len(keyed))
	for i, k := range keyed {
		slots[i] = &slot{courier: k.courier, key: k.key, real: served[k.courier]}
	}
	return slots, reals, carried
}

// settleEvaluation records what the evaluation gave the slot: a derived
// locator to fetch, or, when nothing could be derived, the status of its
// real query and a random locator, so that the slot is fetched all the
// same. A dummy keeps only its locator; its record key is dropped.
func (s *slot) settleEvaluation(status string, derived *crypto.Derived) error {
	if derived != nil {
		s.locator = derived.Locator
		if s.real != nil {
			s.real.derived = derived
		}
		return nil
	}
	if s.real != nil {
		s.real.status = status
	}
	s.locator = make([]byte, crypto.LocatorSize)
	if _, err := rand.Read(s.locator); err != nil {
		return fmt.Errorf("random locator: %w", err)
	}
	return nil
}

// pending returns the slot's real query when its record is still to be
// opened: nil for a dummy, whose answer is discarded, and for a query
// whose evaluation failed.
func (s *slot) pending() *answer {
	if s.real == nil || s.real.status != "" || s.real.derived == nil {
		return nil
	}
	return s.real
}

// fetchFailed marks the slot's query unavailable after an error answer
// to its fetch, or rate limited after a 429, so that a shopper is told to
// wait rather than that a courier is down.
func (s *slot) fetchFailed(err error) {
	a := s.pending()
	if a == nil {
		return
	}
	a.status = api.StatusUnavailable
	var gwErr *GatewayError
	if errors.As(err, &gwErr) && gwErr.StatusCode == http.StatusTooManyRequests {
		a.status = api.StatusRateLimited
	}
}

// fetchAll runs fetchOne for every slot of a round at once (at most
// maxConcurrentFetches in flight), started in random order so that the
// order of the requests tells nothing about which slot is real. The first
// error ends the round and the lookup.
func fetchAll(ctx context.Context, slots []*slot, fetchOne func(context.Context, *slot) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	inFlight := make(chan struct{}, maxConcurrentFetches)
	for _, i := range mrand.Perm(len(slots)) {
		select {
		case inFlight <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-inFlight }()
			if err := fetchOne(ctx, slots[i]); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				cancel()
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}
