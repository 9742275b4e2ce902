package declarative

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierfake"
	"github.com/trackgate/trackgate/adapters/dhl/dhlfake"
	"github.com/trackgate/trackgate/adapters/phrases"
)

// The tests of adapters/dhl, ported to the DHL description: the
// declarative adapter reads DHL as the Go adapter does.

func TestConformance(t *testing.T) {
	adaptertest.Run(t, adaptertest.Harness{
		Courier: "dhl",
		Ref:     dhlfake.Ref,
		Open: func(t *testing.T, s adaptertest.Scenario) adapters.Source {
			_, src := startFake(t, s, dhlfake.Found)
			return src
		},
		PII:        dhlfake.PII,
		RetryAfter: dhlfake.RetryAfter,
		EventTimes: dhlfake.EventTimes,
		Status:     adapters.StatusDelivered,
	})
}

func lookupFound(t *testing.T, body string) adapters.View {
	t.Helper()
	_, src := startFake(t, adaptertest.Found, body)
	p, err := src.Lookup(context.Background(), dhlfake.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := adaptertest.CheckView(p.View, "dhl", dhlfake.Number, dhlfake.PII); err != nil {
		t.Fatal(err)
	}
	return p.View
}

func TestFoundShipmentMapsDHLsHistory(t *testing.T) {
	if err := dhlfake.CheckFound(lookupFound(t, dhlfake.Found)); err != nil {
		t.Error(err)
	}
}

func TestETAFromTheTimeFrameOrTheEstimatedTime(t *testing.T) {
	for _, tc := range dhlfake.Cases.ETA {
		t.Run(tc.Name, func(t *testing.T) {
			body, err := tc.Body()
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.Check(lookupFound(t, body)); err != nil {
				t.Error(err)
			}
		})
	}
}

// adapters/dhl's TestETAOfADayIsTheWholeDay.
func TestETAOfADayIsTheWholeDay(t *testing.T) {
	cases := []struct{ estimated, remark, from, to string }{
		{"2026-11-20", "", "2026-11-20T00:00:00+01:00", "2026-11-20T23:59:59+01:00"},
		{"2026-11-20T00:00:00+01:00", "", "2026-11-20T00:00:00+01:00", "2026-11-20T23:59:59+01:00"},
		{"2026-11-20T14:00:00+01:00", "By End of Day", "2026-11-20T14:00:00+01:00", "2026-11-20T23:59:59+01:00"},
		{"2026-11-20T14:00:00+01:00", "", "2026-11-20T14:00:00+01:00", "2026-11-20T14:00:00+01:00"},
	}
	for _, tc := range cases {
		body, err := dhlfake.InTransit(func(sh map[string]any) {
			delete(sh, "estimatedDeliveryTimeFrame")
			sh["destination"] = map[string]any{"address": map[string]any{"countryCode": "DE"}}
			sh["estimatedTimeOfDelivery"], sh["estimatedTimeOfDeliveryRemark"] = tc.estimated, tc.remark
		})
		if err != nil {
			t.Fatal(err)
		}
		v := lookupFound(t, body)
		if v.ETA == nil || v.ETA.From.Format(time.RFC3339) != tc.from || v.ETA.To.Format(time.RFC3339) != tc.to {
			t.Errorf("estimated %q (%q): ETA %+v; want %s to %s", tc.estimated, tc.remark, v.ETA, tc.from, tc.to)
		}
	}
}

// adapters/dhl's TestTimesWithoutAnOffsetAreLocalToTheirPlace, through
// shipments of one event.
func TestTimesWithoutAnOffsetAreLocalToTheirPlace(t *testing.T) {
	const leipzig = `"destination":{"address":{"addressLocality":"LEIPZIG - GERMANY"}},`
	la := `"location":{"address":{"addressLocality":"LOS ANGELES, CA - USA"}},`
	cases := []struct{ destination, at, place, want string }{
		{leipzig, "2026-01-15T09:30:00", la, "2026-01-15T09:30:00-08:00"},
		{leipzig, "2026-07-15T09:30:00", la, "2026-07-15T09:30:00-07:00"},
		{leipzig, "2026-07-15T09:30:00+02:00", la, "2026-07-15T09:30:00+02:00"}, // an offset DHL gives stands
		{leipzig, "2026-07-15T09:30:00", "", "2026-07-15T09:30:00+02:00"},       // the destination's zone
		{leipzig, "2026-07-15T09:30:00", `"location":{"address":{"countryCode":"US"}},`, "2026-07-15T09:30:00+02:00"},
		{"", "2026-07-15T09:30:00", "", "2026-07-15T09:30:00Z"}, // no place anywhere: UTC
	}
	for _, tc := range cases {
		body := `{"shipments":[{"id":"1234567890",` + tc.destination + `"events":[{"timestamp":"` + tc.at + `",` + tc.place + `"statusCode":"transit","description":"Processed"}]}]}`
		v := lookupFound(t, body)
		if got := v.Events[0].Time.Format(time.RFC3339); got != tc.want {
			t.Errorf("%s at %s: %s; want %s", tc.at, tc.place, got, tc.want)
		}
	}
}

// dhlEvent is an event of DHL's answer, as adapters/dhl's tests write one.
type dhlEvent struct{ StatusCode, Status, Description string }

// eventStatus maps one DHL event as the DHL description reads it.
func eventStatus(t *testing.T, e dhlEvent) phrases.Class {
	t.Helper()
	d, err := Carrier("dhl")
	if err != nil {
		t.Fatal(err)
	}
	ev := readEvent(t, map[string]any{"statusCode": e.StatusCode, "status": e.Status, "description": e.Description}, nil)
	return d.spec.Status.eventStatus(ev.code, ev.classify)
}

// The cases adapters/dhl passes too (dhlfake).
func TestEventStatus(t *testing.T) {
	for _, tc := range dhlfake.Cases.EventStatus {
		e := dhlEvent{StatusCode: tc.StatusCode, Status: tc.Status, Description: tc.Description}
		if got := eventStatus(t, e); got != tc.Want {
			t.Errorf("eventStatus(%+v) = %+v; want %+v", e, got, tc.Want)
		}
	}
}

// readEvent reads one raw DHL event with the DHL description, the
// answer's personal names masked.
func readEvent(t *testing.T, raw map[string]any, names []string) event {
	t.Helper()
	d, err := Carrier("dhl")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["timestamp"]; !ok {
		raw["timestamp"] = "2026-11-20T10:31:00+01:00"
	}
	m := mapper{ctx: context.Background(), vars: []any{dhlfake.Number, ""}}
	ev, _ := m.event(&d.spec.Answer.Event, raw, names)
	if m.err != nil {
		t.Fatal(m.err)
	}
	return ev
}

// The cases adapters/dhl passes too (dhlfake), through the description's
// location expression.
func TestLocationOfParsesDHLsLocalities(t *testing.T) {
	for _, tc := range dhlfake.Cases.Places {
		raw := map[string]any{}
		if tc.Locality != nil {
			raw["location"] = map[string]any{"address": map[string]any{"addressLocality": *tc.Locality, "countryCode": tc.Country}}
		}
		var want adapters.Location
		if tc.Want != nil {
			want = *tc.Want
		}
		if got := readEvent(t, raw, nil).loc; got != want {
			t.Errorf("the place of %+v = %+v; want %+v", raw, got, want)
		}
	}
}

// The cases adapters/dhl passes too (dhlfake): a description that is
// only a name is dropped.
func TestADescriptionThatIsOnlyANameIsDropped(t *testing.T) {
	for _, tc := range dhlfake.Cases.Texts {
		raw := map[string]any{"status": tc.Status, "description": tc.Description, "remark": tc.Remark}
		if got := readEvent(t, raw, nil).text; got != tc.Want {
			t.Errorf("the text of %+v = %q; want %q", raw, got, tc.Want)
		}
	}
}

// The cases adapters/dhl passes too (dhlfake): a signer DHL records as a
// place or in the words of its own texts does not rewrite the delivery
// event.
func TestSignerMaskingLeavesTheDeliveryEventsOwnText(t *testing.T) {
	kept := dhlfake.Cases.SignersKept
	for _, signed := range kept.Signed {
		names := signerNames(t, `{"details":{"proofOfDelivery":{"signed":`+string(signed)+`}}}`)
		raw := map[string]any{"status": kept.Event.Status, "description": kept.Event.Description}
		if got := readEvent(t, raw, names).text; got != kept.Event.Description {
			t.Errorf("signed %s: the delivery text became %q", signed, got)
		}
	}
}

// signerNames runs the DHL description's personal expression on a
// shipment.
func signerNames(t *testing.T, shipment string) []string {
	t.Helper()
	d, err := Carrier("dhl")
	if err != nil {
		t.Fatal(err)
	}
	var sh any
	if err := json.Unmarshal([]byte(shipment), &sh); err != nil {
		t.Fatal(err)
	}
	m := mapper{ctx: context.Background(), vars: []any{dhlfake.Number, ""}}
	names := personalNames(m.all(&d.spec.Answer.Personal, sh))
	if m.err != nil {
		t.Fatal(m.err)
	}
	return names
}

func TestSignerNamesAreMaskedWhereverDHLRepeatsThem(t *testing.T) {
	names := signerNames(t, `{"details":{"proofOfDelivery":{"signed":{"type":"Person","name":"Jessica Miller","givenName":"Jessica","familyName":"Miller"}}}}`)
	for _, in := range []string{"Delivered - Signed for by: JESSICA MILLER", "Delivered to miller at the door", "Left with jessica"} {
		got := maskNames(in, names)
		if strings.Contains(strings.ToLower(got), "jessica") || strings.Contains(strings.ToLower(got), "miller") {
			t.Errorf("maskNames(%q) = %q", in, got)
		}
	}
	if got := maskNames("Millerstrasse hub", names); got != "Millerstrasse hub" {
		t.Errorf("maskNames masked inside a word: %q", got)
	}
	if got := maskNames("Signed by LI", signerNames(t, `{"details":{"proofOfDelivery":{"signed":"LI"}}}`)); got != "Signed by **" {
		t.Errorf("a short name became %q; want it masked without growing the text", got)
	}
	// DHL Express puts "Delivered" where the signer's name goes: the
	// delivery's own text stays.
	if got := maskNames("Delivered", signerNames(t, `{"details":{"proofOfDelivery":{"signed":{"@type":"Person","name":"Delivered"}}}}`)); got != "Delivered" {
		t.Errorf("the delivery's text became %q", got)
	}
	if names := signerNames(t, `{"details":{"receiver":{"@type":"Person","organizationName":"EXPRESS","familyName":"Doe","givenName":"John"}}}`); !slices.Equal(names, []string{"John", "Doe"}) {
		t.Errorf("names of the receiver: %q", names)
	}
}

func TestLookupAsksForTheNormalizedNumberWithTheService(t *testing.T) {
	fake := carrierfake.Start(t, dhlfake.API, adaptertest.Found, dhlfake.Number, []byte(dhlfake.Found))
	src := openDHL(t, fake, map[string]string{"api_key": dhlfake.Key, "service": "express"})
	if _, err := src.Lookup(context.Background(), dhlfake.Ref); err != nil {
		t.Fatal(err)
	}
	if q := fake.Tracks()[0].Query; q != "service=express&trackingNumber=1234567890" {
		t.Errorf("query %q", q)
	}
}

// The cases adapters/dhl passes too (dhlfake).
func TestLookups(t *testing.T) {
	for _, tc := range dhlfake.Cases.Lookups {
		t.Run(tc.Name, func(t *testing.T) {
			_, src := startFake(t, adaptertest.Found, string(tc.Body))
			p, err := src.Lookup(context.Background(), dhlfake.Ref)
			if err := tc.Check(p, err); err != nil {
				t.Error(err)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(dhlfake.Found))
	f.Add([]byte(`{"shipments":[{"id":"1","status":{"statusCode":"unknown","timestamp":"2026-11-20"}}]}`))
	f.Add([]byte(`{"shipments":[{"id":1234567890,"events":[{"timestamp":"2021-04-26T11:42:00","description":"Delivered","location":{"address":{"addressLocality":"NEW YORK, NY - USA"}}}]}]}`))
	d, err := Carrier("dhl")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := d.read(context.Background(), "dhl", dhlfake.Number, []any{dhlfake.Number, ""}, body)
		if err != nil {
			return
		}
		if p.Version == 0 {
			t.Fatal("version 0")
		}
		if err := adaptertest.CheckView(p.View, "dhl", dhlfake.Number, nil); err != nil {
			t.Fatalf("view from %s: %v", body, err)
		}
	})
}

func TestOpenRefusesBadOptions(t *testing.T) {
	t.Setenv("DHL_API_KEY", "")
	for name, options := range map[string]map[string]string{
		"no key":              {"carrier": "dhl", "base_url": "https://api-eu.dhl.com"},
		"unknown option":      {"carrier": "dhl", "api_key": "k", "apikey": "k"},
		"bad base URL":        {"carrier": "dhl", "api_key": "k", "base_url": "api-eu.dhl.com"},
		"bad timeout":         {"carrier": "dhl", "api_key": "k", "timeout": "0"},
		"no description":      {"api_key": "k"},
		"two descriptions":    {"carrier": "dhl", "file": "dhl.yaml", "api_key": "k"},
		"unknown carrier":     {"carrier": "dhl-express", "api_key": "k"},
		"key in an empty env": {"carrier": "dhl", "api_key_env": "DHL_API_KEY"},
	} {
		if _, err := adapters.Open(AdapterName, options); err == nil {
			t.Errorf("%s: Open(%v) succeeded", name, options)
		}
	}
	if _, err := adapters.Open(AdapterName, map[string]string{"carrier": "dhl", "api_key": "k"}); err != nil {
		t.Errorf("Open with a key: %v", err)
	}
	t.Setenv("TG_TEST_DHL_KEY", "k")
	if _, err := adapters.Open(AdapterName, map[string]string{"carrier": "dhl", "api_key_env": "TG_TEST_DHL_KEY"}); err != nil {
		t.Errorf("Open with the key in the environment: %v", err)
	}
}

func TestLookupRetriesAfterTheWaitDHLAsksFor(t *testing.T) {
	fake, src := startFake(t, adaptertest.Found, dhlfake.Found)
	fake.First = []adaptertest.Scenario{adaptertest.RateLimited}
	fake.RetryAfter = "3"
	var waits []time.Duration
	src.client.Sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	if _, err := src.Lookup(context.Background(), dhlfake.Ref); err != nil {
		t.Fatalf("Lookup after a 429: %v", err)
	}
	if len(waits) != 1 || waits[0] != 3*time.Second || len(fake.Tracks()) != 2 {
		t.Errorf("waits %v over %d requests; want one wait of 3s between two requests", waits, len(fake.Tracks()))
	}
}
