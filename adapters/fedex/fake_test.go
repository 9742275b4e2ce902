package fedex

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierfake"
)

const (
	fakeClientID = "l7xx-tg-api-key"
	fakeSecret   = "tg-secret-key"
	foundNumber  = "794843185271"
	retryAfter   = 2 * time.Minute
)

// foundShipment is a delivered shipment in the shape of the Track API's
// answer (FedEx's documentation and the real answers in testdata/real),
// constructed for the fake and salted with the personal data FedEx
// carries. Scans come newest first; one has FedEx's documentation-style
// "-0500" offset, one none at all.
const foundShipment = `{
  "transactionId": "624deea6-b709-470c-8c39-4b5511281492",
  "output": {
    "completeTrackResults": [{
      "trackingNumber": "794843185271",
      "trackResults": [{
        "trackingNumberInfo": {"trackingNumber": "794843185271", "trackingNumberUniqueId": "12029~794843185271~FDEG", "carrierCode": "FDXE"},
        "additionalTrackingInfo": {"nickname": "Mary's birthday", "packageIdentifiers": [{"type": "CUSTOMER_REFERENCE", "values": ["ORDER-4471-JSMITH"]}], "shipmentNotes": "call John Smith at 404-555-0187"},
        "shipperInformation": {"contact": {"personName": "Mary Johnson", "phoneNumber": "9735550142"}, "address": {"streetLines": ["100 Main St"], "city": "WAYNE", "stateOrProvinceCode": "NJ", "postalCode": "07470", "countryCode": "US"}},
        "recipientInformation": {"contact": {"personName": "John Smith", "phoneNumber": "4045550187"}, "address": {"streetLines": ["55 Peachtree Center Ave"], "city": "ATLANTA", "stateOrProvinceCode": "GA", "postalCode": "30303", "countryCode": "US"}},
        "latestStatusDetail": {"code": "DL", "derivedCode": "DL", "statusByLocale": "Delivered", "description": "Delivered", "scanLocation": {"city": "ATLANTA", "stateOrProvinceCode": "GA", "countryCode": "US"}},
        "dateAndTimes": [{"type": "ACTUAL_DELIVERY", "dateTime": "2026-11-20T14:30:00-05:00"}, {"type": "SHIP", "dateTime": "2026-11-18T00:00:00-06:00"}],
        "scanEvents": [
          {"date": "2026-11-20T14:30:00-05:00", "eventType": "DL", "eventDescription": "Delivered", "exceptionCode": "014", "exceptionDescription": "Left at front door. Signature Service not requested.",
           "scanLocation": {"streetLines": ["55 Peachtree Center Ave"], "city": "ATLANTA", "stateOrProvinceCode": "GA", "postalCode": "30303", "countryCode": "US"}, "derivedStatusCode": "DL", "derivedStatus": "Delivered"},
          {"date": "2026-11-20T08:12:00-05:00", "eventType": "OD", "eventDescription": "On FedEx vehicle for delivery", "exceptionDescription": "",
           "scanLocation": {"streetLines": [""], "city": "ATLANTA", "stateOrProvinceCode": "GA", "postalCode": "30336", "countryCode": "US"}, "derivedStatusCode": "IT"},
          {"date": "2026-11-20T07:40:00-05:00", "eventType": "AO", "eventDescription": "Shipment arriving On-Time",
           "scanLocation": {"city": "ATLANTA", "stateOrProvinceCode": "GA", "countryCode": "US"}, "derivedStatusCode": "IT"},
          {"date": "2026-11-19T03:41:00", "eventType": "DP", "eventDescription": "Departed FedEx hub",
           "scanLocation": {"city": "MEMPHIS", "stateOrProvinceCode": "TN", "postalCode": "38118", "countryCode": "US"}, "derivedStatusCode": "IT"},
          {"date": "2026-11-19T01:47:00-06:00", "eventType": "AR", "eventDescription": "Arrived at FedEx hub",
           "scanLocation": {"city": "MEMPHIS", "stateOrProvinceCode": "TN", "postalCode": "38118", "countryCode": "US"}, "derivedStatusCode": "IT"},
          {"date": "2026-11-18T17:15:00 -0500", "eventType": "PU", "eventDescription": "Picked up",
           "scanLocation": {"city": "FEDEX SMARTPOST WAYNE", "stateOrProvinceCode": "NJ", "postalCode": "07470", "countryCode": "US"}, "derivedStatusCode": "PU"},
          {"date": "2026-11-17T18:30:00-05:00", "eventType": "OC", "eventDescription": "Shipment information sent to FedEx",
           "scanLocation": {"streetLines": ["100 Main St"], "postalCode": "07470", "countryCode": "US"}, "derivedStatusCode": "IN"}
        ],
        "deliveryDetails": {"receivedByName": "J.SMITH", "signedByName": "J.SMITH", "locationDescription": "Front Porch",
          "actualDeliveryAddress": {"streetLines": ["55 Peachtree Center Ave"], "city": "ATLANTA", "stateOrProvinceCode": "GA", "countryCode": "US"}},
        "holdAtLocation": {"locationContactAndAddress": {"contact": {"personName": "Mary Johnson"}, "address": {"streetLines": ["100 Main St"]}}},
        "serviceDetail": {"type": "PRIORITY_OVERNIGHT", "description": "FedEx Priority Overnight"},
        "standardTransitTimeWindow": {"window": {"ends": "2026-11-20T10:30:00-05:00"}},
        "estimatedDeliveryTimeWindow": {"window": {}}
      }]
    }]
  }
}`

