package telemetry

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// WebhookMetrics are the figures of the webhook delivery engine:
//
//	trackgate_webhook_attempts_total{outcome}
//	trackgate_webhook_attempt_duration_seconds
//	trackgate_webhook_retries_total
//	trackgate_webhook_dead_letters_total
//	trackgate_webhook_queue_depth
//
// How an engine reports (the engine is built elsewhere and may grow; this
// is the contract): it takes GatewayMetrics.Webhooks() when it is built —
// the collectors are registered then, so a gateway without webhooks shows
// none — and calls Attempt once per POST to a receiver with its outcome
// and duration, Retry when a failed delivery is scheduled again,
// DeadLetter when one is given up, and WatchQueue once with a function
// returning the deliveries waiting in the queue (called at
// every scrape; it must be quick and must not block on the network for
// long). Labels are outcomes only: never a tenant, subscription, callback
// URL or locator. A figure that needs another label or metric is added
// here, with its vocabulary, and documented above.
type WebhookMetrics struct {
	reg         prometheus.Registerer
	attempts    *prometheus.CounterVec
	duration    prometheus.Histogram
	retries     prometheus.Counter
	deadLetters prometheus.Counter
	queueOnce   sync.Once
}

// Outcomes of a delivery attempt: the receiver answered 2xx (delivered),
// answered anything else or could not be reached (failed), or the
// callback URL's address was refused by the SSRF guard (refused).
const (
	AttemptDelivered = "delivered"
	AttemptFailed    = "failed"
	AttemptRefused   = "refused"
)

// Webhooks returns the webhook figures, registering them the first time.
func (m *GatewayMetrics) Webhooks() *WebhookMetrics {
	m.webhooksOnce.Do(func() { m.webhooks = newWebhookMetrics(m.reg) })
	return m.webhooks
}

func newWebhookMetrics(reg prometheus.Registerer) *WebhookMetrics {
	w := &WebhookMetrics{
		reg: reg,
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "webhook", Name: "attempts_total",
			Help: "Webhook delivery attempts, by outcome (delivered, failed, refused).",
		}, []string{"outcome"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "webhook", Name: "attempt_duration_seconds",
			Help: "Time of a webhook delivery attempt, until the receiver answered or the attempt failed.", Buckets: latencyBuckets,
		}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "webhook", Name: "retries_total",
			Help: "Failed webhook deliveries scheduled for another attempt.",
		}),
		deadLetters: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "webhook", Name: "dead_letters_total",
			Help: "Webhook deliveries given up after their last retry.",
		}),
	}
	reg.MustRegister(w.attempts, w.duration, w.retries, w.deadLetters)
	return w
}

// Attempt counts one delivery attempt; an outcome outside the vocabulary
// counts as failed.
func (w *WebhookMetrics) Attempt(outcome string, took time.Duration) {
	switch outcome {
	case AttemptDelivered, AttemptFailed, AttemptRefused:
	default:
		outcome = AttemptFailed
	}
	w.attempts.WithLabelValues(outcome).Inc()
	w.duration.Observe(took.Seconds())
}

// Retry counts a delivery scheduled again.
func (w *WebhookMetrics) Retry() { w.retries.Inc() }

// DeadLetter counts a delivery given up.
func (w *WebhookMetrics) DeadLetter() { w.deadLetters.Inc() }

// WatchQueue makes depth the source of trackgate_webhook_queue_depth, read
// at every scrape. Only the first call counts.
func (w *WebhookMetrics) WatchQueue(depth func() float64) {
	w.queueOnce.Do(func() {
		w.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: Namespace, Subsystem: "webhook", Name: "queue_depth",
			Help: "Webhook deliveries waiting in the queue (one queue shared by every gateway on a Redis backend).",
		}, depth))
	})
}
