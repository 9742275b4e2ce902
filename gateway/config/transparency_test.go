package config

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/tenant"
	"github.com/trackgate/trackgate/gateway/transparency"
)

// readerDoc is tenantDoc with a transparency section of one reader key,
// which it returns.
func readerDoc(t *testing.T, f *fixture) (doc map[string]any, reader, taobao string) {
	t.Helper()
	doc, taobao, _ = tenantDoc(t, f)
	reader, err := transparency.NewReaderKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := transparency.HashReaderKey(reader)
	doc["transparency"] = map[string]any{"reader_key_hashes": []any{h.String()}}
	return doc, reader, taobao
}

func TestTransparencySectionLoads(t *testing.T) {
	f := newFixture(t)
	doc, reader, _ := readerDoc(t, f)
	g, err := parseGateway(marshal(t, doc), f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := transparency.HashReaderKey(reader)
	if len(g.Transparency.readerKeys) != 1 || g.Transparency.readerKeys[0] != want {
		t.Fatalf("reader keys %v, want the one hash", g.Transparency.readerKeys)
	}
	// Without the section the file still loads: nobody reads the report.
	delete(doc, "transparency")
	if g, err := parseGateway(marshal(t, doc), f.dir, f.opts()); err != nil || len(g.Transparency.readerKeys) != 0 {
		t.Fatalf("without transparency: %v, %v", g, err)
	}
}

func TestTransparencyErrorsNameTheirField(t *testing.T) {
	f := newFixture(t)
	key, _ := transparency.NewReaderKey(rand.Reader)
	keyHash, _ := transparency.HashReaderKey(key)
	tests := []struct {
		name      string
		value     map[string]any
		wantField string
		wantText  string
	}{
		{"a key in clear", map[string]any{"reader_keys": []any{key}}, "transparency.reader_keys", "reader_key_hashes"},
		{"a key where its hash goes", map[string]any{"reader_key_hashes": []any{key}}, "transparency.reader_key_hashes[0]", "this one has been seen"},
		{"a short hash", map[string]any{"reader_key_hashes": []any{"abc123"}}, "transparency.reader_key_hashes[0]", "64 hex digits"},
		{"a hash twice", map[string]any{"reader_key_hashes": []any{keyHash.String(), strings.ToUpper(keyHash.String())}}, "transparency.reader_key_hashes[1]", "already transparency.reader_key_hashes[0]"},
		{"an unknown field", map[string]any{"reader_key_hash": []any{keyHash.String()}}, "transparency.reader_key_hash", "reader_key_hashes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _, _ := tenantDoc(t, f)
			doc["transparency"] = tt.value
			_, err := parseGateway(marshal(t, doc), f.dir, f.opts())
			if err == nil {
				t.Fatal("accepted")
			}
			fe := fieldOf(t, err)
			if fe.Field != tt.wantField || !strings.Contains(fe.Problem, tt.wantText) {
				t.Fatalf("error %q, want field %s and %q", err, tt.wantField, tt.wantText)
			}
			if strings.Contains(err.Error(), key) {
				t.Errorf("the error repeats the key: %v", err)
			}
		})
	}
	t.Run("a tenant's API key hash", func(t *testing.T) {
		doc, _, _ := tenantDoc(t, f)
		shared := doc["tenants"].([]any)[0].(map[string]any)["api_key_hashes"]
		doc["transparency"] = map[string]any{"reader_key_hashes": shared}
		_, err := parseGateway(marshal(t, doc), f.dir, f.opts())
		if fe := fieldOf(t, err); fe.Field != "transparency.reader_key_hashes[0]" || !strings.Contains(fe.Problem, "taobao-shop") {
			t.Fatalf("error %v, want transparency.reader_key_hashes[0] naming taobao-shop", err)
		}
	})
}

// TestConfiguredTransparencyReportIsTheDeploymentsOnRedis builds two
// gateways from one file on a real Redis: the report either answers
// counts the traffic of both.
func TestConfiguredTransparencyReportIsTheDeploymentsOnRedis(t *testing.T) {
	r := redistest.Single(t)
	f := newFixture(t)
	doc, reader, taobao := readerDoc(t, f)
	handlers := twoGatewaysOnRedis(t, f, doc, r)
	send := func(h http.Handler, path string, header http.Header) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for k, v := range header {
			req.Header.Set(k, v[0])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	keyed := http.Header{gateway.APIKeyHeader: {taobao}}
	for i, h := range handlers {
		for range i + 1 { // 1 keyless fetch on the first gateway, 2 on the second
			if rec := send(h, "/v1/buckets/1", nil); rec.Code != 200 {
				t.Fatalf("gateway %d fetch: %d", i+1, rec.Code)
			}
		}
		if rec := send(h, "/v1/buckets/2", keyed); rec.Code != 200 {
			t.Fatalf("gateway %d keyed fetch: %d", i+1, rec.Code)
		}
		if rec := send(h, "/v1/no-such-thing", nil); rec.Code != 404 {
			t.Fatalf("gateway %d: %d for no such path", i+1, rec.Code)
		}
	}
	today := time.Now().UTC().Format(transparency.DateLayout)
	path := "/v1/transparency?from=" + today + "&to=" + today
	auth := http.Header{"Authorization": {"Bearer " + reader}}
	// Each gateway writes its counts out when asked for the report; the
	// second one asked answers both.
	if rec := send(handlers[1], path, auth); rec.Code != 200 {
		t.Fatalf("report from gateway 2: %d %s", rec.Code, rec.Body)
	}
	rec := send(handlers[0], path, auth)
	var rep transparency.Report
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); rec.Code != 200 || err != nil {
		t.Fatalf("report from gateway 1: %d %s", rec.Code, rec.Body)
	}
	day := rep.Days[0]
	if day.Fetches != 5 || day.Tenant("taobao-shop").Fetches != 2 || day.Refusals[transparency.NotFound] != 2 {
		t.Errorf("the deployment's report %+v, want 5 fetches, 2 of taobao-shop, 2 not found", day)
	}
	if rec := send(handlers[0], path, http.Header{"Authorization": {"Bearer " + taobao}}); rec.Code != 401 {
		t.Errorf("a tenant's key opened the report: %d", rec.Code)
	}
	keys, err := r.Client.Keys(t.Context(), "*:transparency:*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("transparency keys %v (%v), want the one day's", keys, err)
	}
	fields, _ := r.Client.HGetAll(t.Context(), keys[0]).Result()
	for f := range fields {
		if strings.Contains(f, taobao) || strings.Contains(f, taobao[len(tenant.KeyPrefix):]) {
			t.Errorf("field %q holds the key", f)
		}
	}
}
