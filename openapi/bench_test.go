package openapi

import (
	"net/http"
	"testing"
)

func BenchmarkMiddlewareEvaluate(b *testing.B) {
	f := newFixture(b)
	engine := newTestEngine(b, 1<<20)
	body := f.evaluateBody(b, 16)
	headers := map[string]string{"Content-Type": jsonType}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if rec := serve(engine, http.MethodPost, "/v1/evaluate", body, headers); rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

func BenchmarkMiddlewarePublish1000(b *testing.B) {
	f := newFixture(b)
	engine := newTestEngine(b, 8<<20)
	body := f.publishBody(b, 1000)
	headers := f.signedHeaders(http.MethodPut, "/v1/couriers/yunda-sim/records", body)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if rec := serve(engine, http.MethodPut, "/v1/couriers/yunda-sim/records", body, headers); rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
