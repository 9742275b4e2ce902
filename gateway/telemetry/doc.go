// Package telemetry lets an operator see what a gateway or a courier host
// does, without seeing whom it does it for: Prometheus metrics, pprof
// profiles and OpenTelemetry traces, served on an admin listener apart
// from the public API, and request ids in the logs.
//
// The pieces:
//
//   - registry.go: NewRegistry, a Prometheus registry of this process
//     (never the global default) with the Go runtime and process
//     collectors.
//   - http.go: HTTPMetrics, gin middleware counting requests by route
//     template, method and status class, and timing them; the gateway and
//     the courier host both use it.
//   - gateway.go: GatewayMetrics, the gateway's own figures — evaluations
//     per courier by outcome and their latency, circuit breaker states,
//     store latency, records published, fetches, pull-courier fetches,
//     rate-limit refusals.
//   - webhooks.go: WebhookMetrics, the figures of the webhook delivery
//     engine (queue depth, attempts, retries, dead letters), registered
//     the first time an engine asks for them.
//   - admin.go: the admin handler (/metrics, /debug/pprof/, /healthz) and
//     the rule that keeps it off public addresses unless the operator
//     says otherwise.
//   - tracing.go, redact.go: OpenTelemetry tracing, switched on by the
//     standard OTEL_* environment variables, through a tracer provider
//     that keeps only attributes known to carry nothing identifying.
//   - requestid.go: X-Request-Id, made per request (or taken from a
//     trusted proxy when it is a short safe token), answered in the
//     header and added to every log line written with the request's
//     context.
//
// Privacy. No label, attribute or log field added here carries a
// tracking number, locator, bucket, client address, origin, API key or
// tenant id. Label values come from fixed vocabularies (outcomes,
// operations, limiters, status classes), route templates (never a
// concrete path: it may hold a bucket or a locator) and the registered
// courier ids, which are public in the directory; anything else is
// folded into "other". Tests scrape the metrics after real traffic and
// look for every identifier that traffic carried.
package telemetry
