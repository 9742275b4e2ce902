package telemetry

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	noopmetric "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	nooptrace "go.opentelemetry.io/otel/trace/noop"
)

// Tracing is OpenTelemetry tracing for one process. A nil *Tracing is
// tracing switched off: its methods then add nothing.
//
// Spans are named by route template ("GET /v1/buckets/:bucket", "POST
// /tg1/evaluate", a Redis command), never by a concrete path, and keep
// only the attributes SafeAttribute allows. The trace context goes from
// the gateway to the courier hosts in a traceparent header (W3C Trace
// Context, nothing else: no baggage); the gateway takes one from a
// request only when it comes from a trusted proxy.
type Tracing struct {
	sdk        *sdktrace.TracerProvider
	provider   trace.TracerProvider
	propagator propagation.TextMapPropagator
}

// NewTracing builds tracing over an SDK tracer provider made with opts
// (an exporter, a resource, a sampler): StartTracing for the exporter
// the environment names, tests with an in-memory one.
func NewTracing(opts ...sdktrace.TracerProviderOption) *Tracing {
	sdk := sdktrace.NewTracerProvider(opts...)
	return &Tracing{
		sdk:        sdk,
		provider:   &redactingProvider{inner: sdk},
		propagator: propagation.TraceContext{},
	}
}

// StartTracing switches tracing on when the standard OpenTelemetry
// environment variables ask for it, and returns nil (off) otherwise:
//
//   - OTEL_SDK_DISABLED=true, or OTEL_TRACES_EXPORTER=none: off.
//   - OTEL_TRACES_EXPORTER=otlp, or OTEL_EXPORTER_OTLP_ENDPOINT or
//     OTEL_EXPORTER_OTLP_TRACES_ENDPOINT set: spans are exported over
//     OTLP/HTTP (protobuf) to that endpoint (default localhost:4318).
//     OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION, _CERTIFICATE
//     and their _TRACES_ variants apply, as do OTEL_TRACES_SAMPLER(_ARG),
//     OTEL_BSP_*, OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
//
// service is the default service.name (trackgate-gateway,
// trackgate-courier). getenv reads the variables that decide (os.Getenv
// in the binary); the exporter itself reads the process's environment.
// Another exporter or protocol is refused with an error that says what
// works. Shutdown flushes the spans still buffered.
func StartTracing(ctx context.Context, service string, getenv func(string) string) (*Tracing, error) {
	on, err := tracingWanted(getenv)
	if err != nil || !on {
		return nil, err
	}
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	res, err := resource.Merge(
		resource.NewSchemaless(attribute.String("service.name", service)),
		resource.Environment(), // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win
	)
	if err != nil {
		return nil, fmt.Errorf("tracing resource from OTEL_RESOURCE_ATTRIBUTES: %w", err)
	}
	return NewTracing(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res)), nil
}

// tracingWanted reads the variables that switch tracing on, and refuses
// what this binary cannot export.
func tracingWanted(getenv func(string) string) (bool, error) {
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") {
		return false, nil
	}
	on := getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
	if exporters := strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")); exporters != "" {
		on = false
		for e := range strings.SplitSeq(exporters, ",") {
			switch strings.TrimSpace(e) {
			case "otlp":
				on = true
			case "none":
				return false, nil
			default:
				return false, fmt.Errorf("OTEL_TRACES_EXPORTER=%q: this binary exports traces with otlp only; set otlp or none", exporters)
			}
		}
	}
	if !on {
		return false, nil
	}
	protocol := getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if protocol == "" {
		protocol = getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	if protocol != "" && protocol != "http/protobuf" {
		return false, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL=%q: this binary exports traces over http/protobuf only (a collector's port 4318); set http/protobuf", protocol)
	}
	return true, nil
}

// Enabled reports whether spans are recorded.
func (t *Tracing) Enabled() bool { return t != nil }

// Provider is the redacting tracer provider (a no-op one when off).
func (t *Tracing) Provider() trace.TracerProvider {
	if t == nil {
		return noopProvider
	}
	return t.provider
}

var noopProvider = nooptrace.NewTracerProvider()

// Shutdown flushes buffered spans and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.sdk.Shutdown(ctx)
}

// Middleware is otelgin for a gin engine: one server span per request,
// named by method and route template. service names the server in the
// span (server.address) instead of the request's Host header. A parent
// trace context is taken from the request only when trustedParent says
// so (nil: never); otherwise the headers that carry one are dropped
// first. With tracing off it does nothing.
func (t *Tracing) Middleware(service string, trustedParent func(*http.Request) bool) gin.HandlerFunc {
	if t == nil {
		return func(c *gin.Context) { c.Next() }
	}
	traced := otelgin.Middleware(service,
		otelgin.WithTracerProvider(t.provider),
		otelgin.WithPropagators(t.propagator),
		otelgin.WithMeterProvider(noopmetric.NewMeterProvider()),
		otelgin.WithSpanNameFormatter(func(c *gin.Context) string { return Method(c.Request.Method) + " " + Route(c) }),
	)
	return func(c *gin.Context) {
		if trustedParent == nil || !trustedParent(c.Request) {
			for _, h := range []string{"traceparent", "tracestate", "baggage"} {
				c.Request.Header.Del(h)
			}
		}
		traced(c)
	}
}

// Transport wraps base (nil: http.DefaultTransport) with otelhttp: one
// client span per request to a courier host, named by method and route
// template, and the traceparent header that continues the trace there.
// With tracing off it returns base.
func (t *Tracing) Transport(base http.RoundTripper) http.RoundTripper {
	if t == nil {
		return base
	}
	if base == nil {
		base = http.DefaultTransport
	}
	return otelhttp.NewTransport(base,
		otelhttp.WithTracerProvider(t.provider),
		otelhttp.WithPropagators(t.propagator),
		otelhttp.WithMeterProvider(noopmetric.NewMeterProvider()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			return Method(r.Method) + " " + HostRoute(r.URL.Path)
		}),
	)
}

// HostRoute is the route template of a path of a courier host's /tg1
// API, or of the gateway's publish route; any other path is "other".
func HostRoute(path string) string {
	switch {
	case path == "/tg1/keys", path == "/tg1/evaluate":
		return path
	case strings.HasPrefix(path, "/tg1/buckets/"):
		return "/tg1/buckets/{bucket}"
	case strings.HasPrefix(path, "/tg1/records/"):
		return "/tg1/records/{locator}"
	case strings.HasPrefix(path, "/v1/couriers/") && strings.HasSuffix(path, "/records"):
		return "/v1/couriers/{courier}/records"
	}
	return "other"
}

// InstrumentRedis adds spans to every command of client, named by the
// command (evalsha, hgetall…), without the statement — whose keys hold
// buckets and locators — or the caller's code location. With tracing off
// it does nothing.
func (t *Tracing) InstrumentRedis(client redis.UniversalClient) error {
	if t == nil {
		return nil
	}
	return redisotel.InstrumentTracing(client,
		redisotel.WithTracerProvider(t.provider),
		redisotel.WithDBStatement(false),
		redisotel.WithCallerEnabled(false),
	)
}
