package ups

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
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
			_, src, _ := startFake(t, s, foundPackage)
			return src
		},
		PII:        foundPII,
		RetryAfter: retryAfter,
		EventTimes: foundEventTimes,
		Status:     adapters.StatusDelivered,
	})
}

func TestFoundPackageMapsUPSsHistory(t *testing.T) {
	_, src, _ := startFake(t, adaptertest.Found, foundPackage)
	p, err := src.Lookup(context.Background(), foundRef)
	if err != nil {
		t.Fatal(err)
	}
	want := []adapters.Status{adapters.StatusInfoReceived, adapters.StatusInTransit, adapters.StatusInTransit,
		adapters.StatusInTransit, adapters.StatusOutForDelivery, adapters.StatusDelivered}
	for i, e := range p.View.Events {
		if e.Status != want[i] {
			t.Errorf("event %d (%s): %s; want %s", i, e.Description, e.Status, want[i])
		}
	}
	if loc := p.View.Events[5].Location; loc == nil || *loc != (adapters.Location{City: "ATLANTA", Region: "GA", Country: "US"}) {
		t.Errorf("delivery location %+v; want the city, state and country only", loc)
	}
	if p.View.ETA != nil {
		t.Errorf("a delivered package shows an ETA %+v", p.View.ETA)
	}
}

func TestActivityTime(t *testing.T) {
	newYork, _ := time.LoadLocation("America/New_York")
	cases := []struct {
		name string
		a    activity
		zone *time.Location
		want string
		ok   bool
	}{
		{"gmt fields, gmtTime with colons", activity{Date: "20261119", Time: "034100", GMTDate: "20261119", GMTTime: "09:41:00", GMTOffset: "-06:00"}, nil, "2026-11-19T03:41:00-06:00", true},
		{"gmtTime without its leading zero", activity{Date: "20261119", Time: "014700", GMTDate: "20261119", GMTTime: "74700", GMTOffset: "-06:00"}, nil, "2026-11-19T01:47:00-06:00", true},
		{"gmt fields across midnight", activity{Date: "20261119", Time: "200000", GMTDate: "20261120", GMTTime: "010000", GMTOffset: "-05:00"}, nil, "2026-11-19T20:00:00-05:00", true},
		{"gmtDate with dashes", activity{Date: "20240326", Time: "165800", GMTDate: "2024-03-26", GMTTime: "15:58:00", GMTOffset: "+01:00"}, nil, "2024-03-26T16:58:00+01:00", true},
		{"gmt date and time without an offset", activity{Date: "20261120", Time: "090000", GMTDate: "20261120", GMTTime: "140000"}, nil, "2026-11-20T14:00:00Z", true},
		{"offset alone", activity{Date: "20261120", Time: "081200", GMTOffset: "+08:00"}, newYork, "2026-11-20T08:12:00+08:00", true},
		{"local time at its place's zone", activity{Date: "20220126", Time: "163000"}, newYork, "2022-01-26T16:30:00-05:00", true},
		{"local time, summer", activity{Date: "20230712", Time: "163000"}, newYork, "2023-07-12T16:30:00-04:00", true},
		{"nothing but local time, no zone: UTC", activity{Date: "20261120", Time: "143000"}, nil, "2026-11-20T14:30:00Z", true},
		{"a bad offset is ignored", activity{Date: "20261120", Time: "143000", GMTOffset: "EST"}, nil, "2026-11-20T14:30:00Z", true},
		{"no date", activity{Time: "143000"}, nil, "", false},
		{"a date that is not one", activity{Date: "20261320", Time: "143000"}, nil, "", false},
		{"a time that is not one", activity{Date: "20261120", Time: "1430000"}, nil, "", false},
	}
	for _, tc := range cases {
		got, ok := activityTime(tc.a, tc.zone)
		if ok != tc.ok || ok && got.Format(time.RFC3339) != tc.want {
			t.Errorf("%s: activityTime = %s, %v; want %s, %v", tc.name, got.Format(time.RFC3339), ok, tc.want, tc.ok)
		}
	}
}

