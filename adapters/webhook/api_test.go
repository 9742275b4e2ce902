package webhook_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/webhook"
	"github.com/trackgate/trackgate/crypto"
)

// goodTN is the parcel of the valid event that every bad batch starts
// with: it must not be stored when the rest of the batch is refused.
const goodTN = "AP1000000001"

func validEvent() map[string]any {
	return map[string]any{
		"tracking_number": goodTN,
		"time":            "2026-05-30T08:00:00+08:00",
		"status":          "in_transit",
		"description":     "Departed Hangzhou hub",
	}
}

// badBatch is a batch of a valid event and a second one with changes
// (a nil value removes the member).
func badBatch(changes map[string]any) []byte {
	second := validEvent()
	second["tracking_number"] = "AP1000000002"
	for k, v := range changes {
		if v == nil {
			delete(second, k)
		} else {
			second[k] = v
		}
	}
	data, _ := json.Marshal(map[string]any{"events": []any{validEvent(), second}})
	return data
}

func TestIngestRefusesRequestsWithoutTheToken(t *testing.T) {
	in := openIngest(t)
	body := badBatch(nil)
	for _, tc := range []struct{ name, header string }{
		{"no header", ""},
		{"wrong token", "Bearer " + strings.Repeat("x", len(testToken))},
		{"token prefix", "Bearer " + testToken[:len(testToken)-1]},
		{"token with more", "Bearer " + testToken + "x"},
		{"other scheme", "Basic " + testToken},
		{"no scheme", testToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, in.url+"/v1/events", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", resp.StatusCode)
			}
			if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
	for _, path := range []string{"/v1/parcels/" + goodTN} {
		wantProblem(t, in.do(t, http.MethodGet, path, "", "", nil), http.StatusUnauthorized)
	}
	if _, err := in.lookup(t, goodTN); !errors.Is(err, adapters.ErrNotFound) {
		t.Fatalf("an unauthorized post stored something: %v", err)
	}
}

func TestIngestRefusesBadInputAndStoresNothing(t *testing.T) {
	in := openIngest(t)
	tooMany := make([]any, webhook.MaxEventsPerRequest+1)
	for i := range tooMany {
		e := validEvent()
		e["tracking_number"] = fmt.Sprintf("AP2%09d", i)
		tooMany[i] = e
	}
	tooManyBody, _ := json.Marshal(map[string]any{"events": tooMany})
	huge := []byte(`{"events":[{"description":"` + strings.Repeat("x", webhook.MaxEventsBodyBytes) + `"}]}`)

	for _, tc := range []struct {
		name        string
		body        []byte
		contentType string
		status      int
		pointer     string // a pointer the problem must list, if any
	}{
		{"not JSON", []byte(`{"events":[`), "", 400, ""},
		{"JSON syntax error", []byte(`{"events":[}`), "", 400, ""},
		{"empty body", nil, "", 400, ""},
		{"two values", append(badBatch(nil), []byte(` {}`)...), "", 400, ""},
		{"unknown member", badBatch(map[string]any{"recipient": "Zhang San"}), "", 400, ""},
		{"wrong type", badBatch(map[string]any{"time": 1780000000}), "", 400, ""},
		{"no events member", []byte(`{}`), "", 400, "/events"},
		{"empty events", []byte(`{"events":[]}`), "", 400, "/events"},
		{"1001 events", tooManyBody, "", 400, "/events"},
		{"time without offset", badBatch(map[string]any{"time": "2026-05-30T08:00:00"}), "", 400, "/events/1/time"},
		{"time as a date", badBatch(map[string]any{"time": "2026-05-30"}), "", 400, "/events/1/time"},
		{"time missing", badBatch(map[string]any{"time": nil}), "", 400, "/events/1/time"},
		{"time far in the future", badBatch(map[string]any{"time": "2026-06-02T12:00:00Z"}), "", 400, "/events/1/time"},
		{"time before 2000", badBatch(map[string]any{"time": "1999-12-31T23:00:00Z"}), "", 400, "/events/1/time"},
		{"unknown status", badBatch(map[string]any{"status": "shipped"}), "", 400, "/events/1/status"},
		{"status missing", badBatch(map[string]any{"status": nil}), "", 400, "/events/1/status"},
		{"bad tracking number", badBatch(map[string]any{"tracking_number": "AB/12"}), "", 400, "/events/1/tracking_number"},
		{"non-ASCII tracking number", badBatch(map[string]any{"tracking_number": "ＡＰ1000000002"}), "", 400, "/events/1/tracking_number"},
		{"tracking number missing", badBatch(map[string]any{"tracking_number": nil}), "", 400, "/events/1/tracking_number"},
		{"factor for a courier without one", badBatch(map[string]any{"factors": []string{"1234"}}), "", 400, "/events/1/factors"},
		{"blank description", badBatch(map[string]any{"description": "   "}), "", 400, "/events/1/description"},
		{"long description", badBatch(map[string]any{"description": strings.Repeat("长", 400)}), "", 400, "/events/1/description"},
		{"description with a newline", badBatch(map[string]any{"description": "line\nbreak"}), "", 400, "/events/1/description"},
		{"free text substatus", badBatch(map[string]any{"substatus": "left with Zhang San"}), "", 400, "/events/1/substatus"},
		{"bad country", badBatch(map[string]any{"location": map[string]any{"country": "China"}}), "", 400, "/events/1/location/country"},
		{"eta ending before it starts", badBatch(map[string]any{"eta": map[string]any{"from": "2026-06-03T09:00:00+08:00", "to": "2026-06-02T09:00:00+08:00"}}), "", 400, "/events/1/eta/to"},
		{"eta without offset", badBatch(map[string]any{"eta": map[string]any{"from": "2026-06-03T09:00:00", "to": "2026-06-03T18:00:00+08:00"}}), "", 400, "/events/1/eta/from"},
		{"handoff to a bad courier id", badBatch(map[string]any{"handoff": map[string]any{"courier": "Other Post", "tracking_number": "OP123456789"}}), "", 400, "/events/1/handoff/courier"},
		{"handoff without a number", badBatch(map[string]any{"handoff": map[string]any{"courier": "other-post"}}), "", 400, "/events/1/handoff/tracking_number"},
		{"not declared JSON", badBatch(nil), "text/plain", 415, ""},
		{"body over the limit", huge, "", 413, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct := tc.contentType
			if ct == "" {
				ct = "application/json; charset=utf-8"
			}
			p := wantProblem(t, in.do(t, http.MethodPost, "/v1/events", testToken, ct, tc.body), tc.status)
			if tc.pointer != "" {
				if p.Type != webhook.ProblemInvalidRequest || !strings.Contains(" "+p.pointers()+" ", " "+tc.pointer+" ") {
					t.Errorf("problem %s lists %q; want %q", p.Type, p.pointers(), tc.pointer)
				}
			}
			for _, e := range p.Errors {
				if e.Detail == "" {
					t.Errorf("problem at %s has no detail", e.Pointer)
				}
			}
			if _, err := in.lookup(t, goodTN); !errors.Is(err, adapters.ErrNotFound) {
				t.Fatalf("the valid event of a refused batch was stored: %v", err)
			}
		})
	}
}

