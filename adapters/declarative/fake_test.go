package declarative

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
)

const (
	fakeKey     = "demo-key-7Xq2"
	foundNumber = "1234567890"
	retryAfter  = 2 * time.Minute
)

// The fake DHL of adapters/dhl/fake_test.go, which the declarative DHL
// must pass as the Go adapter does.

// foundShipment is a delivered DHL Express shipment in the shape of the
// Unified API's answer, salted with the personal data DHL carries.
const foundShipment = `{
  "shipments": [{
    "id": "1234567890",
    "service": "express",
    "origin": {"address": {"countryCode": "GB", "postalCode": "TW6 2JS", "addressLocality": "LONDON-HEATHROW - UK"}},
    "destination": {"address": {"countryCode": "NL", "postalCode": "1015 CJ", "addressLocality": "AMSTERDAM - NETHERLANDS", "streetAddress": "Keizersgracht 123"}},
    "status": {
      "timestamp": "2026-11-20T10:31:00+01:00",
      "location": {"address": {"countryCode": "NL", "addressLocality": "AMSTERDAM - NETHERLANDS"}},
      "statusCode": "delivered",
      "status": "DELIVERED",
      "description": "Delivered - Signed for by: JESSICA MILLER"
    },
    "estimatedTimeOfDelivery": "2026-11-20T18:00:00+01:00",
    "estimatedDeliveryTimeFrame": {"estimatedFrom": "2026-11-20T09:00:00+01:00", "estimatedThrough": "2026-11-20T18:00:00+01:00"},
    "details": {
      "product": {"productName": "EXPRESS WORLDWIDE"},
      "proofOfDelivery": {
        "timestamp": "2026-11-20T10:31:00+01:00",
        "signatureUrl": "https://proview.dhl.com/proview/signature?id=ab12cd34ef56",
        "signed": {"type": "Person", "givenName": "Jessica", "familyName": "Miller", "name": "Jessica Miller"}
      },
      "totalNumberOfPieces": 1,
      "pieceIds": ["JD014600006281230704"],
      "weight": {"value": 0.5, "unitText": "kg"}
    },
    "events": [
      {"timestamp": "2026-11-20T10:31:00+01:00", "location": {"address": {"countryCode": "NL", "addressLocality": "AMSTERDAM - NETHERLANDS"}},
       "statusCode": "delivered", "status": "DELIVERED", "description": "Delivered - Signed for by: JESSICA MILLER"},
      {"timestamp": "2026-11-20T07:12:00+01:00", "location": {"address": {"countryCode": "NL", "addressLocality": "Oderweg 2, AMSTERDAM"}},
       "statusCode": "transit", "status": "WITH DELIVERY COURIER", "description": "Shipment is out with courier for delivery. Courier: Pieter, tel +31 20 794 6095"},
      {"timestamp": "2026-11-19T22:40:00+01:00", "location": {"address": {"countryCode": "NL", "addressLocality": "AMSTERDAM - NETHERLANDS"}},
       "statusCode": "transit", "status": "ARRIVED", "description": "Arrived at DHL Sort Facility AMSTERDAM - NETHERLANDS"},
      {"timestamp": "2026-11-19T05:10:00+00:00", "location": {"address": {"countryCode": "GB", "addressLocality": "LONDON-HEATHROW - UK"}},
       "statusCode": "transit", "status": "DEPARTED", "description": "Departed Facility in LONDON-HEATHROW - UK"},
      {"timestamp": "2026-11-18T16:02:00+00:00", "location": {"address": {"countryCode": "GB", "addressLocality": "LONDON - UK"}},
       "statusCode": "pre-transit", "status": "SHIPMENT INFORMATION RECEIVED", "description": "Shipment information received"}
    ]
  }]
}`

var foundPII = []string{"Jessica", "Miller", "proview.dhl.com", "ab12cd34ef56", "Keizersgracht", "Oderweg", "Pieter", "794 6095"}

var foundEventTimes = []string{
	"2026-11-18T16:02:00Z", "2026-11-19T05:10:00Z", "2026-11-19T22:40:00+01:00",
	"2026-11-20T07:12:00+01:00", "2026-11-20T10:31:00+01:00",
}

// problem writes DHL's error answer (RFC 7807).
func problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"title": title, "status": status, "detail": detail})
}

// fakeDHL plays the Unified API: it checks the key and answers as in its
// scenario; Found answers body for foundNumber.
type fakeDHL struct {
	scenario adaptertest.Scenario
	body     string
	// first are scenarios played, one a request, before scenario.
	first []adaptertest.Scenario
	// retryAfter is the Retry-After of RateLimited (default 120 seconds).
	retryAfter string

	mu      sync.Mutex
	queries []string // the raw query of each request
}

func (f *fakeDHL) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.queries = append(f.queries, r.URL.RawQuery)
	scenario := f.scenario
	if len(f.first) > 0 {
		scenario, f.first = f.first[0], f.first[1:]
	}
	f.mu.Unlock()
	if r.Method != http.MethodGet || r.URL.Path != "/track/shipments" {
		problem(w, http.StatusNotFound, "Not Found", "Resource not found")
		return
	}
	if r.Header.Get("DHL-API-Key") != fakeKey {
		problem(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized for given resource.")
		return
	}
	switch scenario {
	case adaptertest.RateLimited:
		w.Header().Set("Retry-After", cmp.Or(f.retryAfter, "120"))
		problem(w, http.StatusTooManyRequests, "Too many requests", "Too many requests. Please retry later.")
		return
	case adaptertest.ServerError:
		problem(w, http.StatusInternalServerError, "Internal Server Error", "")
		return
	case adaptertest.Slow:
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	case adaptertest.Malformed:
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"shipments":[{"id":"1234567890","status":{"statusCode":`))
		return
	}
	if scenario != adaptertest.Found || r.URL.Query().Get("trackingNumber") != foundNumber {
		problem(w, http.StatusNotFound, "No result found", "No shipment with given tracking number found.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(f.body))
}

func startFake(t *testing.T, s adaptertest.Scenario, body string) (*fakeDHL, *Source) {
	t.Helper()
	fake := &fakeDHL{scenario: s, body: body}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	key := fakeKey
	if s == adaptertest.BadCredentials {
		key = "revoked-key"
	}
	return fake, openDHL(t, srv, map[string]string{"api_key": key})
}

// openDHL opens the built-in DHL description against srv.
func openDHL(t *testing.T, srv *httptest.Server, options map[string]string) *Source {
	t.Helper()
	d, err := Carrier("dhl")
	if err != nil {
		t.Fatal(err)
	}
	src, err := New(d, Config{
		Options: options,
		BaseURL: srv.URL,
		Client:  &carrierhttp.Client{HTTP: srv.Client(), Timeout: 300 * time.Millisecond, Attempts: 2, Sleep: noSleep},
	})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

var foundRef = adapters.ParcelRef{TrackingNumber: "12 3456 7890"}
