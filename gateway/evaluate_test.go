package gateway

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/ratelimit"
)

func evaluateBody(parts ...api.CourierEvaluation) api.EvaluateRequest {
	return api.EvaluateRequest{Requests: parts}
}

func decodeResults(t *testing.T, body []byte) map[string]api.EvaluateResult {
	t.Helper()
	var res api.EvaluateResponse
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	out := map[string]api.EvaluateResult{}
	for _, r := range res.Results {
		out[r.Courier] = r
	}
	return out
}

func TestEvaluateFansOutToEveryCourierAndProofsVerify(t *testing.T) {
	h := newHarness(t)
	inputs := map[string][]byte{}
	blindings := map[string]*crypto.Blinding{}
	var parts []api.CourierEvaluation
	for _, id := range []string{"alpha", "beta", "gamma"} {
		inputs[id] = crypto.Input(id, "ABC123456", "")
		b, err := crypto.Blind(h.hosts[id].key.Public(), [][]byte{inputs[id]})
		if err != nil {
			t.Fatal(err)
		}
		blindings[id] = b
		parts = append(parts, api.CourierEvaluation{Courier: id, KeyID: h.kid(id), Blinded: []crypto.B64{b.Elements[0]}})
	}
	status, _, body := h.do(http.MethodPost, "/v1/evaluate", mustJSON(t, evaluateBody(parts...)), nil)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	results := decodeResults(t, body)
	for id, b := range blindings {
		r := results[id]
		if r.Status != api.StatusOK {
			t.Fatalf("%s: status %q", id, r.Status)
		}
		ys, err := b.Finalize([][]byte{r.Evaluated[0]}, r.Proof)
		if err != nil {
			t.Fatalf("%s: finalize: %v", id, err)
		}
		want, _ := h.hosts[id].key.FullEvaluate(inputs[id])
		if string(ys[0]) != string(want) {
			t.Fatalf("%s: y differs from the courier's own", id)
		}
	}
}

func TestEvaluateInvalidPartsAreConfinedToTheirCourier(t *testing.T) {
	identity := make([]byte, crypto.ElementSize)
	nonCanonical := make([]byte, crypto.ElementSize)
	for i := range nonCanonical {
		nonCanonical[i] = 0xff // not a canonical field element
	}
	cases := []struct {
		name string
		part func(h *harness) api.CourierEvaluation
	}{
		{"identity element", func(h *harness) api.CourierEvaluation {
			return api.CourierEvaluation{Courier: "beta", KeyID: h.kid("beta"), Blinded: []crypto.B64{identity}}
		}},
		{"short element", func(h *harness) api.CourierEvaluation {
			return api.CourierEvaluation{Courier: "beta", KeyID: h.kid("beta"), Blinded: []crypto.B64{h.blindFor("beta")[:31]}}
		}},
		{"long element", func(h *harness) api.CourierEvaluation {
			return api.CourierEvaluation{Courier: "beta", KeyID: h.kid("beta"), Blinded: []crypto.B64{append(h.blindFor("beta"), 0)}}
		}},
		{"non-canonical element", func(h *harness) api.CourierEvaluation {
			return api.CourierEvaluation{Courier: "beta", KeyID: h.kid("beta"), Blinded: []crypto.B64{nonCanonical}}
		}},
		{"unknown courier", func(h *harness) api.CourierEvaluation {
			return api.CourierEvaluation{Courier: "nobody", KeyID: h.kid("beta"), Blinded: []crypto.B64{h.blindFor("beta")}}
		}},
		{"unknown kid", func(h *harness) api.CourierEvaluation {
			return api.CourierEvaluation{Courier: "beta", KeyID: h.kid("alpha"), Blinded: []crypto.B64{h.blindFor("beta")}}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			good := api.CourierEvaluation{Courier: "alpha", KeyID: h.kid("alpha"), Blinded: []crypto.B64{h.blindFor("alpha")}}
			bad := c.part(h)
			status, _, body := h.do(http.MethodPost, "/v1/evaluate", mustJSON(t, evaluateBody(good, bad)), nil)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			results := decodeResults(t, body)
			if results["alpha"].Status != api.StatusOK {
				t.Fatalf("good courier: %q", results["alpha"].Status)
			}
			if got := results[bad.Courier].Status; got != api.StatusInvalid {
				t.Fatalf("bad part: status %q, want invalid", got)
			}
			if n := h.hosts["beta"].evaluateCalls(); n != 0 {
				t.Fatalf("an invalid part reached the courier host (%d calls)", n)
			}
		})
	}
}

