package declarative

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/phrases"
)

// The tests of adapters/dhl, ported to the DHL description: the
// declarative adapter reads DHL as the Go adapter does.

func TestConformance(t *testing.T) {
	adaptertest.Run(t, adaptertest.Harness{
		Courier: "dhl",
		Ref:     foundRef,
		Open: func(t *testing.T, s adaptertest.Scenario) adapters.Source {
			_, src := startFake(t, s, foundShipment)
			return src
		},
		PII:        foundPII,
		RetryAfter: retryAfter,
		EventTimes: foundEventTimes,
		Status:     adapters.StatusDelivered,
	})
}

func lookupFound(t *testing.T, body string) adapters.View {
	t.Helper()
	_, src := startFake(t, adaptertest.Found, body)
	p, err := src.Lookup(context.Background(), foundRef)
	if err != nil {
		t.Fatal(err)
	}
	if err := adaptertest.CheckView(p.View, "dhl", foundNumber, foundPII); err != nil {
		t.Fatal(err)
	}
	return p.View
}

func TestFoundShipmentMapsDHLsHistory(t *testing.T) {
	v := lookupFound(t, foundShipment)
	want := []struct {
		status adapters.Status
		city   string
	}{
		{adapters.StatusInfoReceived, "LONDON"},
		{adapters.StatusInTransit, "LONDON-HEATHROW"},
		{adapters.StatusInTransit, "AMSTERDAM"},
		{adapters.StatusOutForDelivery, "AMSTERDAM"}, // "Oderweg 2, AMSTERDAM": the street is gone
		{adapters.StatusDelivered, "AMSTERDAM"},
	}
	if len(v.Events) != len(want) {
		t.Fatalf("%d events; want %d", len(v.Events), len(want))
	}
	for i, w := range want {
		e := v.Events[i]
		if e.Status != w.status || e.Location == nil || e.Location.City != w.city {
			t.Errorf("event %d: %s in %+v; want %s in %s", i, e.Status, e.Location, w.status, w.city)
		}
	}
	if v.ETA != nil {
		t.Errorf("a delivered shipment shows an ETA %+v", v.ETA)
	}
	if got := v.Events[4].Description; got != "Delivered - Signed for by: [name]" {
		t.Errorf("delivery text %q; want the signer masked", got)
	}
}

