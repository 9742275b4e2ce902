package gateway

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/ratelimit"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/tenant"
	"github.com/trackgate/trackgate/openapi"
)

// Two marketplaces, as in issue 8: a Taobao-like and a JD-like shop.
const (
	taobaoOrigin = "https://shop.taobao.example"
	jdOrigin     = "https://mall.jd.example:8443"
	otherOrigin  = "https://evil.example"
)

// shops are the keys of the two test tenants; the gateway gets only their
// hashes.
type shops struct{ taobao, jd string }

func newShops(t testing.TB) shops {
	t.Helper()
	var s shops
	for _, k := range []*string{&s.taobao, &s.jd} {
		key, err := tenant.NewKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		*k = key
	}
	return s
}

func mustHash(t testing.TB, key string) tenant.Hash {
	t.Helper()
	h, err := tenant.HashKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// tenants registers both shops with small fetch quotas and the least
// evaluation burst, so a test can spend them.
func (s shops) tenants(t testing.TB) func(*Config) {
	return func(c *Config) {
		c.Tenants = []Tenant{
			{ID: "taobao-shop", Name: "Taobao-like shop", KeyHashes: []tenant.Hash{mustHash(t, s.taobao)},
				Origins: []string{taobaoOrigin}, EvaluateRate: 0.001, EvaluateBurst: ratelimit.MinEvaluateBurst, FetchRate: 0.001, FetchBurst: 3},
			{ID: "jd-shop", Name: "JD-like shop", KeyHashes: []tenant.Hash{mustHash(t, s.jd)},
				Origins: []string{jdOrigin, "http://127.0.0.1:5173"}, EvaluateRate: 0.001, EvaluateBurst: ratelimit.MinEvaluateBurst, FetchRate: 0.001, FetchBurst: 3},
		}
	}
}

// checked sends a request and checks the answer against the OpenAPI
// document before returning it.
func (h *harness) checked(method, path string, body []byte, header http.Header) (int, http.Header, []byte) {
	h.t.Helper()
	status, got, b := h.do(method, path, body, header)
	v, err := documentValidator()
	if err != nil {
		h.t.Fatal(err)
	}
	req := httptest.NewRequest(method, path, nil)
	if err := v.ValidateResponse(req, status, got, b); err != nil {
		h.t.Errorf("the answer does not match the document: %v", err)
	}
	return status, got, b
}

// documentValidator is built once: loading the document is slow.
var documentValidator = sync.OnceValues(func() (*openapi.Validator, error) {
	doc, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	return openapi.NewValidator(doc)
})

func keyed(key, origin string) http.Header {
	h := http.Header{}
	if key != "" {
		h.Set(APIKeyHeader, key)
	}
	if origin != "" {
		h.Set("Origin", origin)
	}
	return h
}

// evaluation8 is an evaluation of 8 elements for alpha.
func (h *harness) evaluation8() []byte {
	elem := h.blindFor("alpha")
	part := api.CourierEvaluation{Courier: "alpha", KeyID: h.kid("alpha"), Blinded: []crypto.B64{elem, elem, elem, elem, elem, elem, elem, elem}}
	return mustJSON(h.t, api.EvaluateRequest{Requests: []api.CourierEvaluation{part}})
}

func TestTenantsHaveQuotasOfTheirOwn(t *testing.T) {
	redisTenants := func(t *testing.T, c *Config) {
		r := redistest.Single(t)
		secret := []byte("a shared secret of the gateways")
		for i := range c.Tenants {
			tt := &c.Tenants[i]
			var err error
			tt.Limiter, err = ratelimit.NewRedis(r.Client, 1, tt.EvaluateBurst, secret, ratelimit.WithKeyPrefix(ratelimit.TenantEvaluateKeyPrefix))
			if err != nil {
				t.Fatal(err)
			}
			tt.FetchLimiter, _ = ratelimit.NewRedis(r.Client, 1, tt.FetchBurst, secret, ratelimit.WithKeyPrefix(ratelimit.TenantFetchKeyPrefix))
		}
	}
	for name, shared := range map[string]func(*testing.T, *Config){"memory": nil, "redis": redisTenants} {
		t.Run(name, func(t *testing.T) {
			s := newShops(t)
			h := newHarness(t, s.tenants(t), func(c *Config) {
				if shared != nil {
					shared(t, c)
				}
			})
			bucket := "/v1/buckets/" + crypto.FormatBucket(3)
			t.Run("fetches", func(t *testing.T) {
				for i := range 3 {
					if status, _, body := h.checked(http.MethodGet, bucket, nil, keyed(s.taobao, taobaoOrigin)); status != http.StatusOK {
						t.Fatalf("taobao fetch %d: %d %s", i, status, body)
					}
				}
				status, header, _ := h.checked(http.MethodGet, bucket, nil, keyed(s.taobao, taobaoOrigin))
				if status != http.StatusTooManyRequests || header.Get("Retry-After") == "" {
					t.Fatalf("taobao over its quota: %d (Retry-After %q), want 429 with Retry-After", status, header.Get("Retry-After"))
				}
				if header.Get("Access-Control-Allow-Origin") != taobaoOrigin {
					t.Error("the 429 carries no CORS header: the shop's page cannot read it")
				}
				for i := range 3 {
					if status, _, _ := h.checked(http.MethodGet, bucket, nil, keyed(s.jd, jdOrigin)); status != http.StatusOK {
						t.Fatalf("jd fetch %d after taobao spent its quota: %d", i, status)
					}
				}
				for i := range 5 {
					if status, _, _ := h.checked(http.MethodGet, bucket, nil, nil); status != http.StatusOK {
						t.Fatalf("keyless fetch %d after the tenants spent theirs: %d", i, status)
					}
				}
			})
			t.Run("evaluations", func(t *testing.T) {
				requests := ratelimit.MinEvaluateBurst / 8
				for i := range requests {
					if status, _, body := h.checked(http.MethodPost, "/v1/evaluate", h.evaluation8(), keyed(s.jd, "")); status != http.StatusOK {
						t.Fatalf("jd evaluation %d of %d: %d %s", i, requests, status, body)
					}
				}
				status, _, body := h.checked(http.MethodPost, "/v1/evaluate", h.evaluation8(), keyed(s.jd, ""))
				if status != http.StatusTooManyRequests || !strings.Contains(string(body), "API key") {
					t.Fatalf("jd over its quota: %d %s, want 429 naming the key's quota", status, body)
				}
				if status, _, _ := h.checked(http.MethodPost, "/v1/evaluate", h.evaluation8(), keyed(s.taobao, "")); status != http.StatusOK {
					t.Fatalf("taobao after jd spent its evaluations: %d", status)
				}
				if status, _, _ := h.checked(http.MethodPost, "/v1/evaluate", h.evaluation8(), nil); status != http.StatusOK {
					t.Fatalf("keyless client after jd spent its evaluations: %d", status)
				}
			})
		})
	}
}

// TestTenantQuotaIsSharedByGatewaysThroughRedis: two gateways on one
// Redis charge a tenant one quota, and Redis holds neither the key, nor
// its hash, nor the tenant's id.
func TestTenantQuotaIsSharedByGatewaysThroughRedis(t *testing.T) {
	r := redistest.Single(t)
	s := newShops(t)
	secret := []byte("a shared secret of the gateways")
	shared := func(c *Config) {
		for i := range c.Tenants {
			tt := &c.Tenants[i]
			tt.Limiter, _ = ratelimit.NewRedis(r.Client, 1, tt.EvaluateBurst, secret, ratelimit.WithKeyPrefix(ratelimit.TenantEvaluateKeyPrefix))
			tt.FetchLimiter, _ = ratelimit.NewRedis(r.Client, 1, tt.FetchBurst, secret, ratelimit.WithKeyPrefix(ratelimit.TenantFetchKeyPrefix))
		}
	}
	gw1 := newHarness(t, s.tenants(t), shared)
	gw2 := newHarness(t, s.tenants(t), shared)
	bucket := "/v1/buckets/" + crypto.FormatBucket(5)
	for i, h := range []*harness{gw1, gw2, gw1} {
		if status, _, _ := h.do(http.MethodGet, bucket, nil, keyed(s.taobao, "")); status != http.StatusOK {
			t.Fatalf("fetch %d: %d", i, status)
		}
	}
	if status, _, _ := gw2.do(http.MethodGet, bucket, nil, keyed(s.taobao, "")); status != http.StatusTooManyRequests {
		t.Fatalf("the fourth fetch, on the second gateway: %d, want 429: the quota is not shared", status)
	}
	if status, _, _ := gw2.do(http.MethodGet, bucket, nil, keyed(s.jd, "")); status != http.StatusOK {
		t.Fatalf("jd on the second gateway: %d", status)
	}
	keys, err := r.Client.Keys(t.Context(), "*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("Redis keys %v (err %v): the test would prove nothing", keys, err)
	}
	for _, k := range keys {
		v, _ := r.Client.Get(t.Context(), k).Result()
		for _, secret := range []string{s.taobao, s.taobao[len(tenant.KeyPrefix):], mustHash(t, s.taobao).String(), "taobao-shop", "jd-shop"} {
			if strings.Contains(k, secret) || strings.Contains(v, secret) {
				t.Fatalf("Redis entry %q holds a key, a key hash or a tenant id", k)
			}
		}
	}
}

func TestTenantKeysAndOrigins(t *testing.T) {
	s := newShops(t)
	h := newHarness(t, s.tenants(t), func(c *Config) {
		c.Tenants = append(c.Tenants, Tenant{ID: "docs-site", Name: "Origin only", Origins: []string{"https://docs.example"}})
	})
	unknown, _ := tenant.NewKey(rand.Reader)
	tests := []struct {
		name       string
		header     http.Header
		wantStatus int
		wantCORS   string // the expected Access-Control-Allow-Origin, "" for none
	}{
		{"no key, no origin", nil, http.StatusOK, ""},
		{"no key, a tenant's origin", keyed("", taobaoOrigin), http.StatusOK, taobaoOrigin},
		{"no key, an origin-only tenant's origin", keyed("", "https://docs.example"), http.StatusOK, "https://docs.example"},
		{"no key, an origin no tenant allows", keyed("", otherOrigin), http.StatusOK, ""},
		{"no key, the null origin", keyed("", "null"), http.StatusOK, ""},
		{"key from its own origin", keyed(s.taobao, taobaoOrigin), http.StatusOK, taobaoOrigin},
		{"key from its second origin", keyed(s.jd, "http://127.0.0.1:5173"), http.StatusOK, "http://127.0.0.1:5173"},
		{"key without an origin (a server)", keyed(s.taobao, ""), http.StatusOK, ""},
		{"key from the other tenant's origin", keyed(s.taobao, jdOrigin), http.StatusForbidden, ""},
		{"key from an origin no tenant allows", keyed(s.jd, otherOrigin), http.StatusForbidden, ""},
		{"unknown key", keyed(unknown, ""), http.StatusUnauthorized, ""},
		{"unknown key from a tenant's origin", keyed(unknown, taobaoOrigin), http.StatusUnauthorized, taobaoOrigin},
		{"malformed key", keyed("tg1pk_short", ""), http.StatusUnauthorized, ""},
		{"the key's hash instead of the key", keyed(mustHash(t, s.taobao).String(), ""), http.StatusUnauthorized, ""},
		{"empty key", http.Header{APIKeyHeader: {""}}, http.StatusUnauthorized, ""},
		{"two keys", http.Header{APIKeyHeader: {s.taobao, s.jd}}, http.StatusUnauthorized, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/v1/couriers", "/v1/buckets/0"} {
				status, header, body := h.checked(http.MethodGet, path, nil, tt.header)
				if status != tt.wantStatus {
					t.Fatalf("GET %s: %d %s, want %d", path, status, body, tt.wantStatus)
				}
				if status >= 400 {
					if ct := header.Get("Content-Type"); ct != problem.ContentType {
						t.Errorf("GET %s: refused as %q, want problem+json", path, ct)
					}
				}
				if got := header.Get("Access-Control-Allow-Origin"); got != tt.wantCORS {
					t.Errorf("GET %s: Access-Control-Allow-Origin %q, want %q", path, got, tt.wantCORS)
				}
				if tt.wantCORS != "" && header.Get("Access-Control-Expose-Headers") != "ETag, Retry-After" {
					t.Errorf("GET %s: Access-Control-Expose-Headers %q", path, header.Get("Access-Control-Expose-Headers"))
				}
				if header.Get("Vary") != "Origin" {
					t.Errorf("GET %s: Vary %q, want Origin: the answer depends on it", path, header.Get("Vary"))
				}
			}
		})
	}
}

