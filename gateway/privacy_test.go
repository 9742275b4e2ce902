package gateway

import (
	"net/http"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// TestLogsHoldNoLocatorBucketElementQueryOrClientAddress guards a privacy
// invariant: whatever a client sends, the gateway's logs carry routes,
// statuses and counts only.
func TestLogsHoldNoLocatorBucketElementQueryOrClientAddress(t *testing.T) {
	h := newHarness(t)
	elem := h.blindFor("alpha")
	part := api.CourierEvaluation{Courier: "alpha", KeyID: h.kid("alpha"), Blinded: []crypto.B64{elem}}
	h.do(http.MethodPost, "/v1/evaluate?secret-query=QUERYMARK", mustJSON(t, api.EvaluateRequest{Requests: []api.CourierEvaluation{part}}), nil)
	h.hosts["gamma"].fail = api.ErrUnavailable
	rec := h.sealedFor("alpha", 1)
	h.publish(h.signers["alpha"], "alpha", mustJSON(t, api.Records{Records: []crypto.SealedRecord{rec}}))
	h.do(http.MethodGet, "/v1/records/"+crypto.EncodeB64(rec.Locator)+"?q=QUERYMARK", nil, nil)
	h.do(http.MethodGet, "/v1/buckets/"+crypto.FormatBucket(0xd), nil, http.Header{"X-Forwarded-For": {"203.0.113.77"}})
	h.do(http.MethodGet, "/v1/buckets/not-a-bucket", nil, nil)

	logs := h.logText()
	if !strings.Contains(logs, "/v1/records/:locator") {
		t.Fatalf("request lines missing from the logs:\n%s", logs)
	}
	for name, secret := range map[string]string{
		"locator":        crypto.EncodeB64(rec.Locator),
		"element":        crypto.EncodeB64(elem),
		"query string":   "QUERYMARK",
		"bucket":         "/v1/buckets/d",
		"bad bucket":     "not-a-bucket",
		"client address": "127.0.0.1",
		"forwarded for":  "203.0.113.77",
		"ciphertext":     crypto.EncodeB64(rec.Ciphertext)[:20],
	} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs carry a %s:\n%s", name, logs)
		}
	}
}