var foundPII = []string{"John Smith", "J.SMITH", "Mary Johnson", "100 Main St", "Peachtree Center", "ORDER-4471",
	"404-555-0187", "4045550187", "9735550142", "Mary's birthday", "30303", "07470"}

var foundEventTimes = []string{
	"2026-11-17T18:30:00-05:00",
	"2026-11-18T17:15:00-05:00", // FedEx's documentation style, "-0500" after a space
	"2026-11-19T01:47:00-06:00",
	"2026-11-19T03:41:00-06:00", // no offset: that of the scan before it at Memphis
	"2026-11-20T07:40:00-05:00",
	"2026-11-20T08:12:00-05:00",
	"2026-11-20T14:30:00-05:00",
}

var foundRef = adapters.ParcelRef{TrackingNumber: "7948 4318 5271"}

// fedexErrors writes FedEx's error envelope.
func fedexErrors(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"transactionId": "3e2e3e9c-0000-4000-8000-000000000000",
		"errors":        []any{map[string]any{"code": code, "message": message}},
	})
}

// notFoundAnswer is how FedEx answers a number it does not know: 200,
// with the error inside the track result.
func notFoundAnswer(number string) string {
	return `{"transactionId":"16b3a642-a103-4610-8723-22fce18450fc","output":{"completeTrackResults":[{"trackingNumber":"` + number +
		`","trackResults":[{"trackingNumberInfo":{"trackingNumber":"` + number + `","trackingNumberUniqueId":"","carrierCode":""},` +
		`"error":{"code":"TRACKING.TRACKINGNUMBER.NOTFOUND","message":"Tracking number cannot be found. Please correct the tracking number and try again."}}]}]}}`
}

// fakeFedEx plays FedEx's OAuth and Track APIs.
type fakeFedEx struct {
	scenario adaptertest.Scenario
	// status and body are the track answer of the Found scenario.
	status int
	body   string
	// expiresIn is the token lifetime it grants, as FedEx sends it.
	expiresIn string

	mu        sync.Mutex
	tokens    []string        // issued, in order
	revoked   map[string]bool // tokens refused from now on
	tracks    int
	trackHdr  http.Header
	trackBody trackRequest
	gate      chan struct{} // when set, token requests wait for it
}

