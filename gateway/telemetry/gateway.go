package telemetry

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// GatewayMetrics are the gateway's figures. Its methods are safe for
// concurrent use and cheap: a map lookup and an atomic add. The gateway
// calls them with registered courier ids only (OtherCourier for a part
// naming no registered courier) and the constants below, so every label
// value comes from a fixed, public vocabulary.
//
//	trackgate_evaluations_total{courier, outcome}
//	trackgate_evaluate_duration_seconds{courier}
//	trackgate_evaluated_elements_total{courier}
//	trackgate_courier_breaker_state{courier, host}
//	trackgate_store_operation_duration_seconds{operation, outcome}
//	trackgate_published_records_total{courier, outcome}
//	trackgate_fetches_total{kind}
//	trackgate_pull_fetches_total{courier, outcome}
//	trackgate_pull_fetch_duration_seconds{courier}
//	trackgate_rate_limit_refusals_total{limiter, scope}
//
// plus HTTP's (HTTPMetrics) and, once a delivery engine asks for them,
// the webhooks' (WebhookMetrics).
type GatewayMetrics struct {
	// HTTP counts the gateway's requests; the gateway puts its middleware
	// first.
	HTTP *HTTPMetrics

	reg               prometheus.Registerer
	evaluations       *prometheus.CounterVec
	evaluateDuration  *prometheus.HistogramVec
	evaluatedElements *prometheus.CounterVec
	storeDuration     *prometheus.HistogramVec
	records           *prometheus.CounterVec
	fetches           *prometheus.CounterVec
	pullFetches       *prometheus.CounterVec
	pullDuration      *prometheus.HistogramVec
	refusals          *prometheus.CounterVec
	breakers          *breakerCollector
	webhooksOnce      sync.Once
	webhooks          *WebhookMetrics
}

// Outcomes of one courier's part of an evaluation: the statuses of
// docs/protocol.md §7.3, and breaker_open for an "unavailable" the
// gateway answered itself because the host's circuit breaker was open.
const (
	OutcomeOK          = "ok"
	OutcomeTimeout     = "timeout"
	OutcomeUnavailable = "unavailable"
	OutcomeRateLimited = "rate_limited"
	OutcomeInvalid     = "invalid"
	OutcomeBreakerOpen = "breaker_open"
)

// OtherCourier labels a part that names no registered courier: the
// courier label never takes a value a client made up.
const OtherCourier = "other"

// Store operations and their outcomes.
const (
	StoreApply   = "apply"
	StoreBucket  = "bucket"
	StoreLocator = "locator"
	StorePing    = "ping"
	OutcomeError = "error"
)

// Outcomes of a published record (docs/protocol.md §7).
const (
	RecordStored  = "stored"
	RecordStale   = "stale"
	RecordRefused = "refused"
)

// Kinds of fetch.
const (
	FetchBucket = "bucket"
	FetchRecord = "record"
)

// Limiters and scopes of a rate-limit refusal: whose budget was spent —
// a client's (its address) or a tenant's (its API key) — never who.
const (
	LimiterEvaluate = "evaluate"
	LimiterFetch    = "fetch"
	LimiterOther    = "other"
	ScopeClient     = "client"
	ScopeTenant     = "tenant"
)

// NewGatewayMetrics registers the gateway's collectors with reg
// (NewRegistry, usually).
func NewGatewayMetrics(reg prometheus.Registerer) *GatewayMetrics {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, labels)
	}
	histogram := func(name, help string, labels ...string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: latencyBuckets}, labels)
	}
	m := &GatewayMetrics{
		HTTP: NewHTTPMetrics(reg),
		reg:  reg,
		evaluations: counter("evaluations_total",
			"Couriers' parts of evaluation requests, by courier and outcome (ok, timeout, unavailable, rate_limited, invalid, breaker_open).",
			"courier", "outcome"),
		evaluateDuration: histogram("evaluate_duration_seconds",
			"Time a courier host took to answer an evaluation (whatever the outcome), by courier.", "courier"),
		evaluatedElements: counter("evaluated_elements_total",
			"Blinded elements sent to a courier host for evaluation, by courier.", "courier"),
		storeDuration: histogram("store_operation_duration_seconds",
			"Time of a record store operation (apply, bucket, locator, ping), by operation and outcome (ok, error).",
			"operation", "outcome"),
		records: counter("published_records_total",
			"Records couriers published, by courier and outcome (stored, stale, refused).", "courier", "outcome"),
		fetches: counter("fetches_total",
			"Bucket and record reads answered (200), by kind (bucket, record).", "kind"),
		pullFetches: counter("pull_fetches_total",
			"Buckets fetched live from pull-mode couriers (cache misses), by courier and outcome (ok, timeout, unavailable, breaker_open).",
			"courier", "outcome"),
		pullDuration: histogram("pull_fetch_duration_seconds",
			"Time a pull-mode courier host took to answer a bucket, by courier.", "courier"),
		refusals: counter("rate_limit_refusals_total",
			"Requests refused 429 by the gateway's rate limits, by limiter (evaluate, fetch) and whose budget it was (client, tenant).",
			"limiter", "scope"),
		breakers: &breakerCollector{desc: prometheus.NewDesc(Namespace+"_courier_breaker_state",
			"State of the circuit breaker of each courier host (host: its index among the courier's replicas): 0 closed, 1 half-open, 2 open.",
			[]string{"courier", "host"}, nil)},
	}
	reg.MustRegister(m.evaluations, m.evaluateDuration, m.evaluatedElements, m.storeDuration, m.records,
		m.fetches, m.pullFetches, m.pullDuration, m.refusals, m.breakers)
	return m
}

