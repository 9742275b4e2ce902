package dhl

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/dhl/dhlfake"
)

func TestConformance(t *testing.T) {
	adaptertest.Run(t, adaptertest.Harness{
		Courier: DefaultCourier,
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
	if err := adaptertest.CheckView(p.View, DefaultCourier, dhlfake.Number, dhlfake.PII); err != nil {
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

func TestEventStatus(t *testing.T) {
	for _, tc := range dhlfake.Cases.EventStatus {
		e := event{StatusCode: tc.StatusCode, Status: tc.Status, Description: tc.Description}
		if got := eventStatus(e); got != tc.Want {
			t.Errorf("eventStatus(%+v) = %+v; want %+v", e, got, tc.Want)
		}
	}
}

func TestLocationOfParsesDHLsLocalities(t *testing.T) {
	for _, tc := range dhlfake.Cases.Places {
		var p *place
		if tc.Locality != nil {
			p = &place{Address: &struct {
				CountryCode     string `json:"countryCode"`
				AddressLocality string `json:"addressLocality"`
			}{tc.Country, *tc.Locality}}
		}
		got := locationOf(p)
		if (got == nil) != (tc.Want == nil) || got != nil && *got != *tc.Want {
			where := "no place"
			if p != nil {
				where = fmt.Sprintf("%+v", *p.Address)
			}
			t.Errorf("locationOf(%s) = %+v; want %+v", where, got, tc.Want)
		}
	}
}

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

func TestSignerMaskingLeavesTheDeliveryEventsOwnText(t *testing.T) {
	kept := dhlfake.Cases.SignersKept
	for _, signed := range kept.Signed {
		sh := &shipment{}
		json.Unmarshal([]byte(`{"details":{"proofOfDelivery":{"signed":`+string(signed)+`}}}`), sh)
		e := event{Status: kept.Event.Status, Description: kept.Event.Description}
		if got := text(e, signerNames(sh)); got != kept.Event.Description {
			t.Errorf("signed %s: the delivery text became %q", signed, got)
		}
	}
}

func TestADescriptionThatIsOnlyANameIsDropped(t *testing.T) {
	for _, tc := range dhlfake.Cases.Texts {
		e := event{Status: tc.Status, Description: tc.Description, Remark: tc.Remark}
		if got := text(e, nil); got != tc.Want {
			t.Errorf("text(%+v) = %q; want %q", e, got, tc.Want)
		}
	}
}

func TestLookupAsksForTheNormalizedNumberWithTheService(t *testing.T) {
	fake, src := startFake(t, adaptertest.Found, dhlfake.Found)
	src.cfg.Service = "express"
	if _, err := src.Lookup(context.Background(), dhlfake.Ref); err != nil {
		t.Fatal(err)
	}
	if q := fake.Tracks()[0].Query; q != "service=express&trackingNumber=1234567890" {
		t.Errorf("query %q", q)
	}
}

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

func FuzzParcelOf(f *testing.F) {
	f.Add([]byte(dhlfake.Found))
	f.Add([]byte(`{"shipments":[{"id":"1","status":{"statusCode":"unknown","timestamp":"2026-11-20"}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var r response
		if json.Unmarshal(body, &r) != nil {
			return
		}
		sh := r.shipment(dhlfake.Number)
		if sh == nil {
			return
		}
		p, err := parcelOf(DefaultCourier, dhlfake.Number, sh)
		if err != nil {
			return
		}
		if p.Version == 0 {
			t.Fatal("version 0")
		}
		if err := adaptertest.CheckView(p.View, DefaultCourier, dhlfake.Number, nil); err != nil {
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
	fake, src := startFake(t, adaptertest.Found, dhlfake.Found)
	fake.First = []adaptertest.Scenario{adaptertest.RateLimited}
	fake.RetryAfter = "3"
	var waits []time.Duration
	src.cfg.Client.Sleep = func(ctx context.Context, d time.Duration) error {
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