func (f *fakeFedEx) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/oauth/token":
		f.serveToken(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/track/v1/trackingnumbers":
		f.serveTrack(w, r)
	default:
		fedexErrors(w, http.StatusNotFound, "NOT.FOUND.ERROR", "The resource you requested is no longer available. Please modify your request and try again.")
	}
}

func (f *fakeFedEx) serveToken(w http.ResponseWriter, r *http.Request) {
	if f.gate != nil {
		<-f.gate
	}
	if r.ParseForm() != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		fedexErrors(w, http.StatusBadRequest, "BAD.REQUEST.ERROR", "The given JWT is invalid. Please modify your request and try again.")
		return
	}
	if r.PostForm.Get("client_id") != fakeClientID || r.PostForm.Get("client_secret") != fakeSecret {
		fedexErrors(w, http.StatusUnauthorized, "NOT.AUTHORIZED.ERROR", "The given client credentials were not valid. Please modify your request and try again.")
		return
	}
	f.mu.Lock()
	tok := "eyJhbGciOiJSUzI1NiJ9.token" + string(rune('A'+len(f.tokens)))
	f.tokens = append(f.tokens, tok)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok, "token_type": "bearer", "expires_in": json.RawMessage(f.expiresIn), "scope": "CXS-TP",
	})
}

func (f *fakeFedEx) serveTrack(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	var req trackRequest
	decodeErr := json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	f.tracks++
	f.trackHdr = r.Header.Clone()
	f.trackBody = req
	valid := !f.revoked[tok]
	issued := false
	for _, t := range f.tokens {
		issued = issued || t == tok
	}
	f.mu.Unlock()
	if !issued || !valid {
		fedexErrors(w, http.StatusUnauthorized, "NOT.AUTHORIZED.ERROR", "We could not authorize your credentials. Please check your permissions and try again.")
		return
	}
	if decodeErr != nil || r.Header.Get("Content-Type") != "application/json" || len(req.TrackingInfo) != 1 {
		fedexErrors(w, http.StatusBadRequest, "INVALID.INPUT.EXCEPTION", "Invalid field value in the input")
		return
	}
	number := req.TrackingInfo[0].TrackingNumberInfo.TrackingNumber
	switch f.scenario {
	case adaptertest.RateLimited:
		w.Header().Set("Retry-After", "120")
		fedexErrors(w, http.StatusTooManyRequests, "TOO.MANY.REQUESTS", "We have received too many requests in a short duration. Please wait a while to try again.")
		return
	case adaptertest.ServerError:
		fedexErrors(w, http.StatusServiceUnavailable, "SERVICE.UNAVAILABLE.ERROR", "The service is currently unavailable and we are working to resolve the issue.")
		return
	case adaptertest.Slow:
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	case adaptertest.Malformed:
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>Service Temporarily Unavailable</body></html>"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if f.scenario != adaptertest.Found || (f.status == 0 && number != foundNumber) {
		w.Write([]byte(notFoundAnswer(number)))
		return
	}
	if f.status != 0 {
		w.WriteHeader(f.status)
	}
	w.Write([]byte(f.body))
}

// startFake serves scenario s, with body as the Found answer (served
// with status when it is not 0, for whatever number is asked).
func startFake(t *testing.T, s adaptertest.Scenario, status int, body string) (*fakeFedEx, *Source, *carrierfake.Clock) {
	t.Helper()
	fake := &fakeFedEx{scenario: s, status: status, body: body, expiresIn: `3599`, revoked: map[string]bool{}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	secret := fakeSecret
	if s == adaptertest.BadCredentials {
		secret = "expired-secret-key"
	}
	clock := carrierfake.NewClock(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	src, err := New(Config{
		ClientID: fakeClientID, ClientSecret: secret, BaseURL: srv.URL,
		Client: carrierfake.ClientFor(srv),
		Now:    clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return fake, src, clock
}
