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
	"github.com/trackgate/trackgate/adapters/phrases"
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
		e    event
		want phrases.Class
	}{
		{event{StatusCode: "pre-transit", Description: "Shipment information received"}, phrases.Class{Status: adapters.StatusInfoReceived}},
		{event{StatusCode: "pre-transit", Status: "DELIVERED", Description: "JESSICA"}, phrases.Class{Status: adapters.StatusInfoReceived}},
		{event{StatusCode: "transit", Description: "Arrived at Sort Facility"}, phrases.Class{Status: adapters.StatusInTransit}},
		{event{StatusCode: "transit", Status: "WITH DELIVERY COURIER"}, phrases.Class{Status: adapters.StatusOutForDelivery}},
		{event{StatusCode: "transit", Description: "The shipment is out for delivery"}, phrases.Class{Status: adapters.StatusOutForDelivery}},
		{event{StatusCode: "transit", Description: "The shipment is ready for pickup at the Packstation"}, phrases.Class{Status: adapters.StatusAvailableForPickup, Substatus: phrases.Locker}},
		{event{StatusCode: "transit", Description: "Clearance processing complete at LEIPZIG - GERMANY"}, phrases.Class{Status: adapters.StatusInTransit, Substatus: phrases.CustomsCleared}},
		{event{StatusCode: "transit", Description: "The shipment has been delivered"}, phrases.Class{Status: adapters.StatusInTransit}},
		{event{StatusCode: "delivered", Description: "Delivered"}, phrases.Class{Status: adapters.StatusDelivered}},
		{event{StatusCode: "delivered", Description: "The shipment has been delivered to the PACKSTATION"}, phrases.Class{Status: adapters.StatusAvailableForPickup, Substatus: phrases.Locker}},
		{event{StatusCode: "delivered", Description: "The shipment has been returned to the sender"}, phrases.Class{Status: adapters.StatusReturned}},
		{event{StatusCode: "failure", Description: "Customs clearance delayed"}, phrases.Class{Status: adapters.StatusException}},
		{event{StatusCode: "failure", Description: "A delivery attempt was made; recipient not at home"}, phrases.Class{Status: adapters.StatusAttemptFailed}},
		{event{StatusCode: "failure", Description: "The shipment could not be delivered"}, phrases.Class{Status: adapters.StatusAttemptFailed}},
		{event{StatusCode: "failure", Description: "Shipment returned to shipper"}, phrases.Class{Status: adapters.StatusReturned}},
		{event{StatusCode: "failure", Description: "The shipment is being returned to the sender"}, phrases.Class{Status: adapters.StatusException, Substatus: phrases.ReturningToSender}},
		{event{StatusCode: "failure", Description: "Shipment is on hold"}, phrases.Class{Status: adapters.StatusException, Substatus: phrases.Held}},
		// DHL Express: no statusCode, the text says it all.
		{event{Description: "Shipment is out with courier for delivery"}, phrases.Class{Status: adapters.StatusOutForDelivery}},
		{event{Description: "Delivered"}, phrases.Class{Status: adapters.StatusDelivered}},
		{event{Description: "Customs clearance status updated. Note - The Customs clearance process may start while the shipment is in transit to the destination."}, phrases.Class{Status: adapters.StatusInTransit, Substatus: phrases.Customs}},
		{event{Description: "Payment is received and recorded for shipment related fees"}, phrases.Class{}},
		{event{StatusCode: "unknown", Description: "Delivered"}, phrases.Class{Status: adapters.StatusDelivered}},
		{event{StatusCode: "unknown"}, phrases.Class{}},
		{event{StatusCode: "in-customs"}, phrases.Class{Status: adapters.StatusInTransit, Substatus: "dhl_in-customs"}},
		{event{StatusCode: "Delivered to Jane Doe +44 20 7946 0958"}, phrases.Class{Status: adapters.StatusInTransit, Substatus: "dhl_unrecognized"}},
	}
	for _, tc := range cases {
		if got := eventStatus(tc.e); got != tc.want {
			t.Errorf("eventStatus(%+v) = %+v; want %+v", tc.e, got, tc.want)
		}
	}
}

func TestLocationOfParsesDHLsLocalities(t *testing.T) {
	loc := func(locality, country string) *place {
		p := &place{}
		json.Unmarshal([]byte(`{"address":{"addressLocality":`+strconvQuote(locality)+`,"countryCode":`+strconvQuote(country)+`}}`), p)
		return p
	}
	cases := []struct {
		p    *place
		want *adapters.Location
	}{
		{loc("LOS ANGELES, CA - USA", "US"), &adapters.Location{City: "LOS ANGELES", Region: "CA", Country: "US"}},
		{loc("Henderson, NV, US", ""), &adapters.Location{City: "Henderson", Region: "NV", Country: "US"}},
		{loc("MANILA - PHILIPPINES, THE", ""), &adapters.Location{City: "MANILA", Country: "PH"}},
		{loc("Oderweg 2, AMSTERDAM", "NL"), &adapters.Location{City: "AMSTERDAM", Country: "NL"}},
		{loc("Contact Jane Doe, Paris", "FR"), &adapters.Location{City: "Paris", Country: "FR"}},
		{loc("Keizersgracht 123", ""), nil},
		{nil, nil},
	}
	for _, tc := range cases {
		got := locationOf(tc.p)
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("locationOf(%+v) = %+v; want %+v", tc.p, got, tc.want)
		}
	}
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestSignerNamesAreMaskedWhereverDHLRepeatsThem(t *testing.T) {
	sh := &shipment{}
	json.Unmarshal([]byte(`{"details":{"proofOfDelivery":{"signed":{"type":"Person","name":"Jessica Miller","givenName":"Jessica","familyName":"Miller"}}}}`), sh)
	names := signerNames(sh)
	for _, in := range []string{"Delivered - Signed for by: JESSICA MILLER", "Delivered to miller at the door", "Left with jessica"} {
		got := maskNames(in, names, "DELIVERED")
		if strings.Contains(strings.ToLower(got), "jessica") || strings.Contains(strings.ToLower(got), "miller") {
			t.Errorf("maskNames(%q) = %q", in, got)
		}
	}
	if got := maskNames("Millerstrasse hub", names, ""); got != "Millerstrasse hub" {
		t.Errorf("maskNames masked inside a word: %q", got)
	}
	sh2 := &shipment{}
	json.Unmarshal([]byte(`{"details":{"proofOfDelivery":{"signed":"LI"}}}`), sh2)
	if got := maskNames("Signed by LI", signerNames(sh2), ""); got != "Signed by **" {
		t.Errorf("a short name became %q; want it masked without growing the text", got)
	}
}