// TestRefusedKeyChangesNothing: a request with an unknown key reaches no
// courier host and spends nobody's budget.
func TestRefusedKeyChangesNothing(t *testing.T) {
	s := newShops(t)
	h := newHarness(t, s.tenants(t), func(c *Config) { c.EvaluateRate, c.EvaluateBurst = 0.001, ratelimit.MinEvaluateBurst })
	unknown, _ := tenant.NewKey(rand.Reader)
	for range ratelimit.MinEvaluateBurst/8 + 2 {
		if status, _, _ := h.do(http.MethodPost, "/v1/evaluate", h.evaluation8(), keyed(unknown, "")); status != http.StatusUnauthorized {
			t.Fatalf("unknown key: %d, want 401", status)
		}
	}
	if n := h.hosts["alpha"].evaluateCalls(); n != 0 {
		t.Fatalf("%d evaluations with an unknown key reached the courier host", n)
	}
	if status, _, _ := h.do(http.MethodPost, "/v1/evaluate", h.evaluation8(), nil); status != http.StatusOK {
		t.Fatalf("the client's own budget was charged for refused requests: %d", status)
	}
}

func TestPreflights(t *testing.T) {
	s := newShops(t)
	h := newHarness(t, s.tenants(t))
	paths := []string{"/v1/couriers", "/v1/evaluate", "/v1/buckets/3", "/v1/records/AAAAAAAAAAAAAAAAAAAAAA", "/v1/demo/parcels"}
	preflight := func(origin string) http.Header {
		h := http.Header{"Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"content-type,tg-api-key"}}
		if origin != "" {
			h.Set("Origin", origin)
		}
		return h
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			for _, origin := range []string{taobaoOrigin, jdOrigin} {
				status, header, body := h.checked(http.MethodOptions, path, nil, preflight(origin))
				if status != http.StatusNoContent || len(body) != 0 {
					t.Fatalf("preflight from %s: %d %s, want 204", origin, status, body)
				}
				want := map[string]string{
					"Access-Control-Allow-Origin":  origin,
					"Vary":                         "Origin",
					"Access-Control-Allow-Methods": "GET, POST",
					"Access-Control-Allow-Headers": "Content-Type, TG-Api-Key, If-None-Match",
					"Access-Control-Max-Age":       "600",
				}
				for name, value := range want {
					if got := header.Get(name); got != value {
						t.Errorf("preflight from %s: %s %q, want %q", origin, name, got, value)
					}
				}
			}
			for _, origin := range []string{otherOrigin, "null", ""} {
				status, header, _ := h.checked(http.MethodOptions, path, nil, preflight(origin))
				if status != http.StatusForbidden || header.Get("Content-Type") != problem.ContentType {
					t.Fatalf("preflight from %q: %d %q, want 403 problem+json", origin, status, header.Get("Content-Type"))
				}
				for name := range header {
					if strings.HasPrefix(name, "Access-Control-") {
						t.Errorf("refused preflight from %q carries %s", origin, name)
					}
				}
			}
		})
	}
	t.Run("not on the publish route", func(t *testing.T) {
		if status, _, _ := h.do(http.MethodOptions, "/v1/couriers/alpha/records", nil, preflight(taobaoOrigin)); status != http.StatusMethodNotAllowed {
			t.Fatalf("preflight on the publish route: %d, want 405", status)
		}
	})
	t.Run("other methods are still 405", func(t *testing.T) {
		if status, _, _ := h.do(http.MethodDelete, "/v1/couriers", nil, keyed("", taobaoOrigin)); status != http.StatusMethodNotAllowed {
			t.Fatalf("DELETE: %d, want 405", status)
		}
	})
}

