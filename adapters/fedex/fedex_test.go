package fedex

import (
	"context"
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
	src.token.Drop(fake.tokens[0])
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
