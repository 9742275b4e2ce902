package benchmark

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/config"
	"github.com/trackgate/trackgate/gateway/remotehost"
	"github.com/trackgate/trackgate/gateway/signing"
)

// fanoutSizes are the numbers of couriers an evaluation is fanned out to.
var fanoutSizes = []int{1, 4, 16}

// fanout times one POST /v1/evaluate with an element for each of n
// couriers whose hosts answer after the profile's delay, against asking
// the same n hosts directly, all at once, with the signed requests the
// gateway itself sends (remotehost): the time of the slowest courier. The
// difference is what the gateway adds to the slowest courier.
func (b *bench) fanout(ctx context.Context) ([]Figure, error) {
	g, err := b.dep.fanoutGateway(ctx)
	if err != nil {
		return nil, err
	}
	hosts := b.dep.fanoutHosts
	// One valid element serves for every courier: a host cannot tell.
	blinding, err := crypto.Blind(hosts[0].oprf.Public(), [][]byte{[]byte("fan-out")})
	if err != nil {
		return nil, err
	}
	element := blinding.Elements[0]
	signer := &signing.Signer{KeyID: config.GatewayKeyID, Key: b.dep.gatewayKey}
	direct := make([]*remotehost.Client, len(hosts))
	for i, h := range hosts {
		direct[i] = remotehost.New(h.server.URL, signer.For(h.spec.id), h.signingPublic(), nil)
	}
	var figures []Figure
	for _, n := range fanoutSizes {
		parts := make([]api.CourierEvaluation, n)
		for i := range parts {
			parts[i] = api.CourierEvaluation{Courier: hosts[i].spec.id, KeyID: hosts[i].kid(), Blinded: []crypto.B64{element}}
		}
		body, err := json.Marshal(api.EvaluateRequest{Requests: parts})
		if err != nil {
			return nil, err
		}
		measured := sequential(func(ctx context.Context, _ int) error {
			return evaluateAll(ctx, g.URL+"/v1/evaluate", body, n)
		})
		baseline := sequential(func(ctx context.Context, _ int) error {
			var eg errgroup.Group
			for i := range n {
				eg.Go(func() error {
					_, _, err := direct[i].Evaluate(ctx, hosts[i].kid(), [][]byte{element})
					return err
				})
			}
			return eg.Wait()
		})
		id := fmt.Sprintf("fanout-%d", n)
		r, err := b.interleave(ctx, id, b.profile.Latency, measured, baseline, showLatency)
		if err != nil {
			return nil, err
		}
		f := latencyFigure(id, fmt.Sprintf("evaluation fanned out to %s answering after %s", plural(n, "courier host"), b.profile.FanoutDelay),
			fmt.Sprintf("POST /v1/evaluate with one element for each of %s, through the fan-out gateway", plural(n, "courier")),
			fmt.Sprintf("the same %s asked directly and at once with the gateway's signed requests, until the slowest answers", plural(n, "host")), r)
		figures = append(figures, f.withGoals(f.overheadAtMost(time.Millisecond)))
	}
	return figures, nil
}

// evaluateAll posts an evaluation and checks that all n couriers answered.
func evaluateAll(ctx context.Context, url string, body []byte, n int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	if err := checkStatus("evaluate", resp.StatusCode, http.StatusOK); err != nil {
		return err
	}
	if ok := bytes.Count(answer, []byte(`"status":"ok"`)); ok != n {
		return fmt.Errorf("evaluate: %d of %d couriers answered", ok, n)
	}
	return nil
}
