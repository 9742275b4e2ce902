package dhl

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierfake"
)

const (
	fakeKey     = "demo-key-7Xq2"
	foundNumber = "1234567890"
	retryAfter  = 2 * time.Minute
)

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
func problem(w http.ResponseWriter, status int) {
	title, detail := http.StatusText(status), ""
	switch status {
	case http.StatusNotFound:
		title, detail = "No result found", "No shipment with given tracking number found."
	case http.StatusUnauthorized:
		title, detail = "Unauthorized", "Unauthorized for given resource."
	case http.StatusTooManyRequests:
		title, detail = "Too many requests", "Too many requests. Please retry later."
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"title": title, "status": status, "detail": detail})
}

// dhlAPI plays the Unified API's ways: GET /track/shipments with the
// number in trackingNumber and the key in the DHL-API-Key header.
var dhlAPI = carrierfake.Carrier{
	Track: func(r *http.Request) (string, bool) {
		if r.Method != http.MethodGet || r.URL.Path != "/track/shipments" {
			return "", false
		}
		return r.URL.Query().Get("trackingNumber"), true
	},
	Authorize: func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("DHL-API-Key") != fakeKey {
			problem(w, http.StatusUnauthorized)
			return false
		}
		return true
	},
	Error:     problem,
	Malformed: `{"shipments":[{"id":"1234567890","status":{"statusCode":`,
}

// connect returns a Source for fake, with a revoked key for BadCredentials.
func connect(t *testing.T, fake *carrierfake.Fake, s adaptertest.Scenario) *Source {
	t.Helper()
	key := fakeKey
	if s == adaptertest.BadCredentials {
		key = "revoked-key"
	}
	src, err := New(Config{APIKey: key, BaseURL: fake.URL(), Client: fake.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func startFake(t *testing.T, s adaptertest.Scenario, body string) (*carrierfake.Fake, *Source) {
	t.Helper()
	fake := carrierfake.Start(t, dhlAPI, s, foundNumber, []byte(body))
	return fake, connect(t, fake, s)
}

// serveAnswer is the adaptertest.Serve of the real answers.
func serveAnswer(t *testing.T, status int, body []byte) adapters.Source {
	return connect(t, carrierfake.Answer(t, dhlAPI, status, body), adaptertest.Found)
}

var foundRef = adapters.ParcelRef{TrackingNumber: "12 3456 7890"}
