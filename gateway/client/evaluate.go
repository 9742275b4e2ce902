package client

import (
	"context"
	"crypto/rand"
	"fmt"
	"runtime"
	"sync"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// answer is what became of one query.
type answer struct {
	query
	status  string          // an Outcome… constant or a gateway status; "" while pending
	derived *crypto.Derived // set once the proof verified
	view    adapters.View   // set when status is OutcomeFound
}

func (a answer) outcome() CourierOutcome {
	return CourierOutcome{Courier: a.courier.entry.ID, TrackingNumber: a.tn, Status: a.status}
}

// dummyInputSize is the length of a dummy's random OPRF input. Its size
// does not show: only the blinded element, a fixed-size group element,
// leaves the client.
const dummyInputSize = 32

// evaluate blinds one element per slot, real query or dummy, sends them
// in directory order, at most crypto.MaxCouriers couriers per
// POST /v1/evaluate, and verifies every courier's proof. A transport
// failure or an error answer ends the lookup; anything confined to one
// courier is recorded in its slot's answer.
func (c *Client) evaluate(ctx context.Context, slots []*slot) error {
	for start := 0; start < len(slots); start += crypto.MaxCouriers {
		if err := c.evaluateRequest(ctx, slots[start:min(start+crypto.MaxCouriers, len(slots))]); err != nil {
			return err
		}
	}
	return nil
}

// evaluateRequest is one POST /v1/evaluate of at most crypto.MaxCouriers
// slots, each a different courier.
func (c *Client) evaluateRequest(ctx context.Context, slots []*slot) error {
	// Each slot's blinding, and below its finalization, is a few scalar
	// multiplications of its own: done on every core at once.
	err := eachSlot(slots, func(s *slot) error {
		input, err := s.input()
		if err != nil {
			return err
		}
		if s.blinding, err = crypto.Blind(s.key.pk, [][]byte{input}); err != nil {
			return fmt.Errorf("blind for %s: %w", s.courier.entry.ID, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	req := api.EvaluateRequest{Requests: make([]api.CourierEvaluation, 0, len(slots))}
	for _, s := range slots {
		req.Requests = append(req.Requests, api.CourierEvaluation{
			Courier: s.courier.entry.ID, KeyID: s.key.KeyID, Blinded: []crypto.B64{s.blinding.Elements[0]},
		})
	}
	var resp api.EvaluateResponse
	if err := c.postJSON(ctx, "POST /v1/evaluate", c.endpoint("v1", "evaluate"), req, maxEvaluateBytes, &resp); err != nil {
		return err
	}
	results := map[string]api.EvaluateResult{}
	for _, r := range resp.Results {
		if _, dup := results[r.Courier]; !dup { // a repeated result is ignored, never merged
			results[r.Courier] = r
		}
	}
	return eachSlot(slots, func(s *slot) error { return s.settleEvaluation(s.finalize(results)) })
}

// eachSlot runs fn for every slot, on up to GOMAXPROCS goroutines, and
// returns the error of the first slot that failed, in slot order.
func eachSlot(slots []*slot, fn func(*slot) error) error {
	errs := make([]error, len(slots))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, s := range slots {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = fn(s)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// input is the OPRF input of the slot's element: the query's, or random
// bytes for a dummy. A dummy never carries a factor, nor anything else.
func (s *slot) input() ([]byte, error) {
	if s.real != nil {
		return crypto.Input(s.courier.entry.ID, s.real.tn, s.real.factor), nil
	}
	x := make([]byte, dummyInputSize)
	if _, err := rand.Read(x); err != nil {
		return nil, fmt.Errorf("dummy input: %w", err)
	}
	return x, nil
}

// finalize turns the courier's result into a derived value, or the status
// that explains why there is none. Only a proof that verifies against the
// directory's key lets anything be derived; a dummy's proof is checked
// like any other.
func (s *slot) finalize(results map[string]api.EvaluateResult) (string, *crypto.Derived) {
	r, ok := results[s.courier.entry.ID]
	if !ok {
		return api.StatusUnavailable, nil // the gateway dropped it
	}
	if r.Status != api.StatusOK {
		return gatewayStatus(r.Status), nil
	}
	evaluated := make([][]byte, len(r.Evaluated))
	for j, e := range r.Evaluated {
		evaluated[j] = e
	}
	ys, err := s.blinding.Finalize(evaluated, r.Proof)
	if err != nil || len(ys) != 1 {
		return OutcomeProofFailed, nil
	}
	d, err := crypto.Derive(ys[0])
	if err != nil {
		return OutcomeProofFailed, nil
	}
	return "", &d
}

// gatewayStatus keeps the per-courier statuses of §7 and maps anything
// else a gateway may invent to "invalid".
func gatewayStatus(s string) string {
	switch s {
	case api.StatusTimeout, api.StatusUnavailable, api.StatusRateLimited, api.StatusInvalid:
		return s
	}
	return api.StatusInvalid
}
