package client

import (
	"context"
	"fmt"

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

// batch is one courier's part of an evaluation: its queries, one blinded
// element each, under one key.
type batch struct {
	courier  *courierInfo
	answers  []int // indexes into the answers slice
	key      courierKey
	blinding *crypto.Blinding
}

// lookup evaluates and fetches the queries. Transport failures of the
// evaluation itself are returned; everything confined to one courier is
// recorded in that courier's answers.
func (c *Client) lookup(ctx context.Context, dir *directory, queries []query) ([]answer, error) {
	answers := make([]answer, len(queries))
	for i, q := range queries {
		answers[i].query = q
	}
	for _, round := range rounds(answers) {
		if err := c.evaluate(ctx, round, answers); err != nil {
			return nil, err
		}
	}
	if err := c.fetch(ctx, dir, answers); err != nil {
		return nil, err
	}
	return answers, nil
}

// rounds splits the answers into evaluation requests within the caps of
// §7: at most crypto.MaxCouriers couriers per request and
// crypto.MaxBatch elements per courier. Usually there is one round.
func rounds(answers []answer) [][]*batch {
	var out [][]*batch
	for i := range answers {
		ci := answers[i].courier
		placed := false
		for r := range out {
			var own *batch
			for _, b := range out[r] {
				if b.courier == ci {
					own = b
				}
			}
			switch {
			case own != nil && len(own.answers) < crypto.MaxBatch:
				own.answers = append(own.answers, i)
				placed = true
			case own == nil && len(out[r]) < crypto.MaxCouriers:
				out[r] = append(out[r], &batch{courier: ci, answers: []int{i}})
				placed = true
			}
			if placed {
				break
			}
		}
		if !placed {
			out = append(out, []*batch{{courier: ci, answers: []int{i}}})
		}
	}
	return out
}

// evaluate blinds every batch of a round under its courier's current key,
// sends them in one POST /v1/evaluate and verifies each courier's proof.
func (c *Client) evaluate(ctx context.Context, round []*batch, answers []answer) error {
	now := c.now()
	var req api.EvaluateRequest
	var sent []*batch
	for _, b := range round {
		key, ok := b.courier.currentKey(now)
		if !ok {
			for _, i := range b.answers {
				answers[i].status = OutcomeNoKey
			}
			continue
		}
		inputs := make([][]byte, len(b.answers))
		for j, i := range b.answers {
			a := answers[i]
			inputs[j] = crypto.Input(a.courier.entry.ID, a.tn, a.factor)
		}
		blinding, err := crypto.Blind(key.pk, inputs)
		if err != nil {
			return fmt.Errorf("blind for %s: %w", b.courier.entry.ID, err)
		}
		b.key, b.blinding = key, blinding
		elems := make([]crypto.B64, len(blinding.Elements))
		for j, e := range blinding.Elements {
			elems[j] = e
		}
		req.Requests = append(req.Requests, api.CourierEvaluation{Courier: b.courier.entry.ID, KeyID: key.KeyID, Blinded: elems})
		sent = append(sent, b)
	}
	if len(sent) == 0 {
		return nil
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
	for _, b := range sent {
		status, derived := finalize(b, results)
		for j, i := range b.answers {
			answers[i].status = status
			if derived != nil {
				answers[i].derived = &derived[j]
			}
		}
	}
	return nil
}

// finalize turns one courier's result into derived values, or the status
// that explains why there are none. Only a proof that verifies against
// the directory's key lets anything be derived.
func finalize(b *batch, results map[string]api.EvaluateResult) (string, []crypto.Derived) {
	r, ok := results[b.courier.entry.ID]
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
	ys, err := b.blinding.Finalize(evaluated, r.Proof)
	if err != nil {
		return OutcomeProofFailed, nil
	}
	derived := make([]crypto.Derived, len(ys))
	for j, y := range ys {
		d, err := crypto.Derive(y)
		if err != nil {
			return OutcomeProofFailed, nil
		}
		derived[j] = d
	}
	return "", derived
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
