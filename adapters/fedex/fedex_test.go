package fedex

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
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
			_, src, _ := startFake(t, s, 0, foundShipment)
			return src
		},
		PII:        foundPII,
		RetryAfter: retryAfter,
		EventTimes: foundEventTimes,
		Status:     adapters.StatusDelivered,
	})
}

func TestFoundShipmentMapsFedExsHistory(t *testing.T) {
	_, src, _ := startFake(t, adaptertest.Found, 0, foundShipment)
	p, err := src.Lookup(context.Background(), foundRef)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		status      adapters.Status
		description string
		location    string
	}{
		{adapters.StatusInfoReceived, "Shipment information sent to FedEx", "//US"},
		{adapters.StatusInTransit, "Picked up", "WAYNE/NJ/US"},
		{adapters.StatusInTransit, "Arrived at FedEx hub", "MEMPHIS/TN/US"},
		{adapters.StatusInTransit, "Departed FedEx hub", "MEMPHIS/TN/US"},
		{adapters.StatusInTransit, "Shipment arriving On-Time", "ATLANTA/GA/US"},
		{adapters.StatusOutForDelivery, "On FedEx vehicle for delivery", "ATLANTA/GA/US"},
		{adapters.StatusDelivered, "Delivered: Left at front door. Signature Service not requested, left at: Front Porch", "ATLANTA/GA/US"},
	}
	if len(p.View.Events) != len(want) {
		t.Fatalf("%d events; want %d", len(p.View.Events), len(want))
	}
	for i, e := range p.View.Events {
		loc := ""
		if e.Location != nil {
			loc = e.Location.City + "/" + e.Location.Region + "/" + e.Location.Country
		}
		if e.Status != want[i].status || e.Description != want[i].description || loc != want[i].location {
			t.Errorf("event %d: %s %q at %s; want %s %q at %s", i, e.Status, e.Description, loc, want[i].status, want[i].description, want[i].location)
		}
	}
	if p.View.ETA != nil || p.View.Substatus != "" || p.Version != 8 {
		t.Errorf("ETA %v, substatus %q, version %d; want none, none, 8", p.View.ETA, p.View.Substatus, p.Version)
	}
}

func TestEventStatus(t *testing.T) {
	cases := []struct {
		name      string
		e         scanEvent
		previous  adapters.Status
		returning bool
		want      adapters.Status
		sub       string
	}{
		{"label", scanEvent{EventType: "OC", DerivedStatusCode: "IN"}, "", false, adapters.StatusInfoReceived, ""},
		{"label after the pickup", scanEvent{EventType: "OC", DerivedStatusCode: "IN"}, adapters.StatusInTransit, false, adapters.StatusInTransit, ""},
		{"picked up", scanEvent{EventType: "PU"}, adapters.StatusInfoReceived, false, adapters.StatusInTransit, subPickedUp},
		{"out for delivery though derived IT", scanEvent{EventType: "OD", DerivedStatusCode: "IT"}, adapters.StatusInTransit, false, adapters.StatusOutForDelivery, ""},
		{"ready for pickup", scanEvent{EventType: "HP", EventDescription: "Ready for recipient pickup"}, adapters.StatusInTransit, false, adapters.StatusAvailableForPickup, subHoldAtLocation},
		{"hold at location", scanEvent{EventType: "HL"}, adapters.StatusInTransit, false, adapters.StatusAvailableForPickup, subHoldAtLocation},
		{"delivered", scanEvent{EventType: "DL"}, adapters.StatusOutForDelivery, false, adapters.StatusDelivered, ""},
		{"delivered back to the shipper", scanEvent{EventType: "DL"}, adapters.StatusInTransit, true, adapters.StatusReturned, ""},
		{"return to shipper though derived DL", scanEvent{EventType: "RS", EventDescription: "Returning package to shipper", DerivedStatusCode: "DL"},
			adapters.StatusOutForDelivery, false, adapters.StatusException, subReturning},
		{"not home", scanEvent{EventType: "DE", EventDescription: "Delivery exception", ExceptionDescription: "Customer not available or business closed"},
			adapters.StatusOutForDelivery, false, adapters.StatusAttemptFailed, ""},
		{"redirected", scanEvent{EventType: "DE", EventDescription: "Delivery exception", ExceptionDescription: "Redirecting to FedEx Office"},
			adapters.StatusAttemptFailed, false, adapters.StatusException, subRedirected},
		{"damaged", scanEvent{EventType: "SE", EventDescription: "Shipment exception", ExceptionDescription: "Package damaged"},
			adapters.StatusInTransit, false, adapters.StatusException, ""},
		{"clearance delay", scanEvent{EventType: "CD", EventDescription: "Clearance delay"}, adapters.StatusInTransit, false, adapters.StatusException, subCustomsHold},
		{"cleared customs", scanEvent{EventType: "CC", EventDescription: "International shipment release - Import"}, adapters.StatusException, false, adapters.StatusInTransit, subCustomsCleared},
		{"clearance in progress", scanEvent{EventType: "CP"}, adapters.StatusInTransit, false, adapters.StatusInTransit, subCustoms},
		{"arriving on time keeps the status", scanEvent{EventType: "AO", DerivedStatusCode: "IT"}, adapters.StatusOutForDelivery, false, adapters.StatusOutForDelivery, ""},
		{"a delay keeps the status", scanEvent{EventType: "DY", DerivedStatusCode: "DY"}, adapters.StatusOutForDelivery, false, adapters.StatusOutForDelivery, subDelayed},
		{"a note first is pending", scanEvent{EventType: "RR"}, "", false, adapters.StatusPending, ""},
		{"unknown type, known derived code", scanEvent{EventType: "ZZ", DerivedStatusCode: "DE"}, adapters.StatusInTransit, false, adapters.StatusException, ""},
		{"unknown both", scanEvent{EventType: "ZZ", DerivedStatusCode: "QQ"}, adapters.StatusInTransit, false, adapters.StatusInTransit, "fedex_zz"},
		{"not a code", scanEvent{EventType: "delivered to JOHN"}, adapters.StatusInTransit, false, adapters.StatusInTransit, subUnrecognized},
	}
	for _, tc := range cases {
		st, sub := eventStatus(tc.e, tc.previous, tc.previous != "", tc.returning)
		if st != tc.want || sub != tc.sub {
			t.Errorf("%s: eventStatus = %s, %q; want %s, %q", tc.name, st, sub, tc.want, tc.sub)
		}
	}
}