// A signer DHL records as a place or in the words of its own texts does
// not rewrite the delivery event.
func TestSignerMaskingLeavesTheDeliveryEventsOwnText(t *testing.T) {
	for _, signed := range []string{`"FRONT DOOR"`, `"DELIVERED"`, `{"@type":"Person","name":"Delivered"}`} {
		sh := &shipment{}
		json.Unmarshal([]byte(`{"details":{"proofOfDelivery":{"signed":`+signed+`}}}`), sh)
		e := event{Status: "DELIVERED", Description: "Delivered - Left at Front Door"}
		if got := text(e, signerNames(sh)); got != "Delivered - Left at Front Door" {
			t.Errorf("signed %s: the delivery text became %q", signed, got)
		}
	}
}

func TestADescriptionThatIsOnlyANameIsDropped(t *testing.T) {
	cases := []struct {
		e    event
		want string
	}{
		{event{Status: "DELIVERED", Description: "JESSICA", Remark: "The shipment is pending completion of customs inspection."}, "The shipment is pending completion of customs inspection."},
		{event{Status: "DELIVERED", Description: "JESSICA"}, "DELIVERED"},
		{event{Status: "delivered", Description: "Delivered"}, "Delivered"},
		{event{Status: "transit", Description: "Clearance Event"}, "Clearance Event"},
		{event{Status: "transit", Description: "JESSICA"}, "JESSICA"}, // not where DHL puts a signer
	}
	for _, tc := range cases {
		if got := text(tc.e, nil); got != tc.want {
			t.Errorf("text(%+v) = %q; want %q", tc.e, got, tc.want)
		}
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

// The real answers under testdata/real, each read as its want file says.
func TestRealAnswers(t *testing.T) {
	// DHL's real answers are kept in two places, this package's and the
	// declarative DHL's; both adapters read both.
	for _, dir := range []string{"testdata/real", "../declarative/testdata/real-dhl"} {
		t.Run(dir, func(t *testing.T) { adaptertest.RealAnswers(t, dir, DefaultCourier, serveAnswer) })
	}
}

func TestTimesWithoutAnOffsetAreLocalToTheirPlace(t *testing.T) {
	var sh shipment
	json.Unmarshal([]byte(`{"destination":{"address":{"addressLocality":"LEIPZIG - GERMANY"}}}`), &sh)
	c := newClock(&sh)
	la := &adapters.Location{City: "LOS ANGELES", Region: "CA", Country: "US"}
	cases := []struct {
		in    string
		place *adapters.Location
		want  string
	}{
		{"2026-01-15T09:30:00", la, "2026-01-15T09:30:00-08:00"},
		{"2026-07-15T09:30:00", la, "2026-07-15T09:30:00-07:00"},
		{"2026-07-15T09:30:00+02:00", la, "2026-07-15T09:30:00+02:00"}, // an offset DHL gives stands
		{"2026-07-15T09:30:00", nil, "2026-07-15T09:30:00+02:00"},      // the destination's zone
		{"2026-07-15T09:30:00", &adapters.Location{Country: "US"}, "2026-07-15T09:30:00+02:00"},
	}
	for _, tc := range cases {
		got, ok := c.read(tc.in, tc.place)
		if !ok || got.Format(time.RFC3339) != tc.want {
			t.Errorf("read(%q, %+v) = %s, %v; want %s", tc.in, tc.place, got.Format(time.RFC3339), ok, tc.want)
		}
	}
	if got, _ := newClock(&shipment{}).read("2026-07-15T09:30:00", nil); got.Format(time.RFC3339) != "2026-07-15T09:30:00Z" {
		t.Errorf("no place anywhere: %s; want UTC", got.Format(time.RFC3339))
	}
}

func TestETAOfADayIsTheWholeDay(t *testing.T) {
	var sh shipment
	json.Unmarshal([]byte(`{"destination":{"address":{"countryCode":"DE"}},"estimatedTimeOfDelivery":"2026-11-20"}`), &sh)
	got := newClock(&sh).eta(&sh)
	if got == nil || got.From.Format(time.RFC3339) != "2026-11-20T00:00:00+01:00" || got.To.Format(time.RFC3339) != "2026-11-20T23:59:59+01:00" {
		t.Errorf("ETA %+v; want the 20th in Germany", got)
	}
	sh.EstimatedTimeOfDelivery, sh.EstimatedTimeOfDeliveryRemark = "2026-11-20T14:00:00+01:00", "By End of Day"
	got = newClock(&sh).eta(&sh)
	if got == nil || got.From.Format(time.RFC3339) != "2026-11-20T14:00:00+01:00" || got.To.Format(time.RFC3339) != "2026-11-20T23:59:59+01:00" {
		t.Errorf("ETA %+v; want until the end of the day", got)
	}
}
