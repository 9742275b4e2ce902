package openapi

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func mustLoad(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return doc
}

func TestDocumentLoadsAndValidates(t *testing.T) {
	doc := mustLoad(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if doc.Info == nil || doc.Info.Title == "" || doc.Info.Description == "" {
		t.Error("info needs a title and a description")
	}
}

func TestEveryOperationIsDocumented(t *testing.T) {
	doc := mustLoad(t)
	seenIDs := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			if op.OperationID == "" || op.Summary == "" || op.Description == "" {
				t.Errorf("%s needs an operationId, a summary and a description", where)
			}
			if other, dup := seenIDs[op.OperationID]; dup {
				t.Errorf("%s reuses the operationId of %s", where, other)
			}
			seenIDs[op.OperationID] = where
			if len(op.Tags) == 0 {
				t.Errorf("%s has no tag", where)
			}
			if op.Security == nil {
				t.Errorf("%s must say who may call it (security: [] when anyone may)", where)
			}
			errorResponses := 0
			for code, ref := range op.Responses.Map() {
				if !strings.HasPrefix(code, "4") && !strings.HasPrefix(code, "5") {
					continue
				}
				errorResponses++
				if ref.Value.Content.Get("application/problem+json") == nil || len(ref.Value.Content) != 1 {
					t.Errorf("%s response %s must be application/problem+json only", where, code)
				}
				if code == "429" || code == "503" {
					if ref.Value.Headers["Retry-After"] == nil {
						t.Errorf("%s response %s must document Retry-After", where, code)
					}
				}
			}
			if errorResponses == 0 {
				t.Errorf("%s documents no error response", where)
			}
		}
	}
}

func TestOperationsListsEachTagInGinSyntax(t *testing.T) {
	doc := mustLoad(t)
	tests := []struct {
		tag  string
		want []Route
	}{
		{"gateway", []Route{
			{http.MethodGet, "/"},
			{http.MethodGet, "/assets/:file"},
			{http.MethodGet, "/docs"},
			{http.MethodGet, "/docs/:page"},
			{http.MethodGet, "/docs/assets/:asset"},
			{http.MethodGet, "/healthz"},
			{http.MethodGet, "/openapi.yaml"},
			{http.MethodGet, "/readyz"},
			{http.MethodGet, "/v1/buckets/:bucket"},
			{http.MethodOptions, "/v1/buckets/:bucket"},
			{http.MethodGet, "/v1/couriers"},
			{http.MethodOptions, "/v1/couriers"},
			{http.MethodPut, "/v1/couriers/:courier/records"},
			{http.MethodGet, "/v1/demo/parcels"},
			{http.MethodOptions, "/v1/demo/parcels"},
			{http.MethodOptions, "/v1/evaluate"},
			{http.MethodPost, "/v1/evaluate"},
			{http.MethodGet, "/v1/log/checkpoint"},
			{http.MethodOptions, "/v1/log/checkpoint"},
			{http.MethodGet, "/v1/log/consistency"},
			{http.MethodOptions, "/v1/log/consistency"},
			{http.MethodPost, "/v1/log/cosignatures"},
			{http.MethodGet, "/v1/log/entries"},
			{http.MethodOptions, "/v1/log/entries"},
			{http.MethodGet, "/v1/log/inclusion"},
			{http.MethodOptions, "/v1/log/inclusion"},
			{http.MethodGet, "/v1/records/:locator"},
			{http.MethodOptions, "/v1/records/:locator"},
			{http.MethodGet, "/v1/subscriptions"},
			{http.MethodPost, "/v1/subscriptions"},
			{http.MethodDelete, "/v1/subscriptions/:id"},
			{http.MethodGet, "/v1/subscriptions/:id"},
			{http.MethodGet, "/v1/subscriptions/:id/dead-letters"},
			{http.MethodPost, "/v1/subscriptions/:id/dead-letters/replay"},
			{http.MethodPost, "/v1/subscriptions/:id/secret"},
			{http.MethodGet, "/v1/transparency"},
			{http.MethodGet, "/widget/:file"},
		}},
		{"courier-host", []Route{
			{http.MethodGet, "/healthz"},
			{http.MethodGet, "/tg1/buckets/:bucket"},
			{http.MethodPost, "/tg1/evaluate"},
			{http.MethodGet, "/tg1/keys"},
			{http.MethodGet, "/tg1/records/:locator"},
		}},
		{"no-such-tag", nil},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			if got := Operations(doc, tt.tag); !slices.Equal(got, tt.want) {
				t.Errorf("Operations(%q) =\n%v\nwant\n%v", tt.tag, got, tt.want)
			}
		})
	}
	if got := len(Operations(doc, "")); got != 41 {
		t.Errorf("Operations(doc, \"\") lists %d operations, want all 41", got)
	}
}

// TestSubscriptionRoutesTakeTheSecretKey: every subscription route
// names the tenantSecretKey scheme, and no other, so no page may call it.
func TestSubscriptionRoutesTakeTheSecretKey(t *testing.T) {
	doc := mustLoad(t)
	scheme := doc.Components.SecuritySchemes["tenantSecretKey"]
	if scheme == nil || scheme.Value.Type != "http" || scheme.Value.Scheme != "bearer" {
		t.Fatalf("tenantSecretKey is not an http bearer scheme: %+v", scheme)
	}
	n := 0
	for path, item := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/v1/subscriptions") {
			continue
		}
		for method, op := range item.Operations() {
			n++
			if op.Security == nil || len(*op.Security) != 1 || len((*op.Security)[0]) != 1 || (*op.Security)[0]["tenantSecretKey"] == nil {
				t.Errorf("%s %s does not require the tenant's secret key alone", method, path)
			}
			if method == http.MethodOptions {
				t.Errorf("%s answers a CORS preflight", path)
			}
		}
	}
	if n != 7 {
		t.Fatalf("%d subscription operations, want 7", n)
	}
}

func TestGinPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/v1/couriers", "/v1/couriers"},
		{"/v1/buckets/{bucket}", "/v1/buckets/:bucket"},
		{"/v1/couriers/{courier}/records", "/v1/couriers/:courier/records"},
		{"/", "/"},
	}
	for _, tt := range tests {
		if got := ginPath(tt.in); got != tt.want {
			t.Errorf("ginPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
