package config

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/tenant"
)

// tenantDoc is a valid gateway file with two shops, a Taobao-like and a
// JD-like one, and returns their keys; the file holds only the hashes.
func tenantDoc(t *testing.T, f *fixture) (doc map[string]any, taobaoKey, jdKey string) {
	t.Helper()
	doc = f.gatewayDoc()
	var keys, hashes []string
	for range 2 {
		k, err := tenant.NewKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := tenant.HashKey(k)
		keys, hashes = append(keys, k), append(hashes, h.String())
	}
	doc["tenants"] = []any{
		map[string]any{
			"id": "taobao-shop", "name": "Taobao-like shop",
			"api_key_hashes": []any{hashes[0]}, "origins": []any{"https://shop.taobao.example"},
			"limits": map[string]any{"evaluate_rate": 200, "evaluate_burst": 1280, "fetch_rate": 1, "fetch_burst": 16},
		},
		map[string]any{
			"id": "jd-shop", "name": "JD-like shop",
			"api_key_hashes": []any{hashes[1]}, "origins": []any{"https://mall.jd.example", "http://127.0.0.1:5173"},
			"limits": map[string]any{"evaluate_rate": 100, "fetch_rate": 300},
		},
		map[string]any{"id": "docs-site", "name": "Public docs", "origins": []any{"*"}},
	}
	return doc, keys[0], keys[1]
}

func TestTenantsSectionLoads(t *testing.T) {
	f := newFixture(t)
	doc, taobao, _ := tenantDoc(t, f)
	file := marshal(t, doc)
	if strings.Contains(string(file), taobao) {
		t.Fatal("the test's file holds a key")
	}
	g, err := parseGateway(file, f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := tenant.HashKey(taobao)
	if len(g.Tenants) != 3 || len(g.Tenants[0].keyHashes) != 1 || g.Tenants[0].keyHashes[0] != want {
		t.Fatalf("tenants %+v: the taobao key's hash was not loaded", g.Tenants)
	}
	if l := g.Tenants[1].Limits; l.EvaluateBurst != 128 || l.FetchBurst != DefaultFetchBurst {
		t.Errorf("jd limits %+v: bursts did not default to 128 and %d", l, DefaultFetchBurst)
	}
}

func TestTenantErrorsNameTheirField(t *testing.T) {
	f := newFixture(t)
	key, _ := tenant.NewKey(rand.Reader)
	secret, _ := tenant.Secret.New(rand.Reader)
	tests := []struct {
		name      string
		path      string
		value     any
		wantField string
		wantText  string
	}{
		{"id malformed", "tenants.0.id", "Taobao Shop", "tenants[0].id", "lower-case"},
		{"id twice", "tenants.1.id", "taobao-shop", "tenants[1].id", "already registered as tenants[0]"},
		{"no name", "tenants.0.name", nil, "tenants[0].name", "missing"},
		{"a key in clear", "tenants.0.api_keys", []any{key}, "tenants[0].api_keys", "api_key_hashes"},
		{"a key where its hash goes", "tenants.0.api_key_hashes", []any{key}, "tenants[0].api_key_hashes[0]", "treat this key as published"},
		{"a short hash", "tenants.0.api_key_hashes", []any{"abc123"}, "tenants[0].api_key_hashes[0]", "64 hex digits"},
		{"neither keys nor origins", "tenants.2.origins", nil, "tenants[2].api_key_hashes", "origins or secret_key_hashes"},
		{"a secret key in clear", "tenants.0.secret_keys", []any{secret}, "tenants[0].secret_keys", "secret_key_hashes"},
		{"a secret key where its hash goes", "tenants.0.secret_key_hashes", []any{secret}, "tenants[0].secret_key_hashes[0]", "replace this key"},
		{"a short secret hash", "tenants.0.secret_key_hashes", []any{"abc123"}, "tenants[0].secret_key_hashes[0]", "64 hex digits"},
		{"wildcard with keys", "tenants.0.origins", []any{"*"}, "tenants[0].origins[0]", "list the marketplace's origins"},
		{"origin with a path", "tenants.1.origins.0", "https://mall.jd.example/", "tenants[1].origins[0]", "no user, path"},
		{"wildcard host", "tenants.1.origins.0", "https://*.jd.example", "tenants[1].origins[0]", "wildcards"},
		{"default port", "tenants.1.origins.0", "https://mall.jd.example:443", "tenants[1].origins[0]", "default port"},
		{"upper case", "tenants.1.origins.0", "https://Mall.jd.example", "tenants[1].origins[0]", "lower case"},
		{"no evaluate rate", "tenants.1.limits.evaluate_rate", nil, "tenants[1].limits.evaluate_rate", "e.g. 200"},
		{"no fetch rate", "tenants.1.limits.fetch_rate", nil, "tenants[1].limits.fetch_rate", "e.g. 600"},
		{"evaluate burst below the largest request", "tenants.0.limits.evaluate_burst", 64, "tenants[0].limits.evaluate_burst", "at least 128"},
		{"fetch burst below a round", "tenants.0.limits.fetch_burst", 8, "tenants[0].limits.fetch_burst", "at least 16"},
		{"limits without keys", "tenants.2.limits", map[string]any{"evaluate_rate": 5}, "tenants[2].limits", "never charged"},
		{"unknown field", "tenants.0.origin", "https://x.example", "tenants[0].origin", "origins"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _, _ := tenantDoc(t, f)
			edit(t, doc, tt.path, tt.value)
			_, err := parseGateway(marshal(t, doc), f.dir, f.opts())
			if err == nil {
				t.Fatal("accepted")
			}
			fe := fieldOf(t, err)
			if fe.Field != tt.wantField || !strings.Contains(fe.Problem, tt.wantText) {
				t.Fatalf("error %q, want field %s and %q", err, tt.wantField, tt.wantText)
			}
			if strings.Contains(err.Error(), key) || strings.Contains(err.Error(), secret) {
				t.Errorf("the error repeats the key: %v", err)
			}
		})
	}
	t.Run("a secret key's hash that is another tenant's API key hash", func(t *testing.T) {
		doc, _, _ := tenantDoc(t, f)
		shared := doc["tenants"].([]any)[0].(map[string]any)["api_key_hashes"]
		edit(t, doc, "tenants.1.secret_key_hashes", shared)
		_, err := parseGateway(marshal(t, doc), f.dir, f.opts())
		if fe := fieldOf(t, err); fe.Field != "tenants[1].secret_key_hashes[0]" || !strings.Contains(fe.Problem, "taobao-shop") {
			t.Fatalf("error %v, want tenants[1].secret_key_hashes[0] naming taobao-shop", err)
		}
	})
	t.Run("a tenant with secret keys only", func(t *testing.T) {
		doc, _, _ := tenantDoc(t, f)
		h, _ := tenant.Secret.Hash(secret)
		edit(t, doc, "tenants.2", map[string]any{"id": "backend-shop", "name": "Back end", "secret_key_hashes": []any{h.String()}})
		g, err := parseGateway(marshal(t, doc), f.dir, f.opts())
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Tenants[2].secretKeyHashes; len(got) != 1 || got[0] != h {
			t.Fatalf("secret key hashes %v", got)
		}
	})
	t.Run("a hash shared by two tenants", func(t *testing.T) {
		doc, _, _ := tenantDoc(t, f)
		shared := doc["tenants"].([]any)[0].(map[string]any)["api_key_hashes"]
		edit(t, doc, "tenants.1.api_key_hashes", shared)
		_, err := parseGateway(marshal(t, doc), f.dir, f.opts())
		if fe := fieldOf(t, err); fe.Field != "tenants[1].api_key_hashes[0]" || !strings.Contains(fe.Problem, "taobao-shop") {
			t.Fatalf("error %v, want tenants[1].api_key_hashes[0] naming taobao-shop", err)
		}
	})
}