func TestActivityZonesFallBackOnTheNearestKnownOne(t *testing.T) {
	var p pkg
	json.Unmarshal([]byte(`{"activity":[
		{"location":{"address":{"city":"PARAMUS","stateProvince":"NJ","countryCode":"US"}}},
		{"location":{"address":{"countryCode":"US"}}},
		{"gmtOffset":"-06:00","location":{"address":{"countryCode":"US"}}},
		{"location":{"address":{"city":"Shenzhen","countryCode":"CN"}}}]}`), &p)
	zones := activityZones(p.Activity)
	var names []string
	for _, z := range zones {
		_, off := time.Date(2026, 1, 15, 12, 0, 0, 0, z).Zone()
		names = append(names, fmt.Sprint(off/3600))
	}
	if got := strings.Join(names, " "); got != "-5 -5 -6 8" {
		t.Errorf("offsets %s; want -5 -5 -6 8", got)
	}
	if zones := activityZones([]activity{{}}); zones[0] != nil {
		t.Errorf("an activity without a place, alone: %v", zones[0])
	}
}

func TestStatusOf(t *testing.T) {
	cases := []struct {
		s    *status
		want phrases.Class
	}{
		{&status{Type: "M", Description: "Shipper created a label"}, phrases.Class{Status: adapters.StatusInfoReceived}},
		{&status{Type: "MV", Description: "Label voided"}, phrases.Class{Status: adapters.StatusInfoReceived}},
		{&status{Type: "P", Description: "Pickup Scan"}, phrases.Class{Status: adapters.StatusInTransit, Substatus: phrases.PickedUp}},
		{&status{Type: "I", Description: "Arrived at Facility"}, phrases.Class{Status: adapters.StatusInTransit}},
		{&status{Type: "I", Description: "Out For Delivery Today"}, phrases.Class{Status: adapters.StatusOutForDelivery}},
		{&status{Type: "I", Description: "Loaded on Delivery Vehicle "}, phrases.Class{Status: adapters.StatusOutForDelivery}},
		{&status{Type: "I", Description: "Your package is ready for pickup at the UPS Access Point"}, phrases.Class{Status: adapters.StatusAvailableForPickup, Substatus: phrases.PickupPoint}},
		{&status{Type: "D", Description: "DELIVERED"}, phrases.Class{Status: adapters.StatusDelivered}},
		{&status{Type: "D", Description: "Delivered to UPS Access Point™"}, phrases.Class{Status: adapters.StatusAvailableForPickup, Substatus: phrases.PickupPoint}},
		{&status{Type: "D", Description: "Returned to shipper"}, phrases.Class{Status: adapters.StatusReturned}},
		{&status{Type: "X", Description: "The receiver was not available for delivery. We'll make a second attempt"}, phrases.Class{Status: adapters.StatusAttemptFailed}},
		{&status{Type: "X", Description: "Severe weather conditions have delayed delivery"}, phrases.Class{Status: adapters.StatusException}},
		{&status{Type: "X", Description: "Returning to sender: in transit"}, phrases.Class{Status: adapters.StatusException, Substatus: phrases.ReturningToSender}},
		// X for UPS's informational customs messages.
		{&status{Type: "X", Description: "Your package has cleared customs and is on the way"}, phrases.Class{Status: adapters.StatusInTransit, Substatus: phrases.CustomsCleared}},
		{&status{Type: "X", Description: "Your package was released by the customs agency."}, phrases.Class{Status: adapters.StatusInTransit, Substatus: phrases.CustomsCleared}},
		// currentStatus without a type: its text, else its code.
		{&status{Description: "Delivered", Code: "011"}, phrases.Class{Status: adapters.StatusDelivered}},
		{&status{Description: "Shipment Ready for UPS", Code: "003"}, phrases.Class{Status: adapters.StatusInfoReceived}},
		{&status{Description: "On the Way", Code: "005"}, phrases.Class{Status: adapters.StatusInTransit}},
		{&status{Description: "Unheard of", StatusCode: "021"}, phrases.Class{Status: adapters.StatusOutForDelivery}},
		{&status{Description: "Unheard of", Code: "999"}, phrases.Class{}},
		{&status{Type: "U"}, phrases.Class{}},
		{nil, phrases.Class{}},
		{&status{Type: "Z"}, phrases.Class{Status: adapters.StatusInTransit, Substatus: "ups_type_Z"}},
		{&status{Type: "delivered to JOHN"}, phrases.Class{Status: adapters.StatusInTransit, Substatus: "ups_type_unrecognized"}},
	}
	for _, tc := range cases {
		if got := statusOf(tc.s); got != tc.want {
			t.Errorf("statusOf(%+v) = %+v; want %+v", tc.s, got, tc.want)
		}
	}
}

