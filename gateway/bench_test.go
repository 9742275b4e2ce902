package gateway

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// The gateway's benchmarks run through its whole HTTP handler (routing,
// OpenAPI validation, decoding, fan-out, encoding) and report themselves
// against a baseline measured in the same run:
//
//   - BenchmarkEvaluate/direct is the courier's own Evaluate of one
//     element; /gateway is the same evaluation asked through the gateway.
//   - BenchmarkFetch/record fetches one record by locator (the fast way);
//     /bucket fetches the whole bucket holding it (the private way), with
//     records-per-bucket as in the embedded default.

func BenchmarkEvaluate(b *testing.B) {
	h := newHarness(b)
	elem := h.blindFor("alpha")
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := h.hosts["alpha"].key.Evaluate([][]byte{elem}); err != nil {
				b.Fatal(err)
			}
		}
	})
	body := mustJSON(b, api.EvaluateRequest{Requests: []api.CourierEvaluation{
		{Courier: "alpha", KeyID: h.kid("alpha"), Blinded: []crypto.B64{elem}},
	}})
	b.Run("gateway", func(b *testing.B) {
		handler := h.gw.Handler()
		for b.Loop() {
			req := httptest.NewRequest(http.MethodPost, "/v1/evaluate", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

func BenchmarkFetch(b *testing.B) {
	for _, perBucket := range []int{1, 16, 64} {
		h := newHarness(b)
		var target crypto.SealedRecord
		batch := make([]crypto.SealedRecord, 0, perBucket)
		for len(batch) < perBucket {
			r := h.sealedFor("alpha", 1)
			r.Locator[0] = 0 // all in bucket 0
			batch = append(batch, r)
		}
		target = batch[0]
		if status, body := h.publish(h.signers["alpha"], "alpha", mustJSON(b, api.Records{Records: batch})); status != http.StatusOK {
			b.Fatalf("publish: %d %s", status, body)
		}
		handler := h.gw.Handler()
		fetch := func(b *testing.B, path string) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		}
		b.Run(fmt.Sprintf("record/per-bucket=%d", perBucket), func(b *testing.B) {
			fetch(b, "/v1/records/"+crypto.EncodeB64(target.Locator))
		})
		b.Run(fmt.Sprintf("bucket/per-bucket=%d", perBucket), func(b *testing.B) {
			fetch(b, "/v1/buckets/0")
		})
	}
}
