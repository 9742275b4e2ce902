package benchmark

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"

	"github.com/cloudflare/circl/oprf"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// evaluate loads POST /v1/evaluate with one element for one courier —
// the gateway validates it, signs a request to the courier host over
// HTTP, the host verifies it, evaluates with a proof and signs its
// answer, the gateway verifies that and relays the result — against
// circl's Evaluate of the same element under the same key in a loop: the
// work no deployment can skip.
func (b *bench) evaluate(ctx context.Context) ([]Figure, error) {
	g, err := b.dep.readsGateway(ctx)
	if err != nil {
		return nil, err
	}
	host := b.dep.sim(simulator.SwiftID)
	blinding, err := crypto.Blind(host.oprf.Public(), [][]byte{crypto.Input(host.spec.id, "SW100000000001", "")})
	if err != nil {
		return nil, err
	}
	element := blinding.Elements[0]
	body, err := json.Marshal(api.EvaluateRequest{Requests: []api.CourierEvaluation{
		{Courier: host.spec.id, KeyID: host.kid(), Blinded: []crypto.B64{element}},
	}})
	if err != nil {
		return nil, err
	}
	target := vegeta.Target{Method: http.MethodPost, URL: g.URL + "/v1/evaluate", Body: body,
		Header: http.Header{"Content-Type": {"application/json"}}}
	w := b.profile.Workers
	measured := attack{name: "evaluate gateway", client: newLoadClient(w), workers: w,
		targets: cycle([]vegeta.Target{target}), perRequest: 1, check: evaluatedOK}

	// The loop runs on every core, one goroutine each: more would only
	// queue for the cores and blur its latencies.
	cores := runtime.GOMAXPROCS(0)
	direct, err := circlEvaluation(host.oprf, element, cores)
	if err != nil {
		return nil, err
	}
	r, err := b.interleave(ctx, "evaluate", b.profile.Throughput, measured.phase(), direct, showRate("evaluations/s"))
	if err != nil {
		return nil, err
	}
	f := throughputFigure("evaluate", "evaluate one element, POST /v1/evaluate", "evaluations/s",
		fmt.Sprintf("the reads gateway relaying one element to the %s courier host over signed HTTP, %d requests in flight", host.spec.id, w),
		fmt.Sprintf("circl's VOPRF Evaluate (ristretto255-SHA512, with its DLEQ proof) of the same element under the same key, on %s", plural(cores, "goroutine")), r)
	return []Figure{f.withGoals(f.ratioAtLeast(0.9))}, nil
}

// circlEvaluation is the baseline phase: circl's VerifiableServer
// evaluating element under key on workers goroutines, the element
// decoded once beforehand.
func circlEvaluation(key *crypto.PrivateKey, element []byte, workers int) (phase, error) {
	suite := oprf.SuiteRistretto255
	k := new(oprf.PrivateKey)
	if err := k.UnmarshalBinary(suite, key.Bytes()); err != nil {
		return nil, fmt.Errorf("circl key: %w", err)
	}
	k.Public() // circl derives the public key on first use: not from several goroutines at once
	e := suite.Group().NewElement()
	if err := e.UnmarshalBinary(element); err != nil {
		return nil, fmt.Errorf("circl element: %w", err)
	}
	servers := make([]oprf.VerifiableServer, workers)
	for i := range servers {
		servers[i] = oprf.NewVerifiableServer(suite, k)
	}
	return concurrent(workers, 1, func(_ context.Context, w, _ int) error {
		_, err := servers[w].Evaluate(&oprf.EvaluationRequest{Elements: []oprf.Blinded{e}})
		return err
	}), nil
}

// evaluatedOK checks that the gateway's answer is an evaluation, not a
// per-courier failure (the gateway answers 200 either way).
func evaluatedOK(body []byte) error {
	if !bytes.Contains(body, []byte(`"status":"ok"`)) {
		return errors.New(`the courier's result is not "ok"`)
	}
	return nil
}