func TestWithoutTenantsCORSIsOff(t *testing.T) {
	h := newHarness(t)
	status, header, _ := h.checked(http.MethodOptions, "/v1/couriers", nil, http.Header{"Origin": {taobaoOrigin}, "Access-Control-Request-Method": {"GET"}})
	if status != http.StatusForbidden || header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("preflight without tenants: %d, ACAO %q; want 403 without CORS headers", status, header.Get("Access-Control-Allow-Origin"))
	}
	status, header, _ = h.checked(http.MethodGet, "/v1/couriers", nil, http.Header{"Origin": {taobaoOrigin}})
	if status != http.StatusOK || header.Get("Access-Control-Allow-Origin") != "" || header.Get("Vary") != "" {
		t.Fatalf("GET without tenants: %d, ACAO %q, Vary %q; want neither", status, header.Get("Access-Control-Allow-Origin"), header.Get("Vary"))
	}
}

// TestLogsNameTheTenantNeverTheKey: the request line names the tenant a
// key stands for, and no log line holds the key or its hash.
func TestLogsNameTheTenantNeverTheKey(t *testing.T) {
	s := newShops(t)
	h := newHarness(t, s.tenants(t))
	unknown, _ := tenant.NewKey(rand.Reader)
	h.do(http.MethodPost, "/v1/evaluate", h.evaluation8(), keyed(s.taobao, taobaoOrigin))
	h.do(http.MethodGet, "/v1/buckets/1", nil, keyed(s.jd, otherOrigin))
	h.do(http.MethodGet, "/v1/couriers", nil, keyed(unknown, ""))
	logs := h.logText()
	if !strings.Contains(logs, "tenant=taobao-shop") {
		t.Fatalf("the request line does not name the tenant:\n%s", logs)
	}
	for _, secret := range []string{s.taobao, s.jd, unknown, s.taobao[len(tenant.KeyPrefix):][:16], mustHash(t, s.taobao).String()} {
		if strings.Contains(logs, secret) {
			t.Fatalf("the logs carry an API key or its hash:\n%s", logs)
		}
	}
}

