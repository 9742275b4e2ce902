package telemetry

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestBreakerGaugeReadsItsSourceAtEveryScrape(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewGatewayMetrics(reg)
	state := BreakerClosed
	m.WatchBreakers(func() []BreakerReading {
		return []BreakerReading{{Courier: "sim-swift", Host: 0, State: state}, {Courier: "sim-swift", Host: 1, State: BreakerClosed}}
	})
	want := func(first string) string {
		return "# HELP trackgate_courier_breaker_state State of the circuit breaker of each courier host (host: its index among the courier's replicas): 0 closed, 1 half-open, 2 open.\n" +
			"# TYPE trackgate_courier_breaker_state gauge\n" +
			"trackgate_courier_breaker_state{courier=\"sim-swift\",host=\"0\"} " + first + "\n" +
			"trackgate_courier_breaker_state{courier=\"sim-swift\",host=\"1\"} 0\n"
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want("0")), "trackgate_courier_breaker_state"); err != nil {
		t.Error(err)
	}
	state = BreakerOpen
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want("2")), "trackgate_courier_breaker_state"); err != nil {
		t.Error(err)
	}
}

func TestWebhookMetricsAppearOnlyOnceAnEngineAsks(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewGatewayMetrics(reg)
	names := func() string {
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, mf := range mfs {
			b.WriteString(mf.GetName() + " ")
		}
		return b.String()
	}
	if strings.Contains(names(), "webhook") {
		t.Fatal("webhook metrics before any engine asked")
	}
	w := m.Webhooks()
	if m.Webhooks() != w {
		t.Fatal("Webhooks must register once and return the same figures")
	}
	w.Attempt(AttemptDelivered, 20*time.Millisecond)
	w.Attempt("made-up", time.Millisecond)
	w.Retry()
	w.DeadLetter()
	depth := 7.0
	w.WatchQueue(func() float64 { return depth })
	w.WatchQueue(func() float64 { return -1 }) // ignored
	if got := testutil.ToFloat64(w.attempts.WithLabelValues(AttemptFailed)); got != 1 {
		t.Errorf("an outcome outside the vocabulary should count as failed: %v", got)
	}
	for _, name := range []string{"trackgate_webhook_attempts_total", "trackgate_webhook_retries_total", "trackgate_webhook_dead_letters_total", "trackgate_webhook_queue_depth", "trackgate_webhook_attempt_duration_seconds"} {
		if !strings.Contains(names(), name) {
			t.Errorf("%s missing from %s", name, names())
		}
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader("# HELP trackgate_webhook_queue_depth Webhook deliveries waiting in the queue (one queue shared by every gateway on a Redis backend).\n# TYPE trackgate_webhook_queue_depth gauge\ntrackgate_webhook_queue_depth 7\n"), "trackgate_webhook_queue_depth"); err != nil {
		t.Error(err)
	}
}

func TestMethodAndStatusClassFoldWhatClientsMakeUp(t *testing.T) {
	if Method("GET") != "GET" || Method("PROPFIND") != "OTHER" || Method("get") != "OTHER" {
		t.Error("Method must keep standard methods only")
	}
	for status, want := range map[int]string{200: "2xx", 204: "2xx", 429: "4xx", 503: "5xx", 99: "other", 600: "other"} {
		if got := StatusClass(status); got != want {
			t.Errorf("StatusClass(%d) = %q, want %q", status, got, want)
		}
	}
}