func TestParseTime(t *testing.T) {
	cases := []struct {
		in        string
		want      string
		hasOffset bool
		ok        bool
	}{
		{"2024-04-26T07:50:00-07:00", "2024-04-26T07:50:00-07:00", true, true},
		{"2023-06-27T11:34:00+00:00", "2023-06-27T11:34:00Z", true, true},
		{"2024-08-12T15:18:10 -0500", "2024-08-12T15:18:10-05:00", true, true},
		{"2024-08-12T15:18:10-0500", "2024-08-12T15:18:10-05:00", true, true},
		{"2024-08-15T00:00:00", "2024-08-15T00:00:00Z", false, true},
		{"2019-05-07", "2019-05-07T00:00:00Z", false, true},
		{"", "", false, false},
		{"yesterday", "", false, false},
		{"0001-01-01T00:00:00Z", "", false, false},
	}
	for _, tc := range cases {
		at, hasOffset, ok := parseTime(tc.in)
		if ok != tc.ok || hasOffset != tc.hasOffset || ok && at.Format(time.RFC3339) != tc.want {
			t.Errorf("parseTime(%q) = %s, %v, %v; want %s, %v, %v", tc.in, at.Format(time.RFC3339), hasOffset, ok, tc.want, tc.hasOffset, tc.ok)
		}
	}
}

func TestATimeWithoutOffsetTakesItsPlacesOffset(t *testing.T) {
	r := &trackResult{ScanEvents: []scanEvent{
		{Date: "2024-08-16T04:34:00-05:00", EventType: "AR", ScanLocation: &scanLocation{City: "CEDAR RAPIDS", StateOrProvinceCode: "IA", CountryCode: "US"}},
		{Date: "2024-08-15T19:29:25-05:00", EventType: "DP", ScanLocation: &scanLocation{City: "MANKATO", StateOrProvinceCode: "MN", CountryCode: "US"}},
		{Date: "2024-08-15T10:36:00-04:00", EventType: "OC"},
		{Date: "2024-08-15T00:00:00", EventType: "PU", ScanLocation: &scanLocation{City: "MANKATO", StateOrProvinceCode: "MN", CountryCode: "US"}},
		{Date: "2024-08-14T09:00:00", EventType: "OC"},
	}}
	got := scans(r)
	want := []string{"2024-08-14T09:00:00-04:00", "2024-08-15T00:00:00-05:00", "2024-08-15T10:36:00-04:00", "2024-08-15T19:29:25-05:00", "2024-08-16T04:34:00-05:00"}
	for i, s := range got {
		if s.at.Format(time.RFC3339) != want[i] {
			t.Errorf("scan %d at %s; want %s", i, s.at.Format(time.RFC3339), want[i])
		}
	}
}

