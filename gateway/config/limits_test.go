package config

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

// TestConfiguredFetchLimitIsSharedThroughRedis builds two gateways from
// one file on a real Redis: limits.fetch_burst is one budget for a client
// across both, and another client keeps its own.
func TestConfiguredFetchLimitIsSharedThroughRedis(t *testing.T) {
	r := redistest.Single(t)
	f := newFixture(t)
	doc := f.gatewayDoc()
	edit(t, doc, "limits.fetch_rate", 1)
	edit(t, doc, "limits.fetch_burst", 16)
	handlers := twoGatewaysOnRedis(t, f, doc, r)
	fetch := func(h http.Handler, client string) int {
		req := httptest.NewRequest(http.MethodGet, "/v1/buckets/1", nil)
		req.RemoteAddr = client + ":40000"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := range 16 {
		if code := fetch(handlers[i%2], "192.0.2.50"); code != http.StatusOK {
			t.Fatalf("fetch %d within the burst: %d", i, code)
		}
	}
	for i, h := range handlers {
		// A slow run may have refilled a token (1/s), so a few tries.
		refused := false
		for range 3 {
			if refused = fetch(h, "192.0.2.50") == http.StatusTooManyRequests; refused {
				break
			}
		}
		if !refused {
			t.Fatalf("gateway %d past the shared burst: never 429", i+1)
		}
	}
	if code := fetch(handlers[1], "192.0.2.51"); code != http.StatusOK {
		t.Fatalf("another client: %d", code)
	}
}

// twoGatewaysOnRedis builds two gateways from doc, both on the Redis r
// under one prefix, as two processes of a deployment would run, and
// returns their handlers. Only the push courier is kept: fetches then read
// only the store.
func twoGatewaysOnRedis(t *testing.T, f *fixture, doc map[string]any, r *redistest.SingleRedis) []http.Handler {
	t.Helper()
	edit(t, doc, "redis.addrs", []any{r.Addr})
	edit(t, doc, "redis.key_prefix", r.Prefix(t))
	doc["couriers"] = doc["couriers"].([]any)[:1]
	g, err := parseGateway(marshal(t, doc), f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	var handlers []http.Handler
	for range 2 {
		gw, closer, err := g.Build(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { closer.Close() })
		handlers = append(handlers, gw.Handler())
	}
	return handlers
}
