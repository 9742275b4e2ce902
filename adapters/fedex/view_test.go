package fedex

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
)

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

func TestATimeWithoutOffsetTakesItsPlacesZoneBeforeANeighboursOffset(t *testing.T) {
	r := &trackResult{ScanEvents: []scanEvent{
		{Date: "2024-01-16T08:00:00-05:00", EventType: "AR", ScanLocation: &scanLocation{City: "MEMPHIS", StateOrProvinceCode: "TN", CountryCode: "US"}},
		{Date: "2024-01-15T09:00:00", EventType: "PU", ScanLocation: &scanLocation{City: "LOS ANGELES", StateOrProvinceCode: "CA", CountryCode: "US"}},
		{Date: "2024-01-15T08:00:00", EventType: "OC", ScanLocation: &scanLocation{CountryCode: "US"}}, // no zone: its neighbour's offset
	}}
	got := scans(r)
	want := []string{"2024-01-15T08:00:00-05:00", "2024-01-15T09:00:00-08:00", "2024-01-16T08:00:00-05:00"}
	for i, s := range got {
		if s.at.Format(time.RFC3339) != want[i] {
			t.Errorf("scan %d at %s; want %s", i, s.at.Format(time.RFC3339), want[i])
		}
	}
}

func TestLocationOfKeepsCityStateAndCountry(t *testing.T) {
	cases := []struct {
		l    *scanLocation
		want *adapters.Location
	}{
		{&scanLocation{City: "FEDEX SMARTPOST INDIANAPOLIS", StateOrProvinceCode: "IN", CountryCode: "US"}, &adapters.Location{City: "INDIANAPOLIS", Region: "IN", Country: "US"}},
		{&scanLocation{City: "MISSISSAUGA", StateOrProvinceCode: "ON", CountryCode: "ca"}, &adapters.Location{City: "MISSISSAUGA", Region: "ON", Country: "CA"}},
		{&scanLocation{City: "Atlanta", StateOrProvinceCode: "XX", CountryCode: "US"}, &adapters.Location{City: "Atlanta", Country: "US"}},
		{&scanLocation{City: "331 S STATE RD 135", CountryCode: "ZZ"}, nil},
		{nil, nil},
	}
	for _, tc := range cases {
		got := locationOf(tc.l)
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("locationOf(%+v) = %+v; want %+v", tc.l, got, tc.want)
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
