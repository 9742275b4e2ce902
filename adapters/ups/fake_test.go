package ups

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierfake"
)

const (
	fakeClientID = "tg-client-id"
	fakeSecret   = "tg-client-secret"
	foundNumber  = "1Z999AA10123456784"
	retryAfter   = 2 * time.Minute
)

// foundPackage is a delivered package in the shape of the Track API's
// answer (UPS's OpenAPI document, Tracking.yaml), salted with the
// personal data UPS carries. Activities come newest first, some with
// gmtDate, gmtTime and gmtOffset, some with gmtOffset only, one with
// neither.
const foundPackage = `{
  "trackResponse": {
    "shipment": [{
      "inquiryNumber": "1Z999AA10123456784",
      "package": [{
        "trackingNumber": "1Z999AA10123456784",
        "deliveryDate": [{"type": "DEL", "date": "20261120"}],
        "deliveryTime": {"type": "DEL", "endTime": "143000"},
        "activity": [
          {"location": {"address": {"city": "ATLANTA", "stateProvince": "GA", "postalCode": "30303", "countryCode": "US", "country": "US"}},
           "status": {"type": "D", "description": "DELIVERED ", "code": "FS", "statusCode": "011"},
           "date": "20261120", "time": "143000"},
          {"location": {"address": {"city": "Atlanta", "stateProvince": "GA", "countryCode": "US", "country": "US"}},
           "status": {"type": "I", "description": "Out For Delivery Today", "code": "OT", "statusCode": "021"},
           "date": "20261120", "time": "081200", "gmtOffset": "-05:00"},
          {"location": {"address": {"city": "Atlanta", "stateProvince": "GA", "countryCode": "US", "country": "US"}},
           "status": {"type": "I", "description": "Departed from Facility", "code": "DP", "statusCode": "005"},
           "date": "20261119", "time": "034100", "gmtDate": "20261119", "gmtTime": "09:41:00", "gmtOffset": "-06:00"},
          {"location": {"address": {"city": "Louisville", "stateProvince": "KY", "countryCode": "US", "country": "US"}},
           "status": {"type": "I", "description": "Arrived at Facility", "code": "AR", "statusCode": "005"},
           "date": "20261119", "time": "014700", "gmtDate": "20261119", "gmtTime": "74700", "gmtOffset": "-06:00"},
          {"location": {"address": {"city": "Wayne", "stateProvince": "NJ", "countryCode": "US", "country": "US"}},
           "status": {"type": "P", "description": "Pickup Scan ", "code": "PU", "statusCode": "038"},
           "date": "20261118", "time": "171500", "gmtDate": "20261118", "gmtTime": "221500", "gmtOffset": "-05:00"},
          {"location": {"address": {"countryCode": "US", "country": "US"}},
           "status": {"type": "M", "description": "Shipper created a label, UPS has not received the package yet. ", "code": "MP", "statusCode": "003"},
           "date": "20261117", "time": "183000", "gmtDate": "20261117", "gmtTime": "23:30:00", "gmtOffset": "-05:00"}
        ],
        "currentStatus": {"type": "D", "description": "Delivered", "code": "011", "statusCode": "011", "simplifiedTextDescription": "Delivered"},
        "deliveryInformation": {
          "location": "Front Door",
          "receivedBy": "JOHN SMITH",
          "signature": {"image": "R0lGODlhSIGNATUREJOHNSMITH=="},
          "deliveryPhoto": {"isNonPostalCodeCountry": false, "photo": "iVBORw0KGgoPHOTOOFTHEPORCH=", "photoCaptureInd": "Y", "photoDispositionCode": "V"}
        },
        "packageAddress": [
          {"type": "ORIGIN", "name": "Sears", "attentionName": "Mary Johnson", "address": {"addressLine1": "100 Main St", "city": "Wayne", "stateProvince": "NJ", "postalCode": "07470", "countryCode": "US"}},
          {"type": "DESTINATION", "name": "JOHN SMITH", "address": {"addressLine1": "55 Peachtree Center Ave", "city": "ATLANTA", "stateProvince": "GA", "postalCode": "30303", "countryCode": "US"}}
        ],
        "referenceNumber": [{"type": "SHIPMENT", "number": "ORDER-4471-JSMITH"}],
        "weight": {"unitOfMeasurement": "LBS", "weight": "1.00"},
        "service": {"code": "003", "description": "UPS Ground"}
      }]
    }]
  }
}`

var foundPII = []string{"JOHN SMITH", "Mary Johnson", "100 Main St", "Peachtree Center", "R0lGODlh", "iVBORw0KGgo", "ORDER-4471", "30303", "07470"}

var foundEventTimes = []string{
	"2026-11-17T18:30:00-05:00", // gmtDate/gmtTime "23:30:00" at -05:00
	"2026-11-18T17:15:00-05:00", // gmtTime "221500"
	"2026-11-19T01:47:00-06:00", // gmtTime "74700": 07:47 UTC
	"2026-11-19T03:41:00-06:00", // gmtTime "09:41:00"
	"2026-11-20T08:12:00-05:00", // gmtOffset alone: local time at that offset
	"2026-11-20T14:30:00-05:00", // no gmt fields: local to Atlanta, GA
}

// upsErrors writes UPS's error answer.
func upsErrors(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"response": map[string]any{"errors": []any{map[string]any{"code": code, "message": message}}}})
}

