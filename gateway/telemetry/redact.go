package telemetry

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
)

// safeAttributes are the only span attributes recorded: what describes
// the operation and its outcome, never the request's target or its
// sender. otelgin and otelhttp would also record url.path and url.full
// (they hold buckets and locators), client.address, network.peer.* and
// user_agent.original; redisotel would record db.statement (keys hold
// buckets) were it not switched off, and db.connection_string. All of
// those are dropped here, whatever the instrumentation asks.
var safeAttributes = map[attribute.Key]bool{
	"http.request.method":          true,
	"http.request.method_original": true,
	"http.response.status_code":    true,
	"http.route":                   true,
	"http.request.body.size":       true,
	"http.response.body.size":      true,
	"url.scheme":                   true,
	"server.address":               true,
	"server.port":                  true,
	"network.protocol.name":        true,
	"network.protocol.version":     true,
	"error.type":                   true,
	"db.system":                    true,
	"db.system.name":               true,
	"db.operation.name":            true,
	"db.redis.num_cmd":             true,
}

// SafeAttribute reports whether a span attribute is recorded: one of
// safeAttributes, or one of trackgate's own ("trackgate.*"), which carry
// courier ids and counts only.
func SafeAttribute(k attribute.Key) bool {
	return safeAttributes[k] || strings.HasPrefix(string(k), "trackgate.")
}

func keepSafe(attrs []attribute.KeyValue) []attribute.KeyValue {
	out := make([]attribute.KeyValue, 0, len(attrs))
	for _, a := range attrs {
		if SafeAttribute(a.Key) {
			out = append(out, a)
		}
	}
	return out
}

func safeLinks(links []trace.Link) []trace.Link {
	out := make([]trace.Link, len(links))
	for i, l := range links {
		out[i] = trace.Link{SpanContext: l.SpanContext, Attributes: keepSafe(l.Attributes)}
	}
	return out
}

// redactingProvider hands out tracers whose spans keep only safe
// attributes: at start, set later, on events, errors and links.
type redactingProvider struct {
	embedded.TracerProvider
	inner trace.TracerProvider
}

func (p *redactingProvider) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	return &redactingTracer{inner: p.inner.Tracer(name, opts...), provider: p}
}

type redactingTracer struct {
	embedded.Tracer
	inner    trace.Tracer
	provider *redactingProvider
}

func (t *redactingTracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	cfg := trace.NewSpanStartConfig(opts...)
	safe := []trace.SpanStartOption{
		trace.WithAttributes(keepSafe(cfg.Attributes())...),
		trace.WithLinks(safeLinks(cfg.Links())...),
		trace.WithSpanKind(cfg.SpanKind()),
	}
	if cfg.NewRoot() {
		safe = append(safe, trace.WithNewRoot())
	}
	if ts := cfg.Timestamp(); !ts.IsZero() {
		safe = append(safe, trace.WithTimestamp(ts))
	}
	ctx, span := t.inner.Start(ctx, name, safe...)
	s := &redactedSpan{Span: span, provider: t.provider}
	// The context carries the wrapper, so that children and whoever sets
	// attributes on the current span go through it too.
	return trace.ContextWithSpan(ctx, s), s
}

type redactedSpan struct {
	trace.Span
	provider *redactingProvider
}

func (s *redactedSpan) SetAttributes(kv ...attribute.KeyValue) { s.Span.SetAttributes(keepSafe(kv)...) }

func (s *redactedSpan) AddEvent(name string, opts ...trace.EventOption) {
	s.Span.AddEvent(name, safeEventOptions(opts)...)
}

func (s *redactedSpan) RecordError(err error, opts ...trace.EventOption) {
	s.Span.RecordError(err, safeEventOptions(opts)...)
}

func (s *redactedSpan) AddLink(l trace.Link) {
	s.Span.AddLink(trace.Link{SpanContext: l.SpanContext, Attributes: keepSafe(l.Attributes)})
}

func (s *redactedSpan) TracerProvider() trace.TracerProvider { return s.provider }

func safeEventOptions(opts []trace.EventOption) []trace.EventOption {
	cfg := trace.NewEventConfig(opts...)
	return []trace.EventOption{
		trace.WithAttributes(keepSafe(cfg.Attributes())...),
		trace.WithTimestamp(cfg.Timestamp()),
		trace.WithStackTrace(cfg.StackTrace()),
	}
}