func TestDescriptionDropsTheStreetFedExAppends(t *testing.T) {
	cases := map[string]scanEvent{
		"Ready for recipient pickup: Package available for pickup":                 {EventDescription: "Ready for recipient pickup", ExceptionDescription: "Package available for pickup at: 2420 N BLACKSTONE AVE "},
		"Ready for recipient pickup: Package available for pickup at FedEx Office": {EventDescription: "Ready for recipient pickup", ExceptionDescription: "Package available for pickup at FedEx Office: 2201 SHATTUCK AVE"},
		"Delivery exception: Customer not available or business closed":            {EventDescription: "Delivery exception", ExceptionDescription: "Customer not available or business closed"},
		"Delivered": {EventDescription: "Delivered", ExceptionDescription: " Delivered"},
		"At local FedEx facility: Tendered at FedEx Facility": {EventDescription: "At local FedEx facility", ExceptionDescription: "Tendered at FedEx Facility"},
		"Delay: Package delayed 2 days by weather":            {EventDescription: "Delay", ExceptionDescription: "Package delayed 2 days by weather"},
	}
	for want, e := range cases {
		if got := description(e); got != want {
			t.Errorf("description(%q, %q) = %q; want %q", e.EventDescription, e.ExceptionDescription, got, want)
		}
	}
}

func TestCity(t *testing.T) {
	for in, want := range map[string]string{
		"MEMPHIS":                      "MEMPHIS",
		"FEDEX SMARTPOST INDIANAPOLIS": "INDIANAPOLIS",
		"FedEx Ground Hub Pittsburgh":  "Pittsburgh",
		"POST FALLS":                   "POST FALLS",
		"Blue Point":                   "Blue Point",
		"FEDEX":                        "FEDEX",
		"  WOODBRIDGE   TWP ":          "WOODBRIDGE TWP",
		"331 S STATE RD 135":           "",
	} {
		if got := city(in); got != want {
			t.Errorf("city(%q) = %q; want %q", in, got, want)
		}
	}
}

// answerWith edits foundShipment's track result into another shipment.
func answerWith(t *testing.T, edit func(r map[string]any)) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(foundShipment), &doc); err != nil {
		t.Fatal(err)
	}
	r := doc["output"].(map[string]any)["completeTrackResults"].([]any)[0].(map[string]any)["trackResults"].([]any)[0].(map[string]any)
	edit(r)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// onTheWay is foundShipment before the delivery scan.
func onTheWay(r map[string]any) {
	r["scanEvents"] = r["scanEvents"].([]any)[1:]
	delete(r, "deliveryDetails")
	delete(r, "standardTransitTimeWindow")
}