// Evaluation counts one courier's part of an evaluation request with its
// outcome; took is the host's time, or 0 for a part that never left the
// gateway (an invalid one), which is not timed.
func (m *GatewayMetrics) Evaluation(courier, outcome string, elements int, took time.Duration) {
	m.evaluations.WithLabelValues(courier, outcome).Inc()
	if took > 0 {
		m.evaluateDuration.WithLabelValues(courier).Observe(took.Seconds())
		m.evaluatedElements.WithLabelValues(courier).Add(float64(elements))
	}
}

// StoreOperation times one store operation that began at start.
func (m *GatewayMetrics) StoreOperation(operation string, start time.Time, err error) {
	outcome := OutcomeOK
	if err != nil {
		outcome = OutcomeError
	}
	m.storeDuration.WithLabelValues(operation, outcome).Observe(time.Since(start).Seconds())
}

// PublishedRecords counts the records of one publish by outcome.
func (m *GatewayMetrics) PublishedRecords(courier string, stored, stale, refused int) {
	for _, c := range []struct {
		outcome string
		n       int
	}{{RecordStored, stored}, {RecordStale, stale}, {RecordRefused, refused}} {
		if c.n > 0 {
			m.records.WithLabelValues(courier, c.outcome).Add(float64(c.n))
		}
	}
}

// Fetch counts a bucket or record read answered.
func (m *GatewayMetrics) Fetch(kind string) { m.fetches.WithLabelValues(kind).Inc() }

// PullFetch counts and times one live bucket fetch from a pull courier.
func (m *GatewayMetrics) PullFetch(courier, outcome string, took time.Duration) {
	m.pullFetches.WithLabelValues(courier, outcome).Inc()
	m.pullDuration.WithLabelValues(courier).Observe(took.Seconds())
}

// RateLimitRefusal counts a 429 of one of the gateway's limiters.
func (m *GatewayMetrics) RateLimitRefusal(limiter, scope string) {
	m.refusals.WithLabelValues(limiter, scope).Inc()
}

// BreakerState is a circuit breaker's state, as the gauge reports it.
type BreakerState int

// The states of a circuit breaker.
const (
	BreakerClosed   BreakerState = 0
	BreakerHalfOpen BreakerState = 1
	BreakerOpen     BreakerState = 2
)

// Breakers is implemented by a courier host client with circuit
// breakers (remotehost.Client): the state of each, by replica index (one
// for a single host). The gateway reads it at every scrape.
type Breakers interface {
	BreakerStates() []BreakerState
}

// BreakerReading is one breaker's state for the gauge.
type BreakerReading struct {
	Courier string
	Host    int // index among the courier's replicas
	State   BreakerState
}

// WatchBreakers makes read the source of trackgate_courier_breaker_state;
// it is called at every scrape. The gateway sets it when it is built.
func (m *GatewayMetrics) WatchBreakers(read func() []BreakerReading) { m.breakers.read.Store(&read) }

type breakerCollector struct {
	desc *prometheus.Desc
	read atomic.Pointer[func() []BreakerReading]
}

func (b *breakerCollector) Describe(ch chan<- *prometheus.Desc) { ch <- b.desc }

func (b *breakerCollector) Collect(ch chan<- prometheus.Metric) {
	read := b.read.Load()
	if read == nil {
		return
	}
	for _, r := range (*read)() {
		ch <- prometheus.MustNewConstMetric(b.desc, prometheus.GaugeValue, float64(r.State), r.Courier, strconv.Itoa(r.Host))
	}
}
