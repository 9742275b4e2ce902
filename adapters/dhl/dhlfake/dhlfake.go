// Package dhlfake is the fake DHL Unified API that the tests of
// adapters/dhl and of the declarative DHL description run against, and
// the cases both must pass alike (cases.json): the declarative adapter
// reads DHL as the Go adapter does, and a case added here holds for both.
// It is for tests only.
package dhlfake

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierfake"
	"github.com/trackgate/trackgate/adapters/phrases"
)

// The fake's key and parcel.
const (
	Key        = "demo-key-7Xq2"
	Number     = "1234567890"
	RetryAfter = 2 * time.Minute
)

// Ref asks for the found parcel, as a person types its number.
var Ref = adapters.ParcelRef{TrackingNumber: "12 3456 7890"}

// Found is a delivered DHL Express shipment in the shape of the Unified
// API's answer, salted with the personal data DHL carries.
//
//go:embed found.json
var Found string

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

// API is the Unified API's ways: GET /track/shipments with the number in
// trackingNumber and the key in the DHL-API-Key header.
var API = carrierfake.Carrier{
	Track: func(r *http.Request) (string, bool) {
		if r.Method != http.MethodGet || r.URL.Path != "/track/shipments" {
			return "", false
		}
		return r.URL.Query().Get("trackingNumber"), true
	},
	Authorize: func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("DHL-API-Key") != Key {
			problem(w, http.StatusUnauthorized)
			return false
		}
		return true
	},
	Error:     problem,
	Malformed: `{"shipments":[{"id":"1234567890","status":{"statusCode":`,
}

// Cases are what a DHL reader must make of DHL's answers (cases.json).
var Cases = func() (c CaseFile) {
	if err := json.Unmarshal(casesJSON, &c); err != nil {
		panic(fmt.Sprintf("dhlfake: cases.json: %v", err))
	}
	return c
}()

//go:embed cases.json
var casesJSON []byte

// CaseFile is the content of cases.json.
type CaseFile struct {
	// Found is what the view of Found shows: PII none of which it may
	// show, its events' times and, for each event, its status, city
	// and, where set, its text.
	Found struct {
		PII        []string `json:"pii"`
		EventTimes []string `json:"event_times"`
		Events     []struct {
			Status      adapters.Status `json:"status"`
			City        string          `json:"city"`
			Description string          `json:"description"`
		} `json:"events"`
	} `json:"found"`
	// EventStatus is the class of an event.
	EventStatus []struct {
		StatusCode  string        `json:"statusCode"`
		Status      string        `json:"status"`
		Description string        `json:"description"`
		Want        phrases.Class `json:"want"`
	} `json:"event_status"`
	// Places is the place of an event, from its location's
	// addressLocality and countryCode; no locality is no location.
	Places []struct {
		Locality *string            `json:"locality"`
		Country  string             `json:"country"`
		Want     *adapters.Location `json:"want"`
	} `json:"places"`
	// Texts is an event's text, from its status, description and remark.
	Texts []struct {
		Status      string `json:"status"`
		Description string `json:"description"`
		Remark      string `json:"remark"`
		Want        string `json:"want"`
	} `json:"texts"`
	// SignersKept are proofOfDelivery.signed values that leave the text
	// of Event as it is.
	SignersKept struct {
		Event  struct{ Status, Description string } `json:"event"`
		Signed []json.RawMessage                    `json:"signed"`
	} `json:"signers_kept"`
	// ETA is the ETA of shipments still on their way.
	ETA []ETACase `json:"eta"`
	// Lookups are answers looked up for Ref.
	Lookups []Lookup `json:"lookups"`
}

// ETACase is the ETA of a shipment still on its way (InTransit) with the
// fields Delete left out and those of Set set; a nil Want is none.
type ETACase struct {
	Name   string         `json:"name"`
	Delete []string       `json:"delete"`
	Set    map[string]any `json:"set"`
	Want   *adapters.ETA  `json:"want"`
}

// Body is the case's shipment.
func (c ETACase) Body() (string, error) {
	return InTransit(func(sh map[string]any) {
		for _, k := range c.Delete {
			delete(sh, k)
		}
		for k, v := range c.Set {
			sh[k] = v
		}
	})
}

// Lookup is an answer and what a lookup of Ref makes of it: the error it
// is, or the status of each event and of the view.
type Lookup struct {
	Name     string            `json:"name"`
	Body     json.RawMessage   `json:"body"`
	Error    string            `json:"error"`
	Statuses []adapters.Status `json:"statuses"`
	Status   adapters.Status   `json:"status"`
}

// Err is the error the lookup must match, nil for none.
func (l Lookup) Err() error {
	return map[string]error{"not_found": adapters.ErrNotFound, "unavailable": adapters.ErrUnavailable}[l.Error]
}

// InTransit edits Found into a shipment still on its way — its events up
// to the arrival at the sort facility, no proof of delivery — and then
// as edit says.
func InTransit(edit func(sh map[string]any)) (string, error) {
	var doc map[string]any
	if err := json.Unmarshal([]byte(Found), &doc); err != nil {
		return "", err
	}
	sh := doc["shipments"].([]any)[0].(map[string]any)
	events := sh["events"].([]any)
	sh["events"] = events[2:]
	sh["status"] = events[2]
	delete(sh["details"].(map[string]any), "proofOfDelivery")
	edit(sh)
	b, err := json.Marshal(doc)
	return string(b), err
}