// TestConfiguredTenantQuotaIsSharedThroughRedis builds two gateways from
// one file on a real Redis: a tenant's fetch quota is one across both,
// the other tenant and keyless clients keep theirs, and Redis never holds
// a key.
func TestConfiguredTenantQuotaIsSharedThroughRedis(t *testing.T) {
	r := redistest.Single(t)
	f := newFixture(t)
	doc, taobao, jd := tenantDoc(t, f)
	handlers := twoGatewaysOnRedis(t, f, doc, r)
	fetch := func(h http.Handler, key string) int {
		req := httptest.NewRequest(http.MethodGet, "/v1/buckets/1", nil)
		if key != "" {
			req.Header.Set(gateway.APIKeyHeader, key)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := range 16 {
		if code := fetch(handlers[i%2], taobao); code != http.StatusOK {
			t.Fatalf("taobao fetch %d within its burst: %d", i, code)
		}
	}
	for i, h := range handlers {
		refused := false
		for range 3 { // a slow run may have refilled a token (1/s)
			if refused = fetch(h, taobao) == http.StatusTooManyRequests; refused {
				break
			}
		}
		if !refused {
			t.Fatalf("gateway %d past taobao's shared burst: never 429", i+1)
		}
	}
	if code := fetch(handlers[1], jd); code != http.StatusOK {
		t.Fatalf("jd after taobao spent its quota: %d", code)
	}
	if code := fetch(handlers[0], ""); code != http.StatusOK {
		t.Fatalf("a keyless client after taobao spent its quota: %d", code)
	}
	keys, err := r.Client.Keys(t.Context(), "*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("Redis keys %v (err %v): the test would prove nothing", keys, err)
	}
	for _, k := range keys {
		v, _ := r.Client.Get(t.Context(), k).Result()
		for _, secret := range []string{taobao, jd, taobao[len(tenant.KeyPrefix):], "taobao-shop"} {
			if strings.Contains(k, secret) || strings.Contains(v, secret) {
				t.Fatalf("Redis entry %q holds a key or a tenant id", k)
			}
		}
	}
}
