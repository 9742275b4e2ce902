package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// evaluateAll blinds one input per courier of dir, asks the gateway to
// evaluate all of them in one request, and checks every proof.
func evaluateAll(t *testing.T, top *topology, dir *api.Directory) api.EvaluateResponse {
	t.Helper()
	var req api.EvaluateRequest
	blindings := map[string]*crypto.Blinding{}
	for _, c := range dir.Couriers {
		pk, err := crypto.ParsePublicKey(c.Keys[0].PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		b, err := crypto.Blind(pk, [][]byte{crypto.Input(c.ID, "FANOUT0001", "")})
		if err != nil {
			t.Fatal(err)
		}
		blindings[c.ID] = b
		req.Requests = append(req.Requests, api.CourierEvaluation{
			Courier: c.ID, KeyID: c.Keys[0].KeyID, Blinded: []crypto.B64{b.Elements[0]},
		})
	}
	body, _ := json.Marshal(req)
	hreq, _ := http.NewRequest(http.MethodPost, top.gateway.URL+"/v1/evaluate", bytes.NewReader(body))
	hreq.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: &validatingTransport{t: t, v: top.validator}}).Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res api.EvaluateResponse
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != len(dir.Couriers) {
		t.Fatalf("%d results for %d couriers", len(res.Results), len(dir.Couriers))
	}
	for _, r := range res.Results {
		if r.Status != api.StatusOK {
			continue
		}
		evaluated := make([][]byte, len(r.Evaluated))
		for i, e := range r.Evaluated {
			evaluated[i] = e
		}
		if _, err := blindings[r.Courier].Finalize(evaluated, r.Proof); err != nil {
			t.Errorf("%s: the proof does not verify: %v", r.Courier, err)
		}
	}
	return res
}