func TestWhatAShopperWantsIsInTheDescriptions(t *testing.T) {
	v := lookup(t, foundPackage)
	if d := v.Events[len(v.Events)-1].Description; d != "DELIVERED — Delivery location: Front Door" {
		t.Errorf("delivery %q; want its location", d)
	}
	if d := v.Events[0].Description; !strings.HasSuffix(d, " — Service: UPS Ground") {
		t.Errorf("first event %q; want the service", d)
	}
	atAccessPoint := onTheWay(t, func(p map[string]any) {
		acts := p["activity"].([]any)
		acts = append([]any{map[string]any{
			"location": map[string]any{"address": map[string]any{"city": "Atlanta", "stateProvince": "GA", "countryCode": "US"}},
			"status":   map[string]any{"type": "D", "description": "Delivered to UPS Access Point™", "code": "2W"},
			"date":     "20261120", "time": "101500",
		}}, acts...)
		p["activity"] = acts
		p["currentStatus"] = map[string]any{"description": "Delivered to UPS Access Point™", "code": "2W"}
		p["accessPointInformation"] = map[string]any{"pickupByDate": "20261127"}
	})
	v = lookup(t, atAccessPoint)
	if v.Status != adapters.StatusAvailableForPickup || v.Substatus != phrases.PickupPoint {
		t.Errorf("status %s/%s; want available_for_pickup/pickup_point", v.Status, v.Substatus)
	}
	if d := v.Events[len(v.Events)-1].Description; d != "Delivered to UPS Access Point™ — Pick up by: 2026-11-27" {
		t.Errorf("at the access point: %q", d)
	}
}

func lookup(t *testing.T, body string) adapters.View {
	t.Helper()
	_, src, _ := startFake(t, adaptertest.Found, body)
	p, err := src.Lookup(context.Background(), foundRef)
	if err != nil {
		t.Fatal(err)
	}
	if err := adaptertest.CheckView(p.View, DefaultCourier, foundNumber, foundPII); err != nil {
		t.Fatal(err)
	}
	return p.View
}

// The real answers under testdata/real, each read as its want file says.
func TestRealAnswers(t *testing.T) {
	adaptertest.RealAnswers(t, "testdata/real", DefaultCourier, serveAnswer)
}

