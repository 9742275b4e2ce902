package gateway

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/delivery/deliverytest"
	"github.com/trackgate/trackgate/gateway/telemetry"
)

// scraped is one scrape of /metrics: every series by name and labels,
// histograms as their _count and _sum, and every label seen.
type scraped struct {
	series map[string]float64
	labels []*dto.LabelPair
}

// withMetrics gives the gateway a registry of the test's and serves it
// the way the admin listener does; scrape reads it over HTTP.
func withMetrics(t *testing.T) (func(*Config), func() scraped) {
	reg := telemetry.NewRegistry()
	admin := httptest.NewServer(telemetry.AdminHandler(reg))
	t.Cleanup(admin.Close)
	tweak := func(c *Config) { c.Metrics = telemetry.NewGatewayMetrics(reg) }
	scrape := func() scraped {
		t.Helper()
		resp, err := http.Get(admin.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err := parser.TextToMetricFamilies(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		s := scraped{series: map[string]float64{}}
		for name, f := range families {
			for _, m := range f.Metric {
				key := seriesKey(name, m.Label)
				s.labels = append(s.labels, m.Label...)
				switch {
				case m.Counter != nil:
					s.series[key] = m.Counter.GetValue()
				case m.Gauge != nil:
					s.series[key] = m.Gauge.GetValue()
				case m.Histogram != nil:
					s.series[seriesKey(name+"_count", m.Label)] = float64(m.Histogram.GetSampleCount())
					s.series[seriesKey(name+"_sum", m.Label)] = m.Histogram.GetSampleSum()
				}
			}
		}
		return s
	}
	return tweak, scrape
}

// seriesKey is name{a="x",b="y"} with labels sorted, as the exposition
// writes it.
func seriesKey(name string, labels []*dto.LabelPair) string {
	parts := make([]string, len(labels))
	for i, l := range labels {
		parts[i] = fmt.Sprintf("%s=%q", l.GetName(), l.GetValue())
	}
	sort.Strings(parts)
	return name + "{" + strings.Join(parts, ",") + "}"
}

// moved is what changed from before to after in the series of the
// families named, as the exposition names them.
func moved(before, after scraped, families ...string) map[string]float64 {
	out := map[string]float64{}
	for key, v := range after.series {
		name, _, _ := strings.Cut(key, "{")
		if !slices.Contains(families, name) {
			continue
		}
		if d := v - before.series[key]; d != 0 {
			out[key] = d
		}
	}
	return out
}

func TestMetricsMoveByExactlyTheTrafficSent(t *testing.T) {
	k := newReportKeys(t)
	metrics, scrape := withMetrics(t)
	h := newHarness(t, k.config(t), metrics)
	before := scrape()
	sendTraffic(t, h, k)
	after := scrape()

	exact := map[string]float64{
		// Two evaluations of alpha's (2 then 3 elements), one of beta's,
		// and a part for gamma under an unknown kid that never left.
		`trackgate_evaluations_total{courier="alpha",outcome="ok"}`:      2,
		`trackgate_evaluations_total{courier="beta",outcome="ok"}`:       1,
		`trackgate_evaluations_total{courier="gamma",outcome="invalid"}`: 1,
		`trackgate_evaluated_elements_total{courier="alpha"}`:            5,
		`trackgate_evaluated_elements_total{courier="beta"}`:             1,
		`trackgate_evaluate_duration_seconds_count{courier="alpha"}`:     2,
		`trackgate_evaluate_duration_seconds_count{courier="beta"}`:      1,
		// alpha: 3 records, then the same 3 again; beta: 4 of one, the
		// last over its limit of 3.
		`trackgate_published_records_total{courier="alpha",outcome="stored"}`: 3,
		`trackgate_published_records_total{courier="alpha",outcome="stale"}`:  3,
		`trackgate_published_records_total{courier="beta",outcome="stored"}`:  3,
		`trackgate_published_records_total{courier="beta",outcome="refused"}`: 1,
		// Six publishes reached the store, six bucket and two record reads.
		`trackgate_store_operation_duration_seconds_count{operation="apply",outcome="ok"}`:   6,
		`trackgate_store_operation_duration_seconds_count{operation="bucket",outcome="ok"}`:  6,
		`trackgate_store_operation_duration_seconds_count{operation="locator",outcome="ok"}`: 2,
		`trackgate_fetches_total{kind="bucket"}`:                                             6,
		`trackgate_fetches_total{kind="record"}`:                                             2,
		// Every read missed the pull cache and asked gamma's host.
		`trackgate_pull_fetches_total{courier="gamma",outcome="ok"}`:          8,
		`trackgate_pull_fetch_duration_seconds_count{courier="gamma"}`:        8,
		`trackgate_rate_limit_refusals_total{limiter="fetch",scope="tenant"}`: 1,
	}
	got := moved(before, after, "trackgate_evaluations_total", "trackgate_evaluated_elements_total",
		"trackgate_evaluate_duration_seconds_count", "trackgate_published_records_total",
		"trackgate_store_operation_duration_seconds_count", "trackgate_fetches_total",
		"trackgate_pull_fetches_total", "trackgate_pull_fetch_duration_seconds_count",
		"trackgate_rate_limit_refusals_total")
	for key, want := range exact {
		if got[key] != want {
			t.Errorf("%s moved by %v, want %v", key, got[key], want)
		}
	}
	for key, d := range got {
		if _, ok := exact[key]; !ok {
			t.Errorf("%s moved by %v; the traffic sent none of it", key, d)
		}
	}
	http := moved(before, after, "trackgate_http_requests_total", "trackgate_http_request_duration_seconds_count")
	for key, want := range map[string]float64{
		`trackgate_http_requests_total{class="2xx",method="GET",route="/v1/buckets/:bucket"}`:           6,
		`trackgate_http_requests_total{class="4xx",method="GET",route="/v1/buckets/:bucket"}`:           2,
		`trackgate_http_requests_total{class="2xx",method="GET",route="/v1/records/:locator"}`:          2,
		`trackgate_http_requests_total{class="2xx",method="POST",route="/v1/evaluate"}`:                 2,
		`trackgate_http_requests_total{class="4xx",method="POST",route="/v1/evaluate"}`:                 1,
		`trackgate_http_requests_total{class="2xx",method="PUT",route="/v1/couriers/:courier/records"}`: 6,
		`trackgate_http_requests_total{class="4xx",method="PUT",route="/v1/couriers/:courier/records"}`: 3,
		`trackgate_http_requests_total{class="4xx",method="GET",route="(unmatched)"}`:                   3,
		`trackgate_http_request_duration_seconds_count{method="GET",route="/v1/buckets/:bucket"}`:       8,
	} {
		if http[key] != want {
			t.Errorf("%s moved by %v, want %v", key, http[key], want)
		}
	}
	for key := range after.series {
		if strings.HasPrefix(key, "trackgate_courier_breaker_state") {
			t.Errorf("%s: the scripted hosts have no breaker, so no gauge", key)
		}
	}
}

// TestMetricLabelsHoldNoIdentifier scrapes after the traffic and reads
// every label: route templates, registered couriers and fixed words
// only — never a locator, bucket, key, origin, address or number that
// the traffic carried.
func TestMetricLabelsHoldNoIdentifier(t *testing.T) {
	k := newReportKeys(t)
	metrics, scrape := withMetrics(t)
	h := newHarness(t, k.config(t), metrics)
	traffic := sendTraffic(t, h, k)
	// And a few made-up methods and paths a client might try.
	for _, p := range []string{"/v1/buckets/ffff", "/v1/records/" + strings.Repeat("B", 22), "/v1/couriers/alpha/records/x"} {
		h.do("PROPFIND", p, nil, nil)
	}
	after := scrape()

	routes := map[string]bool{telemetry.UnmatchedRoute: true}
	for _, r := range h.gw.engine.Routes() {
		routes[r.Path] = true
	}
	secrets := traffic.secrets
	delete(secrets, "a bucket path") // route templates hold it, by design
	for _, p := range []string{"/v1/buckets/3", "/v1/buckets/a", "/v1/buckets/ffff", strings.Repeat("B", 22)} {
		secrets["a concrete path: "+p] = p
	}
	safe := regexp.MustCompile(`^[A-Za-z0-9_.:/(){}-]{0,64}$`)
	for _, l := range after.labels {
		name, value := l.GetName(), l.GetValue()
		for what, secret := range secrets {
			if strings.Contains(value, secret) {
				t.Errorf("label %s=%q holds %s", name, value, what)
			}
		}
		if !safe.MatchString(value) {
			t.Errorf("label %s=%q is not of the metrics' vocabulary", name, value)
		}
		switch name {
		case "route":
			if !routes[value] {
				t.Errorf("route label %q is not a route template", value)
			}
		case "courier":
			if !slices.Contains([]string{"alpha", "beta", "gamma", telemetry.OtherCourier}, value) {
				t.Errorf("courier label %q is not a registered courier", value)
			}
		case "method":
			if value == "PROPFIND" {
				t.Error("a made-up method became a label value")
			}
		}
	}
	if after.series[`trackgate_http_requests_total{class="4xx",method="OTHER",route="(unmatched)"}`] != 3 {
		t.Error("made-up methods should count under OTHER and (unmatched)")
	}
}

// breakerHost is a courier host client with breakers, as remotehost's.
type breakerHost struct {
	*scriptedHost
	states []telemetry.BreakerState
}

func (b breakerHost) BreakerStates() []telemetry.BreakerState { return b.states }

func TestBreakerStatesAndBreakerOpenOutcomesAreCounted(t *testing.T) {
	metrics, scrape := withMetrics(t)
	h := newHarness(t, metrics, func(c *Config) {
		c.Couriers[0].Host = breakerHost{c.Couriers[0].Host.(*scriptedHost), []telemetry.BreakerState{telemetry.BreakerOpen, telemetry.BreakerHalfOpen}}
	})
	h.hosts["alpha"].fail = fmt.Errorf("evaluate: %w: %w", api.ErrUnavailable, api.ErrCircuitOpen)
	h.hosts["beta"].fail = fmt.Errorf("evaluate: %w", api.ErrUnavailable)
	req := api.EvaluateRequest{Requests: []api.CourierEvaluation{
		{Courier: "alpha", KeyID: h.kid("alpha"), Blinded: []crypto.B64{h.blindFor("alpha")}},
		{Courier: "beta", KeyID: h.kid("beta"), Blinded: []crypto.B64{h.blindFor("beta")}},
		{Courier: "nobody", KeyID: h.kid("beta"), Blinded: []crypto.B64{h.blindFor("beta")}},
	}}
	status, _, body := h.do(http.MethodPost, "/v1/evaluate", mustJSON(t, req), nil)
	if status != 200 || strings.Count(string(body), `"status":"unavailable"`) != 2 {
		t.Fatalf("evaluation: %d %s", status, body)
	}
	s := scrape()
	for key, want := range map[string]float64{
		`trackgate_courier_breaker_state{courier="alpha",host="0"}`:           2,
		`trackgate_courier_breaker_state{courier="alpha",host="1"}`:           1,
		`trackgate_evaluations_total{courier="alpha",outcome="breaker_open"}`: 1,
		`trackgate_evaluations_total{courier="beta",outcome="unavailable"}`:   1,
		`trackgate_evaluations_total{courier="other",outcome="invalid"}`:      1,
	} {
		if s.series[key] != want {
			t.Errorf("%s = %v, want %v", key, s.series[key], want)
		}
	}
	for key := range s.series {
		if strings.Contains(key, "nobody") {
			t.Errorf("an unregistered courier became a label: %s", key)
		}
	}
}

func TestRequestIDsAreAnsweredAndInEveryLogLineOfTheRequest(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.TrustedProxies = []string{"127.0.0.1"} })
	h.hosts["alpha"].fail = fmt.Errorf("evaluate: %w", api.ErrUnavailable)
	req := api.EvaluateRequest{Requests: []api.CourierEvaluation{
		{Courier: "alpha", KeyID: h.kid("alpha"), Blinded: []crypto.B64{h.blindFor("alpha")}},
	}}
	status, header, _ := h.do(http.MethodPost, "/v1/evaluate", mustJSON(t, req), nil)
	id := header.Get(telemetry.RequestIDHeader)
	if status != 200 || !telemetry.SafeRequestID(id) {
		t.Fatalf("status %d, request id %q", status, id)
	}
	var lines []string
	for _, line := range strings.Split(h.logText(), "\n") {
		if strings.Contains(line, "request_id="+id) {
			lines = append(lines, line)
		}
	}
	if len(lines) != 2 || !strings.Contains(lines[0], "evaluation failed") || !strings.Contains(lines[1], "msg=request") {
		t.Errorf("the request's log lines with its id: %q\nall logs:\n%s", lines, h.logText())
	}

	// The loopback test client is a trusted proxy here: its safe id is
	// kept, an unsafe one replaced.
	for sent, kept := range map[string]bool{"proxy-7f3a9c01": true, "bad id\"x": false} {
		_, header, _ = h.do(http.MethodGet, "/healthz", nil, http.Header{telemetry.RequestIDHeader: {sent}})
		if got := header.Get(telemetry.RequestIDHeader); (got == sent) != kept || !telemetry.SafeRequestID(got) {
			t.Errorf("sent %q, answered %q", sent, got)
		}
		if kept && !strings.Contains(h.logText(), "request_id="+sent) {
			t.Errorf("the proxy's id %q is not in the logs", sent)
		}
	}
}

