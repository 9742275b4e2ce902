package courierhost

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/trackgate/trackgate/gateway/telemetry"
)

// TestRequestsAreCountedByRouteAndLoggedWithTheirID: the host's HTTP
// metrics count by route template, and each request's log line carries
// the id it was answered with.
func TestRequestsAreCountedByRouteAndLoggedWithTheirID(t *testing.T) {
	var logs syncBuffer
	reg := prometheus.NewRegistry()
	f := newHTTPFixture(t, func(c *Config) {
		c.Metrics = telemetry.NewHTTPMetrics(reg)
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	var ids []string
	for _, path := range []string{"/tg1/keys", "/tg1/buckets/7", "/tg1/records/AAAAAAAAAAAAAAAAAAAAAA"} {
		rec := f.do(t, http.MethodGet, path, nil, true)
		id := rec.Header().Get(telemetry.RequestIDHeader)
		if !telemetry.SafeRequestID(id) {
			t.Fatalf("%s: request id %q", path, id)
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		if !strings.Contains(logs.String(), "request_id="+id) {
			t.Errorf("no log line carries request id %s:\n%s", id, logs.String())
		}
	}
	if strings.Contains(logs.String(), "AAAAAAAAAAAAAAAAAAAAAA") || strings.Contains(logs.String(), "buckets/7") {
		t.Errorf("a log line holds a concrete path:\n%s", logs.String())
	}
	const want = `
# HELP trackgate_http_requests_total HTTP requests answered, by route template, method and status class.
# TYPE trackgate_http_requests_total counter
trackgate_http_requests_total{class="2xx",method="GET",route="/tg1/buckets/:bucket"} 1
trackgate_http_requests_total{class="2xx",method="GET",route="/tg1/keys"} 1
trackgate_http_requests_total{class="4xx",method="GET",route="/tg1/records/:locator"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "trackgate_http_requests_total"); err != nil {
		t.Error(err)
	}
}