// onTheWay edits foundPackage into a package not yet delivered.
func onTheWay(t *testing.T, edit func(p map[string]any)) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(foundPackage), &doc); err != nil {
		t.Fatal(err)
	}
	p := doc["trackResponse"].(map[string]any)["shipment"].([]any)[0].(map[string]any)["package"].([]any)[0].(map[string]any)
	p["activity"] = p["activity"].([]any)[2:] // up to departure from Atlanta
	p["currentStatus"] = map[string]any{"type": "I", "description": "On the Way", "code": "005", "statusCode": "005"}
	delete(p, "deliveryInformation")
	edit(p)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestETAFromDeliveryDateAndTime(t *testing.T) {
	cst := time.FixedZone("", -6*3600) // the latest activity's gmtOffset
	cases := []struct {
		name string
		edit func(p map[string]any)
		want *adapters.ETA
	}{
		{"scheduled day with a window", func(p map[string]any) {
			p["deliveryDate"] = []any{map[string]any{"type": "SDD", "date": "20261121"}}
			p["deliveryTime"] = map[string]any{"type": "EDW", "startTime": "090000", "endTime": "130000"}
		}, &adapters.ETA{From: time.Date(2026, 11, 21, 9, 0, 0, 0, cst), To: time.Date(2026, 11, 21, 13, 0, 0, 0, cst)}},
		{"rescheduled day first, whole day", func(p map[string]any) {
			p["deliveryDate"] = []any{map[string]any{"type": "SDD", "date": "20261121"}, map[string]any{"type": "RDD", "date": "20261123"}}
			delete(p, "deliveryTime")
		}, &adapters.ETA{From: time.Date(2026, 11, 23, 0, 0, 0, 0, cst), To: time.Date(2026, 11, 23, 23, 59, 59, 0, cst)}},
		{"commit time", func(p map[string]any) {
			p["deliveryDate"] = []any{map[string]any{"type": "SDD", "date": "20261121"}}
			p["deliveryTime"] = map[string]any{"type": "CMT", "endTime": "103000"}
		}, &adapters.ETA{From: time.Date(2026, 11, 21, 0, 0, 0, 0, cst), To: time.Date(2026, 11, 21, 10, 30, 0, 0, cst)}},
		{"no delivery date", func(p map[string]any) { delete(p, "deliveryDate") }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, src, _ := startFake(t, adaptertest.Found, onTheWay(t, tc.edit))
			p, err := src.Lookup(context.Background(), foundRef)
			if err != nil {
				t.Fatal(err)
			}
			if err := adaptertest.CheckView(p.View, DefaultCourier, foundNumber, foundPII); err != nil {
				t.Fatal(err)
			}
			got := p.View.ETA
			switch {
			case tc.want == nil && got != nil:
				t.Errorf("ETA %+v; want none", got)
			case tc.want != nil && (got == nil || !got.From.Equal(tc.want.From) || !got.To.Equal(tc.want.To)):
				t.Errorf("ETA %+v; want %+v", got, tc.want)
			case got != nil && got.From.Format(time.RFC3339)[19:] != "-06:00":
				t.Errorf("ETA %s is not at the latest activity's offset", got.From.Format(time.RFC3339))
			}
		})
	}
}

func TestTokenIsCachedAndRenewedBeforeItExpires(t *testing.T) {
	fake, src, clock := startFake(t, adaptertest.Found, foundPackage)
	fake.expiresIn = `"3600"` // renewed 5 minutes before the hour
	lookup := func() {
		t.Helper()
		if _, err := src.Lookup(context.Background(), foundRef); err != nil {
			t.Fatal(err)
		}
	}
	lookup()
	lookup()
	clock.Advance(54 * time.Minute)
	lookup()
	if n := len(fake.tokens); n != 1 {
		t.Fatalf("%d tokens fetched within the token's life; want 1", n)
	}
	clock.Advance(2 * time.Minute) // 56 minutes: within the margin
	lookup()
	if n := len(fake.tokens); n != 2 {
		t.Fatalf("%d tokens fetched once the token was near expiry; want 2", n)
	}
	if got := fake.trackHdr().Get("Authorization"); got != "Bearer "+fake.tokens[1] {
		t.Errorf("track sent %q; want the new token", got)
	}
}

func TestTokenExpiresInAsANumberToo(t *testing.T) {
	fake, src, _ := startFake(t, adaptertest.Found, foundPackage)
	fake.expiresIn = `14399`
	if _, err := src.Lookup(context.Background(), foundRef); err != nil {
		t.Fatal(err)
	}
	fake.expiresIn = `"soon"`
	src.token.Drop(fake.tokens[0])
	if _, err := src.Lookup(context.Background(), foundRef); !errors.Is(err, adapters.ErrUnavailable) {
		t.Errorf("unreadable expires_in: err = %v; want ErrUnavailable", err)
	}
}

func TestConcurrentLookupsShareOneTokenFetch(t *testing.T) {
	fake, src, _ := startFake(t, adaptertest.Found, foundPackage)
	fake.gate = make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			_, err := src.Lookup(context.Background(), foundRef)
			errs <- err
		})
	}
	close(fake.gate) // let the token request through
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(fake.tokens); n != 1 {
		t.Errorf("%d token fetches for 16 concurrent lookups; want 1", n)
	}
}

