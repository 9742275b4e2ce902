// Package dhlfake is the fake DHL Unified API that the tests of
// adapters/dhl and of the declarative DHL description run against, and
// the cases both must pass alike (cases.json): the declarative adapter
// reads DHL as the Go adapter does, and a case added here holds for both.
// It is for tests only.
package dhlfake

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierfake"
	"github.com/trackgate/trackgate/adapters/phrases"
)

// The fake's key and parcel, and the courier id both readers give DHL's
// views.
const (
	Key        = "demo-key-7Xq2"
	Number     = "1234567890"
	RetryAfter = 2 * time.Minute
	Courier    = "dhl"
)

// Ref asks for the found parcel, as a person types its number.
var Ref = adapters.ParcelRef{TrackingNumber: "12 3456 7890"}

// Found is a delivered DHL Express shipment in the shape of the Unified
// API's answer, salted with the personal data DHL carries.
//
//go:embed found.json
var Found string

// PII is the personal data in Found, none of which a view may show.
var PII = []string{"Jessica", "Miller", "proview.dhl.com", "ab12cd34ef56", "Keizersgracht", "Oderweg", "Pieter", "794 6095"}

// EventTimes are the times of Found's events as the view must show them.
var EventTimes = []string{
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
	// Found is what the view of Found shows: for each event, its status,
	// city and, where set, its text (CheckFound).
	Found struct {
		Events []struct {
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

// Check reports how v, the view of the case's shipment, differs from
// what it must show.
func (c ETACase) Check(v adapters.View) error {
	if v.Status != adapters.StatusInTransit {
		return fmt.Errorf("status %s; want in_transit", v.Status)
	}
	switch {
	case c.Want == nil && v.ETA != nil:
		return fmt.Errorf("ETA %+v; want none", v.ETA)
	case c.Want != nil && (v.ETA == nil || !v.ETA.From.Equal(c.Want.From) || !v.ETA.To.Equal(c.Want.To)):
		return fmt.Errorf("ETA %+v; want %+v", v.ETA, c.Want)
	}
	if b, _ := json.Marshal(v.ETA); v.ETA != nil && !strings.Contains(string(b), "+01:00") {
		return fmt.Errorf("ETA %s lost DHL's offset", b)
	}
	return nil
}

// CheckFound reports how v, the view of Found, differs from what it
// must show (Cases.Found).
func CheckFound(v adapters.View) error {
	want := Cases.Found.Events
	if len(v.Events) != len(want) {
		return fmt.Errorf("%d events; want %d", len(v.Events), len(want))
	}
	var errs []error
	for i, w := range want {
		e := v.Events[i]
		if e.Status != w.Status || e.Location == nil || e.Location.City != w.City || w.Description != "" && e.Description != w.Description {
			errs = append(errs, fmt.Errorf("event %d: %s in %+v, %q; want %s in %s, %q", i, e.Status, e.Location, e.Description, w.Status, w.City, w.Description))
		}
	}
	if v.ETA != nil {
		errs = append(errs, fmt.Errorf("a delivered shipment shows an ETA %+v", v.ETA))
	}
	return errors.Join(errs...)
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

// Check reports how what a lookup of Ref returned for the answer differs
// from what it must.
func (l Lookup) Check(p adapters.Parcel, err error) error {
	if want := map[string]error{"not_found": adapters.ErrNotFound, "unavailable": adapters.ErrUnavailable}[l.Error]; want != nil || err != nil {
		if !errors.Is(err, want) {
			return fmt.Errorf("err = %v; want %v", err, want)
		}
		return nil
	}
	if err := adaptertest.CheckView(p.View, Courier, Number, PII); err != nil {
		return err
	}
	got := []adapters.Status{}
	for _, e := range p.View.Events {
		got = append(got, e.Status)
	}
	if !slices.Equal(got, l.Statuses) || p.View.Status != l.Status {
		return fmt.Errorf("statuses %v, view %s; want %v, %s", got, p.View.Status, l.Statuses, l.Status)
	}
	return nil
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
