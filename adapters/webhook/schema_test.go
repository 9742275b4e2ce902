package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/trackgate/trackgate/adapters/scrub"
	"github.com/trackgate/trackgate/crypto"
)

// schemaFile is the published JSON Schema of POST /v1/events.
const schemaFile = "../../docs/webhook-events.schema.json"

var schemaNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const fullEvent = `{
  "tracking_number": "ap 1000-0000-01",
  "factors": ["8000"],
  "time": "2026-05-30T08:00:00.250+08:00",
  "status": "out_for_delivery",
  "substatus": "OFD:van-12",
  "description": "快件已派送，快递员：李四，电话 13800138000",
  "location": {"city": "Hangzhou", "region": "Zhejiang", "country": "cn"},
  "eta": {"from": "2026-05-30T09:00:00+08:00", "to": "2026-05-30T18:00:00+08:00"},
  "handoff": {"courier": "last-mile", "tracking_number": "LM0000111122"}
}`

const minimalEvent = `{"tracking_number":"AP1000000002","time":"2026-05-30T00:00:00Z","status":"in_transit","description":"Departed"}`

// withEvent replaces or removes (nil) members of the minimal event.
func withEvent(changes map[string]any) string {
	var e map[string]any
	_ = json.Unmarshal([]byte(minimalEvent), &e)
	for k, v := range changes {
		if v == nil {
			delete(e, k)
		} else {
			e[k] = v
		}
	}
	data, _ := json.Marshal(map[string]any{"events": []any{e}})
	return string(data)
}

// schemaCases are bodies on which the published schema and the adapter
// must agree. (The adapter refuses more than a schema can express; those
// cases are tested through the API.)
var schemaCases = []struct {
	name  string
	body  string
	valid bool
}{
	{"full event", `{"events":[` + fullEvent + `]}`, true},
	{"minimal event", `{"events":[` + minimalEvent + `]}`, true},
	{"negative offset", withEvent(map[string]any{"time": "2026-05-29T20:00:00-04:00"}), true},
	{"empty location", withEvent(map[string]any{"location": map[string]any{}}), true},
	{"no events member", `{}`, false},
	{"empty events", `{"events":[]}`, false},
	{"events not a list", `{"events":{}}`, false},
	{"unknown member", `{"events":[` + minimalEvent + `],"courier":"x"}`, false},
	{"unknown event member", withEvent(map[string]any{"recipient": "Zhang San"}), false},
	{"no tracking number", withEvent(map[string]any{"tracking_number": nil}), false},
	{"tracking number with a slash", withEvent(map[string]any{"tracking_number": "AP10/00000"}), false},
	{"no time", withEvent(map[string]any{"time": nil}), false},
	{"time without offset", withEvent(map[string]any{"time": "2026-05-30T08:00:00"}), false},
	{"time as a date", withEvent(map[string]any{"time": "2026-05-30"}), false},
	{"time as a number", withEvent(map[string]any{"time": 1780000000}), false},
	{"no status", withEvent(map[string]any{"status": nil}), false},
	{"unknown status", withEvent(map[string]any{"status": "shipped"}), false},
	{"no description", withEvent(map[string]any{"description": nil}), false},
	{"blank description", withEvent(map[string]any{"description": "  "}), false},
	{"description with a line break", withEvent(map[string]any{"description": "one\ntwo"}), false},
	{"description too long", withEvent(map[string]any{"description": strings.Repeat("x", 1001)}), false},
	{"factor of 5 digits", withEvent(map[string]any{"factors": []string{"12345"}}), false},
	{"nine factors", withEvent(map[string]any{"factors": []string{"0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009"}}), false},
	{"substatus with spaces", withEvent(map[string]any{"substatus": "left at door"}), false},
	{"country of 3 letters", withEvent(map[string]any{"location": map[string]any{"country": "CHN"}}), false},
	{"street in location", withEvent(map[string]any{"location": map[string]any{"street": "1 Main St"}}), false},
	{"eta without to", withEvent(map[string]any{"eta": map[string]any{"from": "2026-05-30T09:00:00+08:00"}}), false},
	{"handoff to a bad courier id", withEvent(map[string]any{"handoff": map[string]any{"courier": "Other", "tracking_number": "OP1234567"}}), false},
}