// inTransit edits foundShipment into one still on its way.
func inTransit(t *testing.T, edit func(sh map[string]any)) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(foundShipment), &doc); err != nil {
		t.Fatal(err)
	}
	sh := doc["shipments"].([]any)[0].(map[string]any)
	events := sh["events"].([]any)
	sh["events"] = events[2:] // up to arrival at the sort facility
	sh["status"] = events[2]
	delete(sh["details"].(map[string]any), "proofOfDelivery")
	edit(sh)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestETAFromTheTimeFrameOrTheEstimatedTime(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	cases := []struct {
		name string
		edit func(sh map[string]any)
		want *adapters.ETA
	}{
		{"time frame first", func(map[string]any) {}, &adapters.ETA{
			From: time.Date(2026, 11, 20, 9, 0, 0, 0, cet), To: time.Date(2026, 11, 20, 18, 0, 0, 0, cet)}},
		{"estimated time alone", func(sh map[string]any) { delete(sh, "estimatedDeliveryTimeFrame") }, &adapters.ETA{
			From: time.Date(2026, 11, 20, 18, 0, 0, 0, cet), To: time.Date(2026, 11, 20, 18, 0, 0, 0, cet)}},
		{"a frame that ends before it starts falls back", func(sh map[string]any) {
			sh["estimatedDeliveryTimeFrame"] = map[string]any{"estimatedFrom": "2026-11-21T09:00:00+01:00", "estimatedThrough": "2026-11-20T09:00:00+01:00"}
		}, &adapters.ETA{From: time.Date(2026, 11, 20, 18, 0, 0, 0, cet), To: time.Date(2026, 11, 20, 18, 0, 0, 0, cet)}},
		{"none", func(sh map[string]any) {
			delete(sh, "estimatedDeliveryTimeFrame")
			delete(sh, "estimatedTimeOfDelivery")
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := lookupFound(t, inTransit(t, tc.edit))
			if v.Status != adapters.StatusInTransit {
				t.Fatalf("status %s; want in_transit", v.Status)
			}
			switch {
			case tc.want == nil && v.ETA != nil:
				t.Errorf("ETA %+v; want none", v.ETA)
			case tc.want != nil && (v.ETA == nil || !v.ETA.From.Equal(tc.want.From) || !v.ETA.To.Equal(tc.want.To)):
				t.Errorf("ETA %+v; want %+v", v.ETA, tc.want)
			}
			if b, _ := json.Marshal(v.ETA); v.ETA != nil && !strings.Contains(string(b), "+01:00") {
				t.Errorf("ETA %s lost DHL's offset", b)
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
		v := lookupFound(t, inTransit(t, func(sh map[string]any) {
			delete(sh, "estimatedDeliveryTimeFrame")
			sh["destination"] = map[string]any{"address": map[string]any{"countryCode": "DE"}}
			sh["estimatedTimeOfDelivery"], sh["estimatedTimeOfDeliveryRemark"] = tc.estimated, tc.remark
		}))
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

// The table of adapters/dhl's TestEventStatus, case for case.
func TestEventStatus(t *testing.T) {
	cases := []struct {
		e    dhlEvent
		want phrases.Class
	}{
		{dhlEvent{StatusCode: "pre-transit", Description: "Shipment information received"}, phrases.Class{Status: adapters.StatusInfoReceived}},
		{dhlEvent{StatusCode: "pre-transit", Status: "DELIVERED", Description: "JESSICA"}, phrases.Class{Status: adapters.StatusInfoReceived}},
		{dhlEvent{StatusCode: "transit", Description: "Arrived at Sort Facility"}, phrases.Class{Status: adapters.StatusInTransit}},
		{dhlEvent{StatusCode: "transit", Status: "WITH DELIVERY COURIER"}, phrases.Class{Status: adapters.StatusOutForDelivery}},
		{dhlEvent{StatusCode: "transit", Description: "The shipment is out for delivery"}, phrases.Class{Status: adapters.StatusOutForDelivery}},
		{dhlEvent{StatusCode: "transit", Description: "The shipment is ready for pickup at the Packstation"}, phrases.Class{Status: adapters.StatusAvailableForPickup, Substatus: phrases.Locker}},
		{dhlEvent{StatusCode: "transit", Description: "Clearance processing complete at LEIPZIG - GERMANY"}, phrases.Class{Status: adapters.StatusInTransit, Substatus: phrases.CustomsCleared}},
		{dhlEvent{StatusCode: "transit", Description: "The shipment has been delivered"}, phrases.Class{Status: adapters.StatusInTransit}},
		{dhlEvent{StatusCode: "delivered", Description: "Delivered"}, phrases.Class{Status: adapters.StatusDelivered}},
		{dhlEvent{StatusCode: "delivered", Description: "The shipment has been delivered to the PACKSTATION"}, phrases.Class{Status: adapters.StatusAvailableForPickup, Substatus: phrases.Locker}},
		{dhlEvent{StatusCode: "delivered", Description: "The shipment has been returned to the sender"}, phrases.Class{Status: adapters.StatusReturned}},
		{dhlEvent{StatusCode: "failure", Description: "Customs clearance delayed"}, phrases.Class{Status: adapters.StatusException}},
		{dhlEvent{StatusCode: "failure", Description: "A delivery attempt was made; recipient not at home"}, phrases.Class{Status: adapters.StatusAttemptFailed}},
		{dhlEvent{StatusCode: "failure", Description: "The shipment could not be delivered"}, phrases.Class{Status: adapters.StatusAttemptFailed}},
		{dhlEvent{StatusCode: "failure", Description: "Shipment returned to shipper"}, phrases.Class{Status: adapters.StatusReturned}},
		{dhlEvent{StatusCode: "failure", Description: "The shipment is being returned to the sender"}, phrases.Class{Status: adapters.StatusException, Substatus: phrases.ReturningToSender}},
		{dhlEvent{StatusCode: "failure", Description: "Shipment is on hold"}, phrases.Class{Status: adapters.StatusException, Substatus: phrases.Held}},
		// DHL Express: no statusCode, the text says it all.
		{dhlEvent{Description: "Shipment is out with courier for delivery"}, phrases.Class{Status: adapters.StatusOutForDelivery}},
		{dhlEvent{Description: "Delivered"}, phrases.Class{Status: adapters.StatusDelivered}},
		{dhlEvent{Description: "Customs clearance status updated. Note - The Customs clearance process may start while the shipment is in transit to the destination."}, phrases.Class{Status: adapters.StatusInTransit, Substatus: phrases.Customs}},
		{dhlEvent{Description: "Payment is received and recorded for shipment related fees"}, phrases.Class{}},
		{dhlEvent{StatusCode: "unknown", Description: "Delivered"}, phrases.Class{Status: adapters.StatusDelivered}},
		{dhlEvent{StatusCode: "unknown"}, phrases.Class{}},
		{dhlEvent{StatusCode: "in-customs"}, phrases.Class{Status: adapters.StatusInTransit, Substatus: "dhl_in-customs"}},
		{dhlEvent{StatusCode: "Delivered to Jane Doe +44 20 7946 0958"}, phrases.Class{Status: adapters.StatusInTransit, Substatus: "dhl_unrecognized"}},
		// Beyond adapters/dhl's table.
		{dhlEvent{Description: "With delivery courier"}, phrases.Class{Status: adapters.StatusOutForDelivery}},
		{dhlEvent{Description: "Processed at KARACHI - PAKISTAN"}, phrases.Class{Status: adapters.StatusInTransit}},
		{dhlEvent{StatusCode: "unknown", Status: "LABEL CREATED"}, phrases.Class{Status: adapters.StatusInfoReceived}},
	}
	for _, tc := range cases {
		if got := eventStatus(t, tc.e); got != tc.want {
			t.Errorf("eventStatus(%+v) = %+v; want %+v", tc.e, got, tc.want)
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
	m := mapper{ctx: context.Background(), vars: []any{foundNumber, ""}}
	ev, _ := m.event(&d.spec.Answer.Event, raw, names)
	if m.err != nil {
		t.Fatal(m.err)
	}
	return ev
}

// adapters/dhl's TestLocationOfParsesDHLsLocalities, through the
// description's location expression, and a few more.
func TestLocationOfParsesDHLsLocalities(t *testing.T) {
	loc := func(locality, country string) map[string]any {
		return map[string]any{"location": map[string]any{"address": map[string]any{"addressLocality": locality, "countryCode": country}}}
	}
	cases := []struct {
		raw  map[string]any
		want adapters.Location
	}{
		{loc("LOS ANGELES, CA - USA", "US"), adapters.Location{City: "LOS ANGELES", Region: "CA", Country: "US"}},
		{loc("Henderson, NV, US", ""), adapters.Location{City: "Henderson", Region: "NV", Country: "US"}},
		{loc("MANILA - PHILIPPINES, THE", ""), adapters.Location{City: "MANILA", Country: "PH"}},
		{loc("Oderweg 2, AMSTERDAM", "NL"), adapters.Location{City: "AMSTERDAM", Country: "NL"}},
		{loc("Contact Jane Doe, Paris", "FR"), adapters.Location{City: "Paris", Country: "FR"}},
		{loc("Keizersgracht 123", ""), adapters.Location{}},
		{map[string]any{}, adapters.Location{}},
		// Beyond adapters/dhl's table.
		{loc("Bonn", ""), adapters.Location{City: "Bonn"}},
		{loc("LEIPZIG - GERMANY", ""), adapters.Location{City: "LEIPZIG", Country: "DE"}},
		{loc("AMSTERDAM HUB", "NL"), adapters.Location{City: "AMSTERDAM", Country: "NL"}}, // a hub is its city
		{loc("NEW YORK, NY - EAST ELMHURST - USA", ""), adapters.Location{City: "NEW YORK", Region: "NY", Country: "US"}},
		{loc("Postfiliale 502, 53113", "DE"), adapters.Location{Country: "DE"}},
		{loc("Deutschland", ""), adapters.Location{Country: "DE"}},
		{loc("  ", ""), adapters.Location{}},
	}
	for _, tc := range cases {
		if got := readEvent(t, tc.raw, nil).loc; got != tc.want {
			t.Errorf("the place of %+v = %+v; want %+v", tc.raw, got, tc.want)
		}
	}
}

// adapters/dhl's TestADescriptionThatIsOnlyANameIsDropped.
func TestADescriptionThatIsOnlyANameIsDropped(t *testing.T) {
	cases := []struct {
		status, description, remark string
		want                        string
	}{
		{"DELIVERED", "JESSICA", "The shipment is pending completion of customs inspection.", "The shipment is pending completion of customs inspection."},
		{"DELIVERED", "JESSICA", "", "DELIVERED"},
		{"delivered", "Delivered", "", "Delivered"},
		{"transit", "Clearance Event", "", "Clearance Event"},
		{"transit", "JESSICA", "", "JESSICA"}, // not where DHL puts a signer
	}
	for _, tc := range cases {
		raw := map[string]any{"status": tc.status, "description": tc.description, "remark": tc.remark}
		if got := readEvent(t, raw, nil).text; got != tc.want {
			t.Errorf("the text of %+v = %q; want %q", raw, got, tc.want)
		}
	}
}

// adapters/dhl's TestSignerMaskingLeavesTheDeliveryEventsOwnText: a
// signer DHL records as a place or in the words of its own texts does not
// rewrite the delivery event.
func TestSignerMaskingLeavesTheDeliveryEventsOwnText(t *testing.T) {
	for _, signed := range []string{`"FRONT DOOR"`, `"DELIVERED"`, `{"@type":"Person","name":"Delivered"}`} {
		names := signerNames(t, `{"details":{"proofOfDelivery":{"signed":`+signed+`}}}`)
		raw := map[string]any{"status": "DELIVERED", "description": "Delivered - Left at Front Door"}
		if got := readEvent(t, raw, names).text; got != "Delivered - Left at Front Door" {
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
	m := mapper{ctx: context.Background(), vars: []any{foundNumber, ""}}
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
	fake := &fakeDHL{scenario: adaptertest.Found, body: foundShipment}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	src := openDHL(t, srv, map[string]string{"api_key": fakeKey, "service": "express"})
	if _, err := src.Lookup(context.Background(), foundRef); err != nil {
		t.Fatal(err)
	}
	if q := fake.queries[0]; q != "service=express&trackingNumber=1234567890" {
		t.Errorf("query %q", q)
	}
}

func TestAShipmentWithNothingDatedIsMalformed(t *testing.T) {
	_, src := startFake(t, adaptertest.Found, `{"shipments":[{"id":"1234567890","status":{"statusCode":"transit"},"events":[]}]}`)
	if _, err := src.Lookup(context.Background(), foundRef); !errors.Is(err, adapters.ErrUnavailable) {
		t.Errorf("err = %v; want ErrUnavailable", err)
	}
	_, src = startFake(t, adaptertest.Found, `{"shipments":[]}`)
	if _, err := src.Lookup(context.Background(), foundRef); !errors.Is(err, adapters.ErrNotFound) {
		t.Errorf("no shipments: err = %v; want ErrNotFound", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(foundShipment))
	f.Add([]byte(`{"shipments":[{"id":"1","status":{"statusCode":"unknown","timestamp":"2026-11-20"}}]}`))
	f.Add([]byte(`{"shipments":[{"id":1234567890,"events":[{"timestamp":"2021-04-26T11:42:00","description":"Delivered","location":{"address":{"addressLocality":"NEW YORK, NY - USA"}}}]}]}`))
	d, err := Carrier("dhl")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := d.read(context.Background(), "dhl", foundNumber, []any{foundNumber, ""}, body)
		if err != nil {
			return
		}
		if p.Version == 0 {
			t.Fatal("version 0")
		}
		if err := adaptertest.CheckView(p.View, "dhl", foundNumber, nil); err != nil {
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
	fake, src := startFake(t, adaptertest.Found, foundShipment)
	fake.first = []adaptertest.Scenario{adaptertest.RateLimited}
	fake.retryAfter = "3"
	var waits []time.Duration
	src.client.Sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	if _, err := src.Lookup(context.Background(), foundRef); err != nil {
		t.Fatalf("Lookup after a 429: %v", err)
	}
	if len(waits) != 1 || waits[0] != 3*time.Second || len(fake.queries) != 2 {
		t.Errorf("waits %v over %d requests; want one wait of 3s between two requests", waits, len(fake.queries))
	}
}

func TestAnUnknownEventKeepsTheStatusBeforeIt(t *testing.T) {
	body := `{"shipments":[{"id":"1234567890","events":[
		{"timestamp":"2026-11-19T08:00:00Z","statusCode":"unknown","description":"Tracking details updated"},
		{"timestamp":"2026-11-18T08:00:00Z","statusCode":"transit","description":"Processed"},
		{"timestamp":"2026-11-17T08:00:00Z","statusCode":"pre-transit","description":"Label created"}]}]}`
	v := lookupFound(t, body)
	got := []adapters.Status{}
	for _, e := range v.Events {
		got = append(got, e.Status)
	}
	want := []adapters.Status{adapters.StatusInfoReceived, adapters.StatusInTransit, adapters.StatusInTransit}
	if !slices.Equal(got, want) || v.Status != adapters.StatusInTransit {
		t.Errorf("statuses %v, view %s; want %v, in_transit", got, v.Status, want)
	}
}