func TestRequestIDFromAnUntrustedClientIsReplaced(t *testing.T) {
	h := newHarness(t)
	_, header, _ := h.do(http.MethodGet, "/healthz", nil, http.Header{telemetry.RequestIDHeader: {"client-chosen-id"}})
	if got := header.Get(telemetry.RequestIDHeader); got == "client-chosen-id" || !telemetry.SafeRequestID(got) {
		t.Errorf("answered %q", got)
	}
}

// TestWebhookFiguresMoveWithDeliveries: a receiver that fails keeps a
// delivery in the queue (depth 1) and counts failed attempts and
// retries; once it answers, the queue drains and the delivery counts.
func TestWebhookFiguresMoveWithDeliveries(t *testing.T) {
	metrics, scrape := withMetrics(t)
	h, s := newSubscriptionHarness(t, metrics)
	recv := deliverytest.NewReceiver(t, hookSecretA)
	recv.SetFail(1)
	before := scrape()
	if d := before.series["trackgate_webhook_queue_depth{}"]; d != 0 {
		t.Fatalf("queue depth %v before any subscription", d)
	}
	expires := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	rec := h.sealParcel("alpha", "PARCEL000001", 1, expires)
	h.subscribeOver(s.secretA, [][]byte{rec.Locator}, recv.URL, hookSecretA)
	if status, _ := h.publishBatch("alpha", api.Records{Records: []crypto.SealedRecord{rec}}); status != http.StatusOK {
		t.Fatalf("publish: %d", status)
	}
	// An attempt counts when it ends, so the figures are awaited.
	var failing scraped
	retried := deliverytest.WaitFor(5*time.Second, func() bool {
		failing = scrape()
		m := moved(before, failing, "trackgate_webhook_attempts_total", "trackgate_webhook_retries_total")
		return m[`trackgate_webhook_attempts_total{outcome="failed"}`] >= 2 && m["trackgate_webhook_retries_total{}"] >= 1
	})
	if !retried {
		t.Fatalf("failed attempts and retries moved by %v, want at least 2 and 1",
			moved(before, failing, "trackgate_webhook_attempts_total", "trackgate_webhook_retries_total"))
	}
	if d := failing.series["trackgate_webhook_queue_depth{}"]; d != 1 {
		t.Errorf("queue depth %v while the receiver fails, want 1", d)
	}
	recv.SetFail(0)
	if !deliverytest.WaitFor(5*time.Second, func() bool { return recv.Distinct() == 1 }) {
		t.Fatal("the delivery never arrived once the receiver answered")
	}
	if !deliverytest.WaitFor(2*time.Second, func() bool { return scrape().series["trackgate_webhook_queue_depth{}"] == 0 }) {
		t.Errorf("queue depth %v after the delivery, want 0", scrape().series["trackgate_webhook_queue_depth{}"])
	}
	if got := moved(before, scrape(), "trackgate_webhook_attempts_total")[`trackgate_webhook_attempts_total{outcome="delivered"}`]; got != 1 {
		t.Errorf("delivered attempts moved by %v, want 1", got)
	}
}