func TestNewRefusesBadTenants(t *testing.T) {
	key, _ := tenant.NewKey(rand.Reader)
	hash := mustHash(t, key)
	tests := []struct {
		name    string
		tenants []Tenant
		want    string
	}{
		{"bad id", []Tenant{{ID: "Taobao", Name: "x", Origins: []string{taobaoOrigin}}}, "tenants[0].id"},
		{"duplicate id", []Tenant{{ID: "shop", Name: "x", Origins: []string{taobaoOrigin}}, {ID: "shop", Name: "y", Origins: []string{jdOrigin}}}, "tenants[1].id"},
		{"no name", []Tenant{{ID: "shop", Origins: []string{taobaoOrigin}}}, "tenants[0].name"},
		{"neither keys nor origins", []Tenant{{ID: "shop", Name: "x"}}, "api_key_hashes, origins"},
		{"shared key", []Tenant{{ID: "a-shop", Name: "x", KeyHashes: []tenant.Hash{hash}}, {ID: "b-shop", Name: "y", KeyHashes: []tenant.Hash{hash}}}, "tenants[1].api_key_hashes[0]"},
		{"wildcard with keys", []Tenant{{ID: "shop", Name: "x", KeyHashes: []tenant.Hash{hash}, Origins: []string{"*"}}}, "tenants[0].origins[0]"},
		{"origin with a path", []Tenant{{ID: "shop", Name: "x", Origins: []string{taobaoOrigin + "/"}}}, "tenants[0].origins[0]"},
		{"wildcard host", []Tenant{{ID: "shop", Name: "x", Origins: []string{"https://*.taobao.example"}}}, "tenants[0].origins[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validConfig(t)
			cfg.Tenants = tt.tenants
			_, err := New(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v, want an error naming %s", err, tt.want)
			}
		})
	}
	cfg := validConfig(t)
	cfg.Tenants = []Tenant{{ID: "public", Name: "Any page, no key", Origins: []string{"*"}}}
	if _, err := New(cfg); err != nil {
		t.Fatalf("a keyless tenant allowing every origin was refused: %v", err)
	}
}