func TestIngestListsEveryProblemOfABatch(t *testing.T) {
	in := openIngest(t)
	body := badBatch(map[string]any{"time": "yesterday", "status": "lost", "description": ""})
	p := wantProblem(t, in.post(t, body), http.StatusBadRequest)
	if got, want := p.pointers(), "/events/1/time /events/1/status /events/1/description"; got != want {
		t.Fatalf("pointers %q, want %q", got, want)
	}
}

func TestIngestProblemsDoNotRepeatTheValues(t *testing.T) {
	in := openIngest(t)
	secret := "SECRET13800138000"
	a := in.post(t, badBatch(map[string]any{"tracking_number": secret + "/", "status": secret, "time": secret}))
	wantProblem(t, a, http.StatusBadRequest)
	if strings.Contains(string(a.body), secret) {
		t.Fatalf("the problem repeats a value sent: %s", a.body)
	}
}

func TestIngestNormalizesTrackingNumbers(t *testing.T) {
	in := openIngest(t)
	in.mustPost(t, ev("ap 1000-0000.01", 0, adapters.StatusInTransit, "Departed Hangzhou hub"))
	p, err := in.lookup(t, "AP1000000001")
	if err != nil {
		t.Fatal(err)
	}
	if p.View.TrackingNumber != "AP1000000001" {
		t.Fatalf("view names %q", p.View.TrackingNumber)
	}
}

func TestIngestIsIdempotent(t *testing.T) {
	in := openIngest(t)
	batch := []webhook.EventIn{
		ev(goodTN, 0, adapters.StatusInfoReceived, "Shipment information received"),
		ev(goodTN, 60, adapters.StatusInTransit, "Departed Hangzhou hub"),
		ev("AP1000000002", 0, adapters.StatusInTransit, "Arrived at Shanghai hub"),
	}
	first := in.mustPost(t, batch...)
	if first != (webhook.EventsResponse{Received: 3, Stored: 3, Duplicates: 0, Parcels: 2}) {
		t.Fatalf("first post: %+v", first)
	}
	before, err := in.lookup(t, goodTN)
	if err != nil {
		t.Fatal(err)
	}
	again := in.mustPost(t, batch...)
	if again != (webhook.EventsResponse{Received: 3, Stored: 0, Duplicates: 3, Parcels: 2}) {
		t.Fatalf("second post of the same batch: %+v", again)
	}
	// The same instant written with another offset is the same event; a
	// repeat inside one batch is stored once.
	utc := ev(goodTN, 60, adapters.StatusInTransit, "Departed Hangzhou hub")
	utc.Time = "2026-05-30T01:00:00Z"
	dup := in.mustPost(t, utc, batch[0], batch[0])
	if dup.Stored != 0 || dup.Duplicates != 3 {
		t.Fatalf("repeats: %+v", dup)
	}
	after, err := in.lookup(t, goodTN)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(before)
	b, _ := json.Marshal(after)
	if string(a) != string(b) || after.Version != 2 {
		t.Fatalf("duplicates changed the parcel (version %d):\n%s\n%s", after.Version, a, b)
	}
	// Another description at the same time is another event.
	other := ev(goodTN, 60, adapters.StatusInTransit, "Loaded onto truck")
	if res := in.mustPost(t, other); res.Stored != 1 {
		t.Fatalf("a different event at the same time: %+v", res)
	}
}