func TestPublishedSchemaAgreesWithTheAdapter(t *testing.T) {
	f, err := os.Open(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s does not parse: %v", schemaFile, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("webhook-events.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("webhook-events.schema.json")
	if err != nil {
		t.Fatalf("%s does not compile: %v", schemaFile, err)
	}
	tooMany := `{"events":[` + strings.TrimSuffix(strings.Repeat(minimalEvent+",", MaxEventsPerRequest+1), ",") + `]}`
	cases := append(schemaCases, struct {
		name  string
		body  string
		valid bool
	}{"1001 events", tooMany, false})
	factorsOnly := map[string]bool{"full event": true, "factor of 5 digits": true, "nine factors": true}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			schemaErr := schema.Validate(inst)
			if (schemaErr == nil) != tc.valid {
				t.Errorf("schema: valid = %v, want %v (%v)", schemaErr == nil, tc.valid, schemaErr)
			}
			kind := crypto.FactorNone
			if factorsOnly[tc.name] {
				kind = crypto.FactorPhoneLast4
			}
			adapterOK := acceptedByAdapter(tc.body, kind)
			if adapterOK != tc.valid {
				t.Errorf("adapter: valid = %v, want %v", adapterOK, tc.valid)
			}
		})
	}
}

func acceptedByAdapter(body, factorKind string) bool {
	var req EventsRequest
	if decodeBody(strings.NewReader(body), &req) != nil {
		return false
	}
	_, bad := validateEvents(req, factorKind, schemaNow)
	return bad == nil
}

// FuzzValidateEvents checks that no body makes decoding or validation
// panic, and that what they accept is what the views may hold.
func FuzzValidateEvents(f *testing.F) {
	for _, tc := range schemaCases {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req EventsRequest
		if decodeBody(bytes.NewReader(body), &req) != nil {
			return
		}
		for _, kind := range []string{crypto.FactorNone, crypto.FactorPhoneLast4} {
			events, bad := validateEvents(req, kind, schemaNow)
			if bad != nil {
				if bad.total == 0 || len(bad.list) == 0 || len(bad.list) > maxProblems {
					t.Fatalf("problems %+v", bad)
				}
				continue
			}
			if len(events) != len(req.Events) {
				t.Fatalf("%d events accepted of %d", len(events), len(req.Events))
			}
			for _, e := range events {
				checkAccepted(t, e, kind)
			}
		}
	})
}

func checkAccepted(t *testing.T, e event, kind string) {
	t.Helper()
	s := e.stored
	if tn, err := crypto.NormalizeTrackingNumber(e.TrackingNumber); err != nil || tn != e.TrackingNumber {
		t.Fatalf("accepted tracking number %q", e.TrackingNumber)
	}
	for _, f := range e.Factors {
		if crypto.CheckFactor(kind, f) != nil {
			t.Fatalf("accepted factor %q for %s", f, kind)
		}
	}
	if !s.Status.Valid() || s.Time.IsZero() || s.Time.After(schemaNow.Add(maxClockSkew)) {
		t.Fatalf("accepted status %q time %s", s.Status, s.Time)
	}
	texts := []string{s.Description}
	if s.Location != nil {
		texts = append(texts, s.Location.City, s.Location.Region)
	}
	for _, text := range texts {
		if scrub.Has(text) {
			t.Fatalf("accepted text still holds personal data: %q", text)
		}
	}
	if s.Description == "" {
		t.Fatal("accepted an empty description")
	}
	if s.ETA != nil && s.ETA.To.Before(s.ETA.From) {
		t.Fatalf("accepted eta %+v", s.ETA)
	}
	if s.Handoff != nil && (crypto.CheckCourierID(s.Handoff.Courier) != nil || s.Handoff.TrackingNumber == "") {
		t.Fatalf("accepted handoff %+v", s.Handoff)
	}
	if _, err := json.Marshal(s); err != nil {
		t.Fatal(fmt.Errorf("accepted event does not encode: %w", err))
	}
}
