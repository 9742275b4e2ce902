package declarative

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
)

// scanCarrier describes a carrier answering {"scans": [...]}; extra is
// YAML added at the top level.
func scanCarrier(t *testing.T, extra string) *Description {
	t.Helper()
	doc := `carrier: scan-post
base_url: https://api.scanpost.example
request:
  url: "{base_url}/parcels/{number}"
errors:
  answer:
    - when: .success == false and .code == "NO_SUCH_PARCEL"
      error: not_found
    - when: .success == false
      error: misconfigured
answer:
  events: .scans[]?
  event:
    time: .at
    code: .state
    description: .note
    location: .where
  eta: '{from: .eta, to: .eta}'
status:
  codes: {created: info_received, moving: in_transit, out: out_for_delivery, done: delivered, note: keep}
` + extra
	d, err := Load("scan.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const scanNumber = "SP20260601001"

// answerWith looks scanNumber up at a carrier that answers body.
func answerWith(t *testing.T, d *Description, status int, body string) (adapters.View, error) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	src, err := New(d, Config{BaseURL: srv.URL, Client: &carrierhttp.Client{HTTP: srv.Client(), Attempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := src.Lookup(context.Background(), adapters.ParcelRef{TrackingNumber: scanNumber})
	if err == nil {
		if cerr := adaptertest.CheckView(p.View, "scan-post", scanNumber, nil); cerr != nil {
			t.Errorf("the view breaks the rules: %v", cerr)
		}
	}
	return p.View, err
}

func statuses(v adapters.View) string {
	var s []string
	for _, e := range v.Events {
		s = append(s, string(e.Status))
	}
	return strings.Join(s, " ")
}

func TestTheWholeHistoryDecidesTheStatus(t *testing.T) {
	d := scanCarrier(t, "")
	cases := []struct {
		name, scans, events string
		want                adapters.Status
	}{
		{"informational lines after the delivery",
			`{"at":"2026-06-01T09:00:00Z","state":"moving","note":"Departed hub"},
			 {"at":"2026-06-02T09:00:00Z","state":"done","note":"Delivered"},
			 {"at":"2026-06-02T09:05:00Z","state":"moving","note":"View the signer online"}`,
			"in_transit delivered delivered", adapters.StatusDelivered},
		{"a late label line does not undo the transit",
			`{"at":"2026-06-01T09:00:00Z","state":"moving","note":"Received at hub"},
			 {"at":"2026-06-01T10:00:00Z","state":"created","note":"Awaiting shipment"}`,
			"in_transit in_transit", adapters.StatusInTransit},
		{"a note keeps the status before it",
			`{"at":"2026-06-01T09:00:00Z","state":"out","note":"Out for delivery"},
			 {"at":"2026-06-01T10:00:00Z","state":"note","note":"Delivered"}`,
			"out_for_delivery out_for_delivery", adapters.StatusOutForDelivery},
		{"back to the depot after a delivery round is a real move",
			`{"at":"2026-06-01T09:00:00Z","state":"out","note":"Out for delivery"},
			 {"at":"2026-06-01T19:00:00Z","state":"moving","note":"Back at depot"}`,
			"out_for_delivery in_transit", adapters.StatusInTransit},
		{"newest first, same-time lines kept in the carrier's order",
			`{"at":"2026-06-02T09:00:00Z","state":"done","note":"Delivered"},
			 {"at":"2026-06-01T09:00:00Z","state":"moving","note":"Picked up"},
			 {"at":"2026-06-01T09:00:00Z","state":"created","note":"Accepted"}`,
			"info_received in_transit delivered", adapters.StatusDelivered},
		{"an unknown code is in transit",
			`{"at":"2026-06-01T09:00:00Z","state":"customs-hold","note":"Held"}`,
			"in_transit", adapters.StatusInTransit},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := answerWith(t, d, 200, `{"scans":[`+tc.scans+`],"eta":"2026-06-09T18:00:00+08:00"}`)
			if err != nil {
				t.Fatal(err)
			}
			if statuses(v) != tc.events || v.Status != tc.want {
				t.Errorf("events %q, view %s; want %q, %s", statuses(v), v.Status, tc.events, tc.want)
			}
			if (v.ETA == nil) != tc.want.Final() {
				t.Errorf("ETA %+v for a %s parcel", v.ETA, v.Status)
			}
		})
	}
}

func TestTimesWithoutAnOffsetTakeTheirPlacesZone(t *testing.T) {
	scans := `{"scans":[
		{"at":"2021-04-25 11:08","state":"moving","note":"Departed","where":"BRUSSELS - BELGIUM"},
		{"at":"2021-04-25T09:07:00","state":"moving","note":"Customs status updated","where":"NEW YORK CITY GATEWAY, NY - USA"},
		{"at":"2021-04-26T11:42:00","state":"done","note":"Delivered","where":"EAST ELMHURST"},
		{"at":"2021-04-26T10:10:00","state":"out","note":"With delivery courier","where":"NEW YORK, NY - USA"},
		{"at":1619431200,"state":"note","note":"Unix seconds"}]}`
	v, err := answerWith(t, scanCarrier(t, ""), 200, scans)
	if err != nil {
		t.Fatal(err)
	}
	// East Elmhurst has no zone of its own: it takes the one of the scan
	// before it, in New York.
	want := []string{"2021-04-25T11:08:00+02:00", "2021-04-25T09:07:00-04:00", "2021-04-26T10:00:00Z", "2021-04-26T10:10:00-04:00", "2021-04-26T11:42:00-04:00"}
	if len(v.Events) != len(want) {
		t.Fatalf("%d events; want %d", len(v.Events), len(want))
	}
	for i, e := range v.Events {
		if i >= len(want) || e.Time.Format(time.RFC3339) != want[i] {
			t.Errorf("event %d at %s; want %v", i, e.Time.Format(time.RFC3339), want)
		}
	}
	fixed, err := answerWith(t, scanCarrier(t, "zone: Asia/Shanghai\n"), 200, `{"scans":[{"at":"2026-06-01 09:30:00","state":"moving","note":"揽收","where":"BRUSSELS - BELGIUM"}]}`)
	if err != nil || fixed.Events[0].Time.Format(time.RFC3339) != "2026-06-01T09:30:00+08:00" {
		t.Errorf("with a fixed zone: %v, %v", fixed.Events, err)
	}
}

func TestErrorsInsideA200(t *testing.T) {
	d := scanCarrier(t, "")
	for body, want := range map[string]error{
		`{"success":false,"code":"NO_SUCH_PARCEL","message":"SP20260601001 unknown"}`: adapters.ErrNotFound,
		`{"success":false,"code":"BAD_SIGNATURE"}`:                                    adapters.ErrMisconfigured,
		`<html>maintenance</html>`:                                                    adapters.ErrUnavailable,
		`{"scans":[]}`:                                                                adapters.ErrUnavailable, // nothing dated
		`{"scans":"none"}`:                                                            adapters.ErrUnavailable, // .scans[]? on a string
	} {
		_, err := answerWith(t, d, 200, body)
		if cerr := adaptertest.CheckError(err, want, adapters.ParcelRef{TrackingNumber: scanNumber}); cerr != nil {
			t.Errorf("%s: %v", body, cerr)
		}
	}
	_, err := answerWith(t, d, http.StatusGone, `{}`)
	if !errors.Is(err, adapters.ErrUnavailable) {
		t.Errorf("HTTP 410: %v; want ErrUnavailable", err)
	}
}

func TestAJQErrorNamesItsLineNotTheValues(t *testing.T) {
	d := scanCarrier(t, "")
	d.spec.Answer.Event.Description = mustJQ(t, `.note | ltrimstr(1) | error`)
	_, err := answerWith(t, d, 200, `{"scans":[{"at":"2026-06-01T09:00:00Z","state":"moving","note":"SP20260601001 Jane Doe"}]}`)
	if !errors.Is(err, adapters.ErrUnavailable) || strings.Contains(err.Error(), "Jane") || strings.Contains(err.Error(), scanNumber) {
		t.Errorf("err = %v; want ErrUnavailable naming neither the number nor the text", err)
	}
}

func TestJQRunsWithATimeoutAndNoEnvironment(t *testing.T) {
	d := scanCarrier(t, "limits: {jq_timeout: 50ms}\n")
	d.spec.Answer.Events = mustJQ(t, `last(range(1e12)) | {at: "2026-06-01T09:00:00Z"}`)
	start := time.Now()
	if _, err := answerWith(t, d, 200, `{}`); !errors.Is(err, adapters.ErrUnavailable) || time.Since(start) > 5*time.Second {
		t.Errorf("an endless expression: %v after %s", err, time.Since(start))
	}
	t.Setenv("TG_SECRET_FOR_TEST", "hunter2")
	e := mustJQ(t, `[env.TG_SECRET_FOR_TEST, $ENV.TG_SECRET_FOR_TEST, $number]`)
	out, err := e.first(context.Background(), nil, []any{scanNumber, ""})
	if list, ok := out.([]any); err != nil || !ok || len(list) != 3 || list[0] != nil || list[1] != nil || list[2] != scanNumber {
		t.Errorf("jq read the environment: %v, %v", out, err)
	}
}

func TestAnAnswerLargerThanTheLimitIsRefused(t *testing.T) {
	d := scanCarrier(t, "limits: {body: 1024}\n")
	big := `{"scans":[{"at":"2026-06-01T09:00:00Z","state":"moving","note":"` + strings.Repeat("x", 2048) + `"}]}`
	if _, err := answerWith(t, d, 200, big); !errors.Is(err, adapters.ErrUnavailable) {
		t.Errorf("err = %v; want ErrUnavailable", err)
	}
}

func TestTextsLoseNamesAndPersonalData(t *testing.T) {
	d := scanCarrier(t, "")
	d.spec.Answer.Personal = mustJQ(t, `.signer`)
	v, err := answerWith(t, d, 200, `{"signer":"Wang Xiaoming","scans":[
		{"at":"2026-06-01T09:00:00Z","state":"done","note":"Delivered, collected by wang   at the door; call 13912345678","where":"Hangzhou, ZJ, CN"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Events[0].Description; got != "Delivered, collected by **** at the door; call [phone]" {
		t.Errorf("description %q", got)
	}
	if l := v.Events[0].Location; l == nil || *l != (adapters.Location{City: "Hangzhou", Region: "ZJ", Country: "CN"}) {
		t.Errorf("location %+v", l)
	}
}

func mustJQ(t *testing.T, src string) jqExpr {
	t.Helper()
	var e jqExpr
	if err := e.UnmarshalYAML(&yaml.Node{Kind: yaml.ScalarNode, Value: src, Line: 1}); err != nil {
		t.Fatal(err)
	}
	return e
}