// upsError writes UPS's error answer for an HTTP status.
func upsError(w http.ResponseWriter, status int) {
	switch status {
	case http.StatusNotFound:
		upsErrors(w, status, "TW0001", "Tracking Information Not Found")
	case http.StatusTooManyRequests:
		upsErrors(w, status, "429", "Too Many Requests")
	default:
		upsErrors(w, status, fmt.Sprint(status), "Resource is not available")
	}
}

// fakeUPS plays UPS's OAuth API, and its Track API through a
// carrierfake.Fake that accepts the tokens it issued.
type fakeUPS struct {
	*carrierfake.Fake
	// expiresIn is the token lifetime it grants, as UPS sends it.
	expiresIn string
	gate      chan struct{} // when set, token requests wait for it

	mu      sync.Mutex
	tokens  []string        // issued, in order
	revoked map[string]bool // tokens refused from now on
}

func newFakeUPS() *fakeUPS {
	return &fakeUPS{expiresIn: `"14399"`, revoked: map[string]bool{}}
}

// carrier is the Track API's ways: GET /api/track/v1/details/{number}
// with a bearer token the fake issued and UPS's transaction headers.
func (f *fakeUPS) carrier() carrierfake.Carrier {
	return carrierfake.Carrier{
		Track: func(r *http.Request) (string, bool) {
			if r.Method != http.MethodGet {
				return "", false
			}
			return strings.CutPrefix(r.URL.Path, "/api/track/v1/details/")
		},
		Authorize: f.authorize,
		Error:     upsError,
		Malformed: "<html><body>Service Temporarily Unavailable</body></html>", MalformedType: "text/html",
		Other: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || r.URL.Path != "/security/v1/oauth/token" {
				upsError(w, http.StatusNotFound)
				return
			}
			f.serveToken(w, r)
		}),
	}
}

func (f *fakeUPS) serveToken(w http.ResponseWriter, r *http.Request) {
	if f.gate != nil {
		<-f.gate
	}
	id, secret, ok := r.BasicAuth()
	if r.ParseForm() != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		upsErrors(w, http.StatusBadRequest, "10400", "Invalid/Missing grant_type")
		return
	}
	if !ok || id != fakeClientID || secret != fakeSecret {
		upsErrors(w, http.StatusUnauthorized, "10401", "ClientId is Invalid")
		return
	}
	f.mu.Lock()
	tok := "eyJraWQiOiJ0b2tlbi" + string(rune('A'+len(f.tokens)))
	f.tokens = append(f.tokens, tok)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"token_type": "Bearer", "issued_at": "1763618591000", "client_id": fakeClientID, "access_token": tok,
		"scope": "", "expires_in": json.RawMessage(f.expiresIn), "refresh_count": "0", "status": "approved",
	})
}

func (f *fakeUPS) authorize(w http.ResponseWriter, r *http.Request) bool {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	valid := slices.Contains(f.tokens, tok) && !f.revoked[tok]
	f.mu.Unlock()
	if !valid {
		upsErrors(w, http.StatusUnauthorized, "250002", "Invalid Authentication Information.")
		return false
	}
	if r.Header.Get("transId") == "" || r.Header.Get("transactionSrc") == "" {
		upsErrors(w, http.StatusBadRequest, "TV0001", "Missing transId or transactionSrc")
		return false
	}
	return true
}

// trackHdr is the header of the last track request.
func (f *fakeUPS) trackHdr() http.Header {
	tracks := f.Tracks()
	if len(tracks) == 0 {
		return nil
	}
	return tracks[len(tracks)-1].Header
}

func startFake(t *testing.T, s adaptertest.Scenario, body string) (*fakeUPS, *Source, *carrierfake.Clock) {
	t.Helper()
	fake := newFakeUPS()
	fake.Fake = carrierfake.Start(t, fake.carrier(), s, foundNumber, []byte(body))
	src, clock := connect(t, fake, s)
	return fake, src, clock
}

// connect returns a Source for fake, with an expired secret for
// BadCredentials, and its clock.
func connect(t *testing.T, fake *fakeUPS, s adaptertest.Scenario) (*Source, *carrierfake.Clock) {
	t.Helper()
	secret := fakeSecret
	if s == adaptertest.BadCredentials {
		secret = "expired-secret"
	}
	clock := carrierfake.NewClock(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	src, err := New(Config{
		ClientID: fakeClientID, ClientSecret: secret, BaseURL: fake.URL(),
		Client: fake.Client(),
		Now:    clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return src, clock
}

// serveAnswer is the adaptertest.Serve of the real answers: UPS's answer
// as published, or, when what was published is a relaying API's
// {"success": true, "payload": {…}} around UPS's shipments, the payload
// in UPS's own {"trackResponse": {…}}, as UPS served it to the relay.
func serveAnswer(t *testing.T, status int, body []byte) adapters.Source {
	var relayed struct {
		Success *bool           `json:"success"`
		Payload json.RawMessage `json:"payload"`
	}
	if json.Unmarshal(body, &relayed) == nil && relayed.Success != nil && relayed.Payload != nil {
		b, err := json.Marshal(map[string]json.RawMessage{"trackResponse": relayed.Payload})
		if err != nil {
			t.Fatal(err)
		}
		body = b
	}
	fake := newFakeUPS()
	fake.Fake = carrierfake.Answer(t, fake.carrier(), status, body)
	src, _ := connect(t, fake, adaptertest.Found)
	return src
}

var foundRef = adapters.ParcelRef{TrackingNumber: "1Z 999 AA1 0123 4567 84"}