func TestETA(t *testing.T) {
	est := time.FixedZone("", -5*3600)
	cst := time.FixedZone("", -6*3600)
	cases := []struct {
		name string
		edit func(r map[string]any)
		want *adapters.ETA
	}{
		{"estimated window", func(r map[string]any) {
			r["estimatedDeliveryTimeWindow"] = map[string]any{"window": map[string]any{"begins": "2026-11-20T12:00:00-05:00", "ends": "2026-11-20T16:00:00-05:00"}}
		}, &adapters.ETA{From: time.Date(2026, 11, 20, 12, 0, 0, 0, est), To: time.Date(2026, 11, 20, 16, 0, 0, 0, est)}},
		{"estimated window without offsets", func(r map[string]any) {
			r["estimatedDeliveryTimeWindow"] = map[string]any{"window": map[string]any{"begins": "2026-11-20T12:00:00", "ends": "2026-11-20T16:00:00"}}
		}, &adapters.ETA{From: time.Date(2026, 11, 20, 12, 0, 0, 0, est), To: time.Date(2026, 11, 20, 16, 0, 0, 0, est)}},
		{"estimated delivery date", func(r map[string]any) {
			r["dateAndTimes"] = []any{map[string]any{"type": "ESTIMATED_DELIVERY", "dateTime": "2026-11-21T00:00:00-06:00"}}
		}, &adapters.ETA{From: time.Date(2026, 11, 21, 0, 0, 0, 0, cst), To: time.Date(2026, 11, 21, 23, 59, 59, 0, cst)}},
		{"standard transit commitment", func(r map[string]any) {
			r["standardTransitTimeWindow"] = map[string]any{"window": map[string]any{"ends": "2026-11-20T20:00:00-05:00"}}
		}, &adapters.ETA{From: time.Date(2026, 11, 20, 0, 0, 0, 0, est), To: time.Date(2026, 11, 20, 20, 0, 0, 0, est)}},
		{"a window that ended before the latest scan", func(r map[string]any) {
			r["standardTransitTimeWindow"] = map[string]any{"window": map[string]any{"ends": "2026-11-19T00:00:00-06:00"}}
		}, nil},
		{"no window", func(r map[string]any) {}, nil},
		{"waiting at a FedEx location", func(r map[string]any) {
			r["scanEvents"] = append([]any{map[string]any{"date": "2026-11-20T15:00:00-05:00", "eventType": "HP", "eventDescription": "Ready for recipient pickup"}}, r["scanEvents"].([]any)...)
			r["dateAndTimes"] = []any{map[string]any{"type": "ESTIMATED_DELIVERY", "dateTime": "2026-11-21T00:00:00-06:00"}}
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, src, _ := startFake(t, adaptertest.Found, 0, answerWith(t, func(r map[string]any) { onTheWay(r); tc.edit(r) }))
			p, err := src.Lookup(context.Background(), foundRef)
			if err != nil {
				t.Fatal(err)
			}
			if err := adaptertest.CheckView(p.View, DefaultCourier, foundNumber, foundPII); err != nil {
				t.Fatal(err)
			}
			got := p.View.ETA
			if (got == nil) != (tc.want == nil) || got != nil && (!got.From.Equal(tc.want.From) || !got.To.Equal(tc.want.To)) {
				t.Errorf("ETA %+v; want %+v", got, tc.want)
			}
		})
	}
}

func TestTheLatestShipmentOfAReusedNumberIsShown(t *testing.T) {
	body := answerWith(t, func(r map[string]any) {})
	var doc map[string]any
	json.Unmarshal([]byte(body), &doc)
	complete := doc["output"].(map[string]any)["completeTrackResults"].([]any)[0].(map[string]any)
	delivered := complete["trackResults"].([]any)[0]
	older := map[string]any{
		"trackingNumberInfo": map[string]any{"trackingNumber": foundNumber, "trackingNumberUniqueId": "2450000000~794843185271~FX"},
		"scanEvents": []any{
			map[string]any{"date": "2025-03-02T09:00:00-05:00", "eventType": "IT", "eventDescription": "In transit"},
			map[string]any{"date": "2025-03-01T09:00:00-05:00", "eventType": "PU", "eventDescription": "Picked up"},
		},
	}
	failed := map[string]any{"error": map[string]any{"code": "TRACKING.TRACKINGNUMBER.NOTFOUND"}}
	complete["trackResults"] = []any{older, failed, delivered}
	b, _ := json.Marshal(doc)
	_, src, _ := startFake(t, adaptertest.Found, 0, string(b))
	p, err := src.Lookup(context.Background(), foundRef)
	if err != nil {
		t.Fatal(err)
	}
	if p.View.Status != adapters.StatusDelivered || len(p.View.Events) != 7 {
		t.Errorf("status %s with %d events; want the delivered shipment's", p.View.Status, len(p.View.Events))
	}
}

func TestTheOnlyShipmentOfAnAnswerIsTakenUnderAnotherNumber(t *testing.T) {
	// Asked with the 22-digit barcode of a Ground parcel, FedEx may answer
	// with the tracking number the barcode holds.
	body := strings.Replace(foundShipment, `"trackingNumber": "794843185271",`, `"trackingNumber": "9611020987654312345672",`, 1)
	_, src, _ := startFake(t, adaptertest.Found, 200, body)
	p, err := src.Lookup(context.Background(), foundRef)
	if err != nil || p.View.Status != adapters.StatusDelivered || p.View.TrackingNumber != foundNumber {
		t.Errorf("Lookup = %s %s, %v; want the delivered shipment under the number asked", p.View.TrackingNumber, p.View.Status, err)
	}
}

