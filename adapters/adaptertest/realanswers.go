package adaptertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

// A real answer is a carrier's answer published by someone else (an SDK's
// test fixture, an API sample, an app's recorded response), kept verbatim
// in DIR/NAME.json next to DIR/NAME.want.json, which says what a careful
// reader of that answer expects the adapter to make of it. DIR/README.md
// cites the source of every answer. The expectations are written by a
// person reading the answer, never generated from the adapter's output.
//
// Want is the content of a NAME.want.json file.
type Want struct {
	// Ref is the parcel the adapter is asked about; its tracking number
	// is the one in the answer.
	Ref Ref `json:"ref"`
	// HTTPStatus is the status the carrier served the answer with (200
	// when absent).
	HTTPStatus int `json:"http_status,omitempty"`
	// Error, when set, is the class of error expected instead of a view:
	// "not_found", "unavailable" or "misconfigured".
	Error string `json:"error,omitempty"`
	// View is the view expected, without courier and tracking number
	// (the harness's), updated_at (the adapter's choice) and handoffs
	// unless listed.
	View *adapters.View `json:"view,omitempty"`
	// PII lists personal data the answer carries, none of which may
	// reach the view.
	PII []string `json:"pii,omitempty"`
}

// Ref is adapters.ParcelRef in a want file.
type Ref struct {
	TrackingNumber string   `json:"tracking_number"`
	Factors        []string `json:"factors,omitempty"`
}

func (r Ref) parcelRef() adapters.ParcelRef {
	return adapters.ParcelRef{TrackingNumber: r.TrackingNumber, Factors: r.Factors}
}

// Serve returns an adapter connected to a fake carrier that answers every
// tracking request of the adapter with body and status (the fake still
// plays the carrier's authentication, e.g. an OAuth token endpoint).
type Serve func(t *testing.T, status int, body []byte) adapters.Source

var wantErrors = map[string]error{
	"not_found":     adapters.ErrNotFound,
	"unavailable":   adapters.ErrUnavailable,
	"misconfigured": adapters.ErrMisconfigured,
}

// RealAnswers runs the adapter serve opens over every real answer in dir,
// as one subtest each, and checks the outcome against its want file: the
// error class, or the view's status, substatus, ETA, events (time,
// status, description, place) and handoffs, and the conformance checks of
// CheckView. It fails when dir holds no answer or an answer lacks a want
// file or a citation in dir/README.md.
func RealAnswers(t *testing.T, dir, courier string, serve Serve) {
	t.Helper()
	answers, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	answers = slices.DeleteFunc(answers, func(p string) bool { return strings.HasSuffix(p, ".want.json") })
	if len(answers) == 0 {
		t.Fatalf("adaptertest: no real answers in %s", dir)
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatalf("adaptertest: the real answers in %s need a README.md citing their sources: %v", dir, err)
	}
	for _, answer := range answers {
		name := strings.TrimSuffix(filepath.Base(answer), ".json")
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(string(readme), name+".json") {
				t.Errorf("%s/README.md does not cite the source of %s.json", dir, name)
			}
			body, err := os.ReadFile(answer)
			if err != nil {
				t.Fatal(err)
			}
			want, err := readWant(strings.TrimSuffix(answer, ".json") + ".want.json")
			if err != nil {
				t.Fatal(err)
			}
			status := want.HTTPStatus
			if status == 0 {
				status = 200
			}
			src := serve(t, status, body)
			ref := want.Ref.parcelRef()
			p, err := src.Lookup(context.Background(), ref)
			if want.Error != "" {
				if cerr := CheckError(err, wantErrors[want.Error], ref); cerr != nil {
					t.Fatal(cerr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Lookup: %v", err)
			}
			if err := CheckView(p.View, courier, want.Ref.TrackingNumber, want.PII); err != nil {
				t.Error(err)
			}
			if data, err := json.Marshal(p.View); err != nil || CheckViewJSON(data, want.PII) != nil {
				t.Errorf("the view's wire form breaks the rules: %v %v", err, CheckViewJSON(data, want.PII))
			}
			if diff := DiffView(p.View, *want.View); diff != "" {
				t.Errorf("the view read from %s.json differs from what %s.want.json expects:\n%s", name, name, diff)
			}
		})
	}
}

func readWant(path string) (Want, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Want{}, fmt.Errorf("every real answer needs its want file: %w", err)
	}
	var w Want
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Want{}, fmt.Errorf("read %s: %w", path, err)
	}
	switch {
	case w.Ref.TrackingNumber == "":
		return Want{}, fmt.Errorf("%s: ref.tracking_number is required", path)
	case w.Error != "" && wantErrors[w.Error] == nil:
		return Want{}, fmt.Errorf("%s: error %q is not one of not_found, unavailable, misconfigured", path, w.Error)
	case w.Error != "" && w.View != nil, w.Error == "" && w.View == nil:
		return Want{}, errors.New(path + ": exactly one of error and view is expected")
	}
	return w, nil
}

// DiffView lists, one line each, where got differs from want in what a
// reader of the view sees: status, substatus, ETA, handoffs, and each
// event's time (as an instant), status, description and place. It
// returns "" when they agree. Courier, tracking number and updated_at
// are not compared.
func DiffView(got, want adapters.View) string {
	var b strings.Builder
	diff := func(what string, g, w any) {
		gs, ws := fmt.Sprint(g), fmt.Sprint(w)
		if gs != ws {
			fmt.Fprintf(&b, "  %s: got %s, want %s\n", what, gs, ws)
		}
	}
	diff("status", got.Status, want.Status)
	diff("substatus", quote(got.Substatus), quote(want.Substatus))
	diff("eta", eta(got.ETA), eta(want.ETA))
	diff("handoffs", got.Handoffs, want.Handoffs)
	diff("number of events", len(got.Events), len(want.Events))
	for i := range min(len(got.Events), len(want.Events)) {
		g, w := got.Events[i], want.Events[i]
		at := fmt.Sprintf("event %d ", i)
		if !g.Time.Equal(w.Time) {
			diff(at+"time", g.Time.Format("2006-01-02T15:04:05Z07:00"), w.Time.Format("2006-01-02T15:04:05Z07:00"))
		}
		diff(at+"status", g.Status, w.Status)
		diff(at+"description", quote(g.Description), quote(w.Description))
		diff(at+"location", place(g.Location), place(w.Location))
	}
	return b.String()
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func eta(e *adapters.ETA) string {
	if e == nil {
		return "none"
	}
	return e.From.UTC().Format("2006-01-02T15:04Z") + " – " + e.To.UTC().Format("2006-01-02T15:04Z")
}

func place(l *adapters.Location) string {
	if l == nil {
		return "none"
	}
	return fmt.Sprintf("city=%q region=%q country=%q", l.City, l.Region, l.Country)
}