func TestIngestScrubsFreeText(t *testing.T) {
	in := openIngest(t)
	e := ev(goodTN, 0, adapters.StatusDelivered, "已签收，签收人：张三，电话 138 0013 8000，感谢使用")
	e.Location = &webhook.LocationIn{City: "Hangzhou", Region: "contact lisi@example.com", Country: "cn"}
	in.mustPost(t, e)
	p, err := in.lookup(t, goodTN)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(p.View)
	for _, secret := range []string{"张三", "138", "8000", "lisi@example.com"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("view holds %q: %s", secret, data)
		}
	}
	if !strings.Contains(p.View.Events[0].Description, "已签收") || p.View.Events[0].Location.Country != "CN" {
		t.Errorf("scrubbing lost what tracking needs: %s", data)
	}
}

func TestIngestCapsTheEventsOfAParcel(t *testing.T) {
	in := openIngest(t)
	batch := make([]webhook.EventIn, webhook.MaxEventsPerParcel)
	for i := range batch {
		batch[i] = ev(goodTN, i, adapters.StatusInTransit, fmt.Sprintf("Scan %d", i))
	}
	in.mustPost(t, batch...)
	more := []webhook.EventIn{
		ev("AP1000000002", 0, adapters.StatusInTransit, "Another parcel"),
		ev(goodTN, webhook.MaxEventsPerParcel, adapters.StatusInTransit, "One scan too many"),
	}
	p := wantProblem(t, in.post(t, webhook.EventsRequest{Events: more}), http.StatusBadRequest)
	if p.pointers() != "/events/1" {
		t.Fatalf("pointers %q", p.pointers())
	}
	if _, err := in.lookup(t, "AP1000000002"); !errors.Is(err, adapters.ErrNotFound) {
		t.Fatalf("the refused batch's other parcel was stored: %v", err)
	}
	// A repeat of a stored event is no new event, so it is not refused.
	if res := in.mustPost(t, batch[0]); res.Duplicates != 1 {
		t.Fatalf("%+v", res)
	}
}

func TestIngestRequiresAFactorWhenTheCourierDoes(t *testing.T) {
	in := openIngest(t, func(c *webhook.Config) { c.Factor = crypto.FactorPhoneLast4 })
	e := ev(goodTN, 0, adapters.StatusInTransit, "Departed Hangzhou hub")
	p := wantProblem(t, in.post(t, webhook.EventsRequest{Events: []webhook.EventIn{e}}), http.StatusBadRequest)
	if p.pointers() != "/events/0/factors" {
		t.Fatalf("pointers %q", p.pointers())
	}
	bad := e
	bad.Factors = []string{"12345"}
	p = wantProblem(t, in.post(t, webhook.EventsRequest{Events: []webhook.EventIn{bad}}), http.StatusBadRequest)
	if p.pointers() != "/events/0/factors/0" {
		t.Fatalf("pointers %q", p.pointers())
	}
	// A factor given once stays with the parcel for its later events.
	first := e
	first.Factors = []string{"8000"}
	in.mustPost(t, first)
	in.mustPost(t, ev(goodTN, 60, adapters.StatusOutForDelivery, "Out for delivery"))
	got, err := in.lookup(t, goodTN)
	if err != nil || got.Version != 2 || strings.Join(got.Factors, ",") != "8000" {
		t.Fatalf("parcel %+v, %v", got, err)
	}
}

func TestMethodsAndRoutes(t *testing.T) {
	in := openIngest(t)
	for _, tc := range []struct {
		method, path, token string
		status              int
		allow               string
	}{
		{http.MethodGet, "/healthz", "", 200, ""},
		{http.MethodPost, "/healthz", "", 405, "GET"},
		{http.MethodGet, "/v1/events", testToken, 405, "POST"},
		{http.MethodPost, "/v1/parcels/" + goodTN, testToken, 405, "GET, PUT, DELETE"},
		{http.MethodGet, "/v1/parcels/AB", testToken, 400, ""},
		{http.MethodGet, "/v1/parcels/" + goodTN, testToken, 404, ""},
		{http.MethodGet, "/tg1/keys", testToken, 404, ""},
		{http.MethodGet, "/", "", 404, ""},
	} {
		a := in.do(t, tc.method, tc.path, tc.token, "", nil)
		if a.status != tc.status || a.header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d (Allow %q), want %d (Allow %q)", tc.method, tc.path, a.status, a.header.Get("Allow"), tc.status, tc.allow)
		}
		if tc.status != 200 {
			wantProblem(t, a, tc.status)
		}
	}
}