func TestADeliveryStaysTheStatusWhateverNotesFollowIt(t *testing.T) {
	body := answerWith(t, func(r map[string]any) {
		r["scanEvents"] = append([]any{
			map[string]any{"date": "2026-11-20T18:00:00-05:00", "eventType": "RR", "eventDescription": "Delivery option requested"},
			map[string]any{"date": "2026-11-20T17:00:00-05:00", "eventType": "IT", "eventDescription": "In transit"},
		}, r["scanEvents"].([]any)...)
	})
	_, src, _ := startFake(t, adaptertest.Found, 0, body)
	p, err := src.Lookup(context.Background(), foundRef)
	if err != nil {
		t.Fatal(err)
	}
	if p.View.Status != adapters.StatusDelivered || !p.View.UpdatedAt.Equal(time.Date(2026, 11, 20, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("status %s updated %s; want delivered, updated at the last note", p.View.Status, p.View.UpdatedAt)
	}
}

func TestAnswersAreClassified(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   error
	}{
		{"unknown number in a 200", 200, notFoundAnswer(foundNumber), adapters.ErrNotFound},
		{"answers for other numbers only", 200, `{"output":{"completeTrackResults":[{"trackingNumber":"123456789012","trackResults":[]},` +
			`{"trackingNumber":"123456789013","trackResults":[]}]}}`, adapters.ErrNotFound},
		{"no scans yet", 200, answerWith(t, func(r map[string]any) { r["scanEvents"] = []any{} }), adapters.ErrNotFound},
		{"scans without a time", 200, answerWith(t, func(r map[string]any) {
			r["scanEvents"] = []any{map[string]any{"date": "soon", "eventType": "PU"}}
		}), adapters.ErrUnavailable},
		{"system error inside a result", 200, strings.Replace(notFoundAnswer(foundNumber), "TRACKING.TRACKINGNUMBER.NOTFOUND", "SYSTEM.UNAVAILABLE.EXCEPTION", 1), adapters.ErrUnavailable},
		{"error envelope in a 200", 200, `{"transactionId":"x","errors":[{"code":"TRACKING.TRACKINGNUMBER.EMPTY","message":"Please provide tracking number."}]}`, adapters.ErrNotFound},
		{"neither output nor errors", 200, `{"transactionId":"x"}`, adapters.ErrUnavailable},
		{"400 about the number", 400, `{"transactionId":"x","errors":[{"code":"TRACKING.TRACKINGNUMBER.INVALID","message":"Invalid tracking number."}]}`, adapters.ErrNotFound},
		{"400 about the request", 400, `{"transactionId":"x","errors":[{"code":"INVALID.INPUT.EXCEPTION","message":"Invalid field value in the input"}]}`, adapters.ErrMisconfigured},
		{"403", 403, `{"transactionId":"x","errors":[{"code":"FORBIDDEN.ERROR","message":"We could not authorize your credentials."}]}`, adapters.ErrMisconfigured},
		{"404", 404, `{"transactionId":"x","errors":[{"code":"NOT.FOUND.ERROR","message":"The resource you requested is no longer available."}]}`, adapters.ErrMisconfigured},
		{"422", 422, `{}`, adapters.ErrUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, src, _ := startFake(t, adaptertest.Found, tc.status, tc.body)
			_, err := src.Lookup(context.Background(), foundRef)
			if cerr := adaptertest.CheckError(err, tc.want, foundRef); cerr != nil {
				t.Fatal(cerr)
			}
		})
	}
}

func TestTrackAsksForEveryScanOfTheNormalizedNumber(t *testing.T) {
	fake, src, _ := startFake(t, adaptertest.Found, 0, foundShipment)
	if _, err := src.Lookup(context.Background(), foundRef); err != nil {
		t.Fatal(err)
	}
	if !fake.trackBody.IncludeDetailedScans || fake.trackBody.TrackingInfo[0].TrackingNumberInfo.TrackingNumber != foundNumber {
		t.Errorf("track request %+v", fake.trackBody)
	}
	if got := fake.trackHdr.Get("X-locale"); got != DefaultLocale {
		t.Errorf("X-locale %q; want %q", got, DefaultLocale)
	}
}

