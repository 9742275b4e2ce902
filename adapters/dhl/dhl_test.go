package dhl

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
)

func TestConformance(t *testing.T) {
	adaptertest.Run(t, adaptertest.Harness{
		Courier: DefaultCourier,
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
	if err := adaptertest.CheckView(p.View, DefaultCourier, foundNumber, foundPII); err != nil {
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

func TestEventStatus(t *testing.T) {
	cases := []struct {
		e        event
		previous adapters.Status
		has      bool
		want     adapters.Status
		sub      string
	}{
		{event{StatusCode: "pre-transit", Description: "Shipment information received"}, "", false, adapters.StatusInfoReceived, ""},
		{event{StatusCode: "transit", Description: "Arrived at Sort Facility"}, "", false, adapters.StatusInTransit, ""},
		{event{StatusCode: "transit", Status: "WITH DELIVERY COURIER"}, "", false, adapters.StatusOutForDelivery, ""},
		{event{StatusCode: "transit", Description: "The shipment is out for delivery"}, "", false, adapters.StatusOutForDelivery, ""},
		{event{StatusCode: "transit", Description: "The shipment is ready for pickup at the Packstation"}, "", false, adapters.StatusAvailableForPickup, ""},
		{event{StatusCode: "delivered", Description: "Delivered"}, "", false, adapters.StatusDelivered, ""},
		{event{StatusCode: "delivered", Description: "The shipment has been returned to the sender"}, "", false, adapters.StatusReturned, ""},
		{event{StatusCode: "failure", Description: "Customs clearance delayed"}, "", false, adapters.StatusException, ""},
		{event{StatusCode: "failure", Description: "A delivery attempt was made; recipient not at home"}, "", false, adapters.StatusAttemptFailed, ""},
		{event{StatusCode: "failure", Description: "The shipment could not be delivered"}, "", false, adapters.StatusAttemptFailed, ""},
		{event{StatusCode: "failure", Description: "Shipment returned to shipper"}, "", false, adapters.StatusReturned, ""},
		{event{StatusCode: "failure", Description: "The shipment is being returned to the sender"}, "", false, adapters.StatusException, "returning_to_sender"},
		{event{StatusCode: "unknown"}, "", false, adapters.StatusPending, ""},
		{event{StatusCode: "unknown", Description: "Delivered"}, adapters.StatusOutForDelivery, true, adapters.StatusOutForDelivery, ""},
		{event{StatusCode: "in-customs"}, "", false, adapters.StatusInTransit, "dhl_in-customs"},
		{event{StatusCode: "Delivered to Jane Doe +44 20 7946 0958"}, "", false, adapters.StatusInTransit, "dhl_unrecognized"},
	}
	for _, tc := range cases {
		st, sub := eventStatus(tc.e, tc.previous, tc.has)
		if st != tc.want || sub != tc.sub {
			t.Errorf("eventStatus(%+v) = %s, %q; want %s, %q", tc.e, st, sub, tc.want, tc.sub)
		}
	}
}

func TestLocalityCity(t *testing.T) {
	cases := map[string]string{
		"Bonn":                    "Bonn",
		"LEIPZIG - GERMANY":       "LEIPZIG",
		"Oderweg 2, AMSTERDAM":    "AMSTERDAM",
		"AMSTERDAM HUB":           "AMSTERDAM HUB",
		"Keizersgracht 123":       "",
		"Postfiliale 502, 53113":  "",
		"  ":                      "",
		"Contact Jane Doe, Paris": "Paris",
	}
	for in, want := range cases {
		if got := localityCity(in); got != want {
			t.Errorf("localityCity(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestSignerNamesAreMaskedWhereverDHLRepeatsThem(t *testing.T) {
	sh := &shipment{}
	json.Unmarshal([]byte(`{"details":{"proofOfDelivery":{"signed":{"type":"Person","name":"Jessica Miller","givenName":"Jessica","familyName":"Miller"}}}}`), sh)
	names := signerNames(sh)
	for _, in := range []string{"Delivered - Signed for by: JESSICA MILLER", "Delivered to miller at the door", "Left with jessica"} {
		got := maskNames(in, names)
		if strings.Contains(strings.ToLower(got), "jessica") || strings.Contains(strings.ToLower(got), "miller") {
			t.Errorf("maskNames(%q) = %q", in, got)
		}
	}
	if got := maskNames("Millerstrasse hub", names); got != "Millerstrasse hub" {
		t.Errorf("maskNames masked inside a word: %q", got)
	}
	sh2 := &shipment{}
	json.Unmarshal([]byte(`{"details":{"proofOfDelivery":{"signed":"LI"}}}`), sh2)
	if got := maskNames("Signed by LI", signerNames(sh2)); got != "Signed by **" {
		t.Errorf("a short name became %q; want it masked without growing the text", got)
	}
}

func TestLookupAsksForTheNormalizedNumberWithTheService(t *testing.T) {
	fake, src := startFake(t, adaptertest.Found, foundShipment)
	src.cfg.Service = "express"
	if _, err := src.Lookup(context.Background(), foundRef); err != nil {
		t.Fatal(err)
	}
	if q := fake.Tracks()[0].Query; q != "service=express&trackingNumber=1234567890" {
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

func FuzzParcelOf(f *testing.F) {
	f.Add([]byte(foundShipment))
	f.Add([]byte(`{"shipments":[{"id":"1","status":{"statusCode":"unknown","timestamp":"2026-11-20"}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var r response
		if json.Unmarshal(body, &r) != nil {
			return
		}
		sh := r.shipment(foundNumber)
		if sh == nil {
			return
		}
		p, err := parcelOf(DefaultCourier, foundNumber, sh)
		if err != nil {
			return
		}
		if p.Version == 0 {
			t.Fatal("version 0")
		}
		if err := adaptertest.CheckView(p.View, DefaultCourier, foundNumber, nil); err != nil {
			t.Fatalf("view from %s: %v", body, err)
		}
	})
}

func TestOpenRefusesBadOptions(t *testing.T) {
	for name, options := range map[string]map[string]string{
		"no key":         {"base_url": "https://api-eu.dhl.com"},
		"unknown option": {"api_key": "k", "apikey": "k"},
		"bad base URL":   {"api_key": "k", "base_url": "api-eu.dhl.com"},
		"bad timeout":    {"api_key": "k", "timeout": "0"},
	} {
		if _, err := adapters.Open(AdapterName, options); err == nil {
			t.Errorf("%s: Open(%v) succeeded", name, options)
		}
	}
	if _, err := adapters.Open(AdapterName, map[string]string{"api_key": "k"}); err != nil {
		t.Errorf("Open with a key: %v", err)
	}
}

func TestLookupRetriesAfterTheWaitDHLAsksFor(t *testing.T) {
	fake, src := startFake(t, adaptertest.Found, foundShipment)
	fake.First = []adaptertest.Scenario{adaptertest.RateLimited}
	fake.RetryAfter = "3"
	var waits []time.Duration
	src.cfg.Client.Sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	if _, err := src.Lookup(context.Background(), foundRef); err != nil {
		t.Fatalf("Lookup after a 429: %v", err)
	}
	if len(waits) != 1 || waits[0] != 3*time.Second || len(fake.Tracks()) != 2 {
		t.Errorf("waits %v over %d requests; want one wait of 3s between two requests", waits, len(fake.Tracks()))
	}
}

func TestAnUnknownEventKeepsTheStatusBeforeIt(t *testing.T) {
	body := `{"shipments":[{"id":"1234567890","events":[
		{"timestamp":"2026-11-19T08:00:00Z","statusCode":"unknown","description":"Shipment on hold"},
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