func TestARefusedTokenIsReplacedOnce(t *testing.T) {
	fake, src, _ := startFake(t, adaptertest.Found, foundPackage)
	if _, err := src.Lookup(context.Background(), foundRef); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	fake.revoked[fake.tokens[0]] = true
	fake.mu.Unlock()
	if _, err := src.Lookup(context.Background(), foundRef); err != nil {
		t.Fatalf("lookup after the token was revoked: %v", err)
	}
	if n := len(fake.tokens); n != 2 {
		t.Errorf("%d tokens; want a second after the first was refused", n)
	}
}

func TestTrackSendsUPSsHeadersAndAsksForNoSignature(t *testing.T) {
	fake, src, _ := startFake(t, adaptertest.Found, foundPackage)
	if _, err := src.Lookup(context.Background(), foundRef); err != nil {
		t.Fatal(err)
	}
	h := fake.trackHdr()
	if len(h.Get("transId")) == 0 || len(h.Get("transId")) > 32 || h.Get("transactionSrc") != DefaultTransactionSrc {
		t.Errorf("transId %q, transactionSrc %q", h.Get("transId"), h.Get("transactionSrc"))
	}
}

func TestLookupOfAnUnusableNumberCallsNobody(t *testing.T) {
	fake, src, _ := startFake(t, adaptertest.Found, foundPackage)
	_, err := src.Lookup(context.Background(), adapters.ParcelRef{TrackingNumber: "1Z?"})
	if !errors.Is(err, adapters.ErrNotFound) || len(fake.tokens) != 0 || len(fake.Tracks()) != 0 {
		t.Errorf("err %v after %d token and %d track requests; want ErrNotFound and no request", err, len(fake.tokens), len(fake.Tracks()))
	}
}

func TestAnswerWithoutThePackageIsNotFound(t *testing.T) {
	body := `{"trackResponse":{"shipment":[{"inquiryNumber":"1Z999AA10123456784","package":[],"warnings":[{"code":"TW0001","message":"Tracking Information Not Found"}]}]}}`
	_, src, _ := startFake(t, adaptertest.Found, body)
	if _, err := src.Lookup(context.Background(), foundRef); !errors.Is(err, adapters.ErrNotFound) {
		t.Errorf("err = %v; want ErrNotFound", err)
	}
}

func FuzzParcelOf(f *testing.F) {
	f.Add([]byte(foundPackage))
	f.Add([]byte(`{"trackResponse":{"shipment":[{"package":[{"activity":[{"date":"20261120","time":"1","status":{"type":"U"}}]}]}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var r trackAPIResponse
		if json.Unmarshal(body, &r) != nil {
			return
		}
		p := r.pkg(foundNumber)
		if p == nil {
			return
		}
		parcel, err := parcelOf(DefaultCourier, foundNumber, p)
		if err != nil {
			return
		}
		if parcel.Version == 0 {
			t.Fatal("version 0")
		}
		if err := adaptertest.CheckView(parcel.View, DefaultCourier, foundNumber, nil); err != nil {
			t.Fatalf("view from %s: %v", body, err)
		}
	})
}

func TestOpenRefusesBadOptions(t *testing.T) {
	for name, options := range map[string]map[string]string{
		"no secret":      {"client_id": "id"},
		"no id":          {"client_secret": "s"},
		"unknown option": {"client_id": "id", "client_secret": "s", "account": "x"},
		"bad base URL":   {"client_id": "id", "client_secret": "s", "base_url": "onlinetools.ups.com"},
		"bad courier":    {"client_id": "id", "client_secret": "s", "courier": "UPS"},
	} {
		if _, err := adapters.Open(AdapterName, options); err == nil {
			t.Errorf("%s: Open(%v) succeeded", name, options)
		}
	}
	if _, err := adapters.Open(AdapterName, map[string]string{"client_id": "id", "client_secret": "s"}); err != nil {
		t.Errorf("Open with credentials: %v", err)
	}
}