func TestTokenIsCachedAndRenewedBeforeItExpires(t *testing.T) {
	fake, src, clock := startFake(t, adaptertest.Found, 0, foundShipment)
	lookup := func() {
		t.Helper()
		if _, err := src.Lookup(context.Background(), foundRef); err != nil {
			t.Fatal(err)
		}
	}
	lookup()
	lookup()
	clock.Advance(54 * time.Minute) // 3599 s, renewed 5 minutes before
	lookup()
	if n := len(fake.tokens); n != 1 {
		t.Fatalf("%d tokens fetched within the token's life; want 1", n)
	}
	clock.Advance(2 * time.Minute)
	lookup()
	if n := len(fake.tokens); n != 2 {
		t.Fatalf("%d tokens fetched once the token was near expiry; want 2", n)
	}
	if got := fake.trackHdr.Get("Authorization"); got != "Bearer "+fake.tokens[1] {
		t.Errorf("track sent %q; want the new token", got)
	}
}

func TestTokenExpiresInAsAStringToo(t *testing.T) {
	fake, src, _ := startFake(t, adaptertest.Found, 0, foundShipment)
	fake.expiresIn = `"3599"`
	if _, err := src.Lookup(context.Background(), foundRef); err != nil {
		t.Fatal(err)
	}
	fake.expiresIn = `"soon"`
	src.token.drop(fake.tokens[0])
	if _, err := src.Lookup(context.Background(), foundRef); !errors.Is(err, adapters.ErrUnavailable) {
		t.Errorf("unreadable expires_in: err = %v; want ErrUnavailable", err)
	}
}

func TestConcurrentLookupsShareOneTokenFetch(t *testing.T) {
	fake, src, _ := startFake(t, adaptertest.Found, 0, foundShipment)
	fake.gate = make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			_, err := src.Lookup(context.Background(), foundRef)
			errs <- err
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(fake.gate)
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
	fake, src, _ := startFake(t, adaptertest.Found, 0, foundShipment)
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
	// A track endpoint that refuses every token is misconfigured.
	fake.mu.Lock()
	for _, tok := range fake.tokens {
		fake.revoked[tok] = true
	}
	fake.mu.Unlock()
	fake.tokens = nil // new tokens are not "issued" either
	_, err := src.Lookup(context.Background(), foundRef)
	if cerr := adaptertest.CheckError(err, adapters.ErrMisconfigured, foundRef); cerr != nil {
		t.Error(cerr)
	}
}

func TestLookupOfAnUnusableNumberCallsNobody(t *testing.T) {
	fake, src, _ := startFake(t, adaptertest.Found, 0, foundShipment)
	_, err := src.Lookup(context.Background(), adapters.ParcelRef{TrackingNumber: "79?"})
	if !errors.Is(err, adapters.ErrNotFound) || len(fake.tokens) != 0 || fake.tracks != 0 {
		t.Errorf("err %v after %d token and %d track requests; want ErrNotFound and no request", err, len(fake.tokens), fake.tracks)
	}
}

func TestOpenRefusesBadOptions(t *testing.T) {
	for name, options := range map[string]map[string]string{
		"no secret":      {"client_id": "id"},
		"no id":          {"client_secret": "s"},
		"unknown option": {"client_id": "id", "client_secret": "s", "account": "x"},
		"bad base URL":   {"client_id": "id", "client_secret": "s", "base_url": "apis.fedex.com"},
		"bad courier":    {"client_id": "id", "client_secret": "s", "courier": "FedEx"},
		"bad timeout":    {"client_id": "id", "client_secret": "s", "timeout": "soon"},
	} {
		if _, err := adapters.Open(AdapterName, options); err == nil {
			t.Errorf("%s: Open(%v) succeeded", name, options)
		}
	}
	if _, err := adapters.Open(AdapterName, map[string]string{"client_id": "id", "client_secret": "s", "base_url": SandboxURL}); err != nil {
		t.Errorf("Open with credentials: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(foundShipment))
	f.Add([]byte(notFoundAnswer(foundNumber)))
	f.Add([]byte(`{"output":{"completeTrackResults":[{"trackingNumber":"794843185271","trackResults":[{"scanEvents":[{"date":"2024-08-15T00:00:00","eventType":"AO"}]}]}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		results, err := decodeAnswer(body, foundNumber)
		if err != nil {
			return
		}
		p, err := parcelOf(DefaultCourier, foundNumber, latestResult(results))
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