// TestAnyOriginTenantAllowsEveryOriginButNull: "*" lets every page read
// keyless answers, except the "null" origin of sandboxed frames and local
// files, which any page can take on.
func TestAnyOriginTenantAllowsEveryOriginButNull(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Tenants = []Tenant{{ID: "public", Name: "Any page, no key", Origins: []string{tenant.AnyOrigin}}}
	})
	for origin, want := range map[string]string{otherOrigin: otherOrigin, "http://localhost:3000": "http://localhost:3000", "null": ""} {
		_, header, _ := h.checked(http.MethodGet, "/v1/couriers", nil, keyed("", origin))
		if got := header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("origin %q: Access-Control-Allow-Origin %q, want %q", origin, got, want)
		}
		status, _, _ := h.checked(http.MethodOptions, "/v1/evaluate", nil, keyed("", origin))
		if wantStatus := map[bool]int{true: http.StatusNoContent, false: http.StatusForbidden}[want != ""]; status != wantStatus {
			t.Errorf("preflight from %q: %d, want %d", origin, status, wantStatus)
		}
	}
}

// validConfig is the least configuration New accepts: one pull courier.
func validConfig(t testing.TB) Config {
	return Config{
		BucketBits: testBucketBits,
		Store:      memory.New(store.Limits{BucketBits: testBucketBits}),
		Couriers:   []Courier{{ID: "gamma", Name: "Gamma", Factor: crypto.FactorNone, Mode: api.ModePull, Host: newScriptedHost(t)}},
	}
}
