package config

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/tenant"
)

func TestWebhooksSectionTakesItsDefaults(t *testing.T) {
	f := newFixture(t)
	g, err := parseGateway(marshal(t, f.gatewayDoc()), f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	w := g.Webhooks
	if w.AllowHTTPCallbacks || w.AllowPrivateCallbacks || w.Concurrency != 4 || w.Workers != 256 ||
		time.Duration(w.Timeout) != 10*time.Second || time.Duration(w.Retry.Initial) != 10*time.Second ||
		time.Duration(w.Retry.Max) != time.Hour || time.Duration(w.Retry.For) != 24*time.Hour ||
		time.Duration(w.DeadLetterTTL) != 30*24*time.Hour || w.MaxSubscriptions != 10000 ||
		time.Duration(w.ClaimTimeout) != time.Minute {
		t.Fatalf("defaults %+v", w)
	}
	o := w.options(nil, "")
	if o.Policy.AllowHTTP || o.Policy.AllowPrivate || o.Backend != nil {
		t.Fatalf("options %+v: callbacks must be https to public addresses, kept in memory without redis", o)
	}
	if push, pull := g.Couriers[0], g.Couriers[1]; push.WatchInterval != 0 || time.Duration(pull.WatchInterval) != time.Minute {
		t.Fatalf("watch intervals %s (push) and %s (pull), want none and 1m", time.Duration(push.WatchInterval), time.Duration(pull.WatchInterval))
	}
}

func TestWebhookErrorsNameTheirField(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name      string
		path      string
		value     any
		wantField string
		wantText  string
	}{
		{"negative concurrency", "webhooks.concurrency", -1, "webhooks.concurrency", "positive"},
		{"workers below concurrency", "webhooks.workers", 2, "webhooks.workers", "at least webhooks.concurrency"},
		{"a short timeout", "webhooks.timeout", "500ms", "webhooks.timeout", "from 1s to 30s"},
		{"a long timeout", "webhooks.timeout", "31s", "webhooks.timeout", "from 1s to 30s"},
		{"a hasty retry", "webhooks.retry.initial", "10ms", "webhooks.retry.initial", "at least 100ms"},
		{"a retry cap below its start", "webhooks.retry.max", "1s", "webhooks.retry.max", "retry.initial"},
		{"retries for less than a day", "webhooks.retry.for", "12h", "webhooks.retry.for", "24h"},
		{"dead letters kept an hour", "webhooks.dead_letter_ttl", "1h", "webhooks.dead_letter_ttl", "at least 1d"},
		{"no subscriptions", "webhooks.max_subscriptions", -5, "webhooks.max_subscriptions", "positive"},
		{"a claim timeout below three timeouts", "webhooks.claim_timeout", "20s", "webhooks.claim_timeout", "three times"},
		{"a busy poll", "webhooks.poll", "1ms", "webhooks.poll", "from 10ms"},
		{"an unknown field", "webhooks.allow_http", true, "webhooks.allow_http", "allow_http_callbacks"},
		{"watching a push courier", "couriers.0.watch_interval", "30s", "couriers[0].watch_interval", "only a pull-mode courier"},
		{"watching below the courier's floor", "couriers.1.watch_interval", "30s", "couriers[1].watch_interval", "min_watch_interval"},
		{"watching too often", "couriers.1.watch_interval", "100ms", "couriers[1].watch_interval", "at least 1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := f.gatewayDoc()
			if tt.wantText == "min_watch_interval" {
				edit(t, doc, "couriers.1.min_watch_interval", "2m")
			}
			edit(t, doc, tt.path, tt.value)
			_, err := parseGateway(marshal(t, doc), f.dir, f.opts())
			if err == nil {
				t.Fatal("accepted")
			}
			fe := fieldOf(t, err)
			if fe.Field != tt.wantField || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("error %q, want field %s and %q", err, tt.wantField, tt.wantText)
			}
		})
	}
	doc := f.gatewayDoc()
	edit(t, doc, "couriers.1.min_watch_interval", "2m")
	g, err := parseGateway(marshal(t, doc), f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(g.Couriers[1].WatchInterval) != 2*time.Minute {
		t.Fatalf("watch_interval %s with a floor of 2m and no value, want 2m", time.Duration(g.Couriers[1].WatchInterval))
	}
}

// TestConfiguredSubscriptionsAreSharedThroughRedis builds two gateways
// from one file on a real Redis: a subscription made through one is seen
// through the other, and Redis holds no key of the tenant.
func TestConfiguredSubscriptionsAreSharedThroughRedis(t *testing.T) {
	r := redistest.Single(t)
	f := newFixture(t)
	doc := f.gatewayDoc()
	secret, _ := tenant.Secret.New(rand.Reader)
	h, _ := tenant.Secret.Hash(secret)
	doc["tenants"] = []any{map[string]any{"id": "shop-a", "name": "Shop A", "secret_key_hashes": []any{h.String()}}}
	doc["webhooks"] = map[string]any{"allow_http_callbacks": true, "allow_private_callbacks": true}
	handlers := twoGatewaysOnRedis(t, f, doc, r)
	call := func(gw http.Handler, method, path string, body []byte) (int, []byte) {
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		gw.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	body := []byte(`{"locators":["AAAAAAAAAAAAAAAAAAAAAA"],"callback_url":"http://127.0.0.1:9/hook","secret":"` + strings.Repeat("s", 40) + `"}`)
	status, created := call(handlers[0], http.MethodPost, "/v1/subscriptions", body)
	if status != http.StatusCreated {
		t.Fatalf("subscribe through the first gateway: %d %s", status, created)
	}
	var s api.Subscription
	if err := json.Unmarshal(created, &s); err != nil {
		t.Fatal(err)
	}
	if status, got := call(handlers[1], http.MethodGet, "/v1/subscriptions/"+s.ID, nil); status != http.StatusOK || !strings.Contains(string(got), s.ID) {
		t.Fatalf("the second gateway: %d %s", status, got)
	}
	keys, err := r.Client.Keys(t.Context(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, k := range keys {
		found = found || strings.Contains(k, ":wh:")
		if v, _ := r.Client.Dump(t.Context(), k).Result(); strings.Contains(v, secret) || strings.Contains(k, secret) {
			t.Fatalf("Redis holds the tenant's secret key under %q", k)
		}
	}
	if !found {
		t.Fatal("the subscription is not in Redis")
	}
}