func TestEvaluateRejectsMalformedRequestsAsAWhole(t *testing.T) {
	h := newHarness(t)
	elem := crypto.EncodeB64(h.blindFor("alpha"))
	many := func(n int, item string) string { return strings.TrimSuffix(strings.Repeat(item+",", n), ",") }
	part := func(courier string, elems int) string {
		return `{"courier":"` + courier + `","kid":"` + h.kid("alpha") + `","blinded":[` + many(elems, `"`+elem+`"`) + `]}`
	}
	var couriers []string
	for i := 0; i < crypto.MaxCouriers+1; i++ {
		couriers = append(couriers, part("alpha", 1))
	}
	cases := []struct {
		name, body string
		status     int
	}{
		{"not JSON", `{"requests":`, http.StatusBadRequest},
		{"trailing data", `{"requests":[` + part("alpha", 1) + `]} x`, http.StatusBadRequest},
		{"wrong type", `{"requests":{}}`, http.StatusBadRequest},
		{"bad base64", `{"requests":[{"courier":"alpha","kid":"x","blinded":["not*base64"]}]}`, http.StatusBadRequest},
		{"padded base64", `{"requests":[{"courier":"alpha","kid":"x","blinded":["` + elem + `="]}]}`, http.StatusBadRequest},
		{"no couriers", `{"requests":[]}`, http.StatusBadRequest},
		{"too many elements", `{"requests":[` + part("alpha", crypto.MaxBatch+1) + `]}`, http.StatusBadRequest},
		{"no elements", `{"requests":[` + part("alpha", 0) + `]}`, http.StatusBadRequest},
		{"too many couriers", `{"requests":[` + strings.Join(couriers, ",") + `]}`, http.StatusBadRequest},
		{"repeated courier", `{"requests":[` + part("alpha", 1) + `,` + part("alpha", 1) + `]}`, http.StatusBadRequest},
		{"oversized body", `{"requests":[],"pad":"` + strings.Repeat("x", 70<<10) + `"}`, http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, header, body := h.do(http.MethodPost, "/v1/evaluate", []byte(c.body), nil)
			if status != c.status {
				t.Fatalf("status %d, want %d: %s", status, c.status, body)
			}
			assertProblem(t, header, body, status)
		})
	}
	if n := h.hosts["alpha"].evaluateCalls(); n != 0 {
		t.Fatalf("malformed requests reached the courier host (%d calls)", n)
	}
}

func TestEvaluateAnswersByTheDeadlineWithPerCourierStatus(t *testing.T) {
	h := newHarness(t)
	h.hosts["beta"].delay = 5 * time.Second
	h.hosts["gamma"].fail = api.ErrRateLimited
	var parts []api.CourierEvaluation
	for _, id := range []string{"alpha", "beta", "gamma"} {
		parts = append(parts, api.CourierEvaluation{Courier: id, KeyID: h.kid(id), Blinded: []crypto.B64{h.blindFor(id)}})
	}
	status, _, body := h.do(http.MethodPost, "/v1/evaluate", mustJSON(t, evaluateBody(parts...)), nil)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	results := decodeResults(t, body)
	want := map[string]string{"alpha": api.StatusOK, "beta": api.StatusTimeout, "gamma": api.StatusRateLimited}
	for id, st := range want {
		if results[id].Status != st {
			t.Errorf("%s: status %q, want %q", id, results[id].Status, st)
		}
	}
}

func TestEvaluateMapsHostFailuresToStatuses(t *testing.T) {
	cases := []struct {
		fail error
		want string
	}{
		{api.ErrUnavailable, api.StatusUnavailable},
		{api.ErrUnknownKey, api.StatusInvalid},
		{api.ErrInvalidInput, api.StatusInvalid},
		{api.ErrRateLimited, api.StatusRateLimited},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			h := newHarness(t)
			h.hosts["alpha"].fail = c.fail
			part := api.CourierEvaluation{Courier: "alpha", KeyID: h.kid("alpha"), Blinded: []crypto.B64{h.blindFor("alpha")}}
			_, _, body := h.do(http.MethodPost, "/v1/evaluate", mustJSON(t, evaluateBody(part)), nil)
			if got := decodeResults(t, body)["alpha"].Status; got != c.want {
				t.Fatalf("status %q, want %q", got, c.want)
			}
		})
	}
}

func TestEvaluateIsRateLimitedPerClient(t *testing.T) {
	// The burst is raised to ratelimit.MinEvaluateBurst (128): full
	// batches of 8 take 16 requests to spend it.
	h := newHarness(t, func(c *Config) { c.EvaluateRate, c.EvaluateBurst = 0.001, 3 })
	full := make([]crypto.B64, crypto.MaxBatch)
	for i := range full {
		full[i] = h.blindFor("alpha")
	}
	part := api.CourierEvaluation{Courier: "alpha", KeyID: h.kid("alpha"), Blinded: full}
	for i := range ratelimit.MinEvaluateBurst / crypto.MaxBatch {
		if status, _, body := h.do(http.MethodPost, "/v1/evaluate", mustJSON(t, evaluateBody(part)), nil); status != http.StatusOK {
			t.Fatalf("request %d: %d %s", i, status, body)
		}
	}
	status, header, body := h.do(http.MethodPost, "/v1/evaluate", mustJSON(t, evaluateBody(part)), nil)
	if status != http.StatusTooManyRequests {
		t.Fatalf("second request: status %d, want 429", status)
	}
	assertProblem(t, header, body, status)
	if header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}
