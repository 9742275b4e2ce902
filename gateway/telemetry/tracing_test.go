package telemetry

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestTracingIsSwitchedOnByTheStandardVariables(t *testing.T) {
	cases := []struct {
		env     map[string]string
		on      bool
		wantErr string
	}{
		{env: nil, on: false},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, on: true},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, on: true},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}, on: true},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:4318"}, on: false},
		{env: map[string]string{"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, on: false},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, wantErr: "otlp only"},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, wantErr: "http/protobuf"},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, on: true},
	}
	for _, c := range cases {
		on, err := tracingWanted(func(k string) string { return c.env[k] })
		switch {
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%v: error %v, want one saying %q", c.env, err, c.wantErr)
		case c.wantErr == "" && (err != nil || on != c.on):
			t.Errorf("%v: on=%v err=%v, want on=%v", c.env, on, err, c.on)
		}
	}
}

func TestStartTracingIsNilWhenNothingAsksForIt(t *testing.T) {
	tr, err := StartTracing(context.Background(), "trackgate-test", func(string) string { return "" })
	if err != nil || tr != nil || tr.Enabled() {
		t.Fatalf("StartTracing = %v, %v; want nil (off)", tr, err)
	}
	// A nil Tracing adds nothing and fails at nothing.
	if tr.Transport(http.DefaultTransport) != http.DefaultTransport || tr.InstrumentRedis(nil) != nil || tr.Shutdown(context.Background()) != nil {
		t.Error("a nil Tracing must be a no-op")
	}
}

func newTestTracing(t *testing.T) (*Tracing, *tracetest.InMemoryExporter) {
	exp := tracetest.NewInMemoryExporter()
	tr := NewTracing(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	return tr, exp
}

// spanText is everything a span records, for scanning.
func spanText(s tracetest.SpanStub) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|", s.Name, s.Status.Description)
	for _, a := range s.Attributes {
		fmt.Fprintf(&b, "%s=%s|", a.Key, a.Value.Emit())
	}
	for _, e := range s.Events {
		fmt.Fprintf(&b, "%s:", e.Name)
		for _, a := range e.Attributes {
			fmt.Fprintf(&b, "%s=%s|", a.Key, a.Value.Emit())
		}
	}
	for _, l := range s.Links {
		for _, a := range l.Attributes {
			fmt.Fprintf(&b, "%s=%s|", a.Key, a.Value.Emit())
		}
	}
	return b.String()
}

func TestRedactingProviderKeepsOnlySafeAttributes(t *testing.T) {
	tr, exp := newTestTracing(t)
	ctx, span := tr.Provider().Tracer("test").Start(context.Background(), "op",
		trace.WithAttributes(attribute.String("url.path", "/v1/buckets/7a3f1"), attribute.String("http.route", "/v1/buckets/:bucket")),
		trace.WithLinks(trace.Link{Attributes: []attribute.KeyValue{attribute.String("client.address", "198.51.100.9")}}))
	trace.SpanFromContext(ctx).SetAttributes(attribute.String("url.full", "http://h/tg1/records/SECRETLOCATOR"), attribute.Int("http.response.status_code", 200))
	span.AddEvent("e", trace.WithAttributes(attribute.String("user_agent.original", "Mozilla SECRET")))
	span.RecordError(fmt.Errorf("boom"), trace.WithAttributes(attribute.String("db.statement", "HGETALL tg1:{7a3f1}")))
	_, child := trace.SpanFromContext(ctx).TracerProvider().Tracer("other").Start(ctx, "child", trace.WithAttributes(attribute.String("network.peer.address", "198.51.100.9")))
	child.End()
	span.End()
	spans := exp.GetSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans, want 2", len(spans))
	}
	if spans[0].Parent.SpanID() != spans[1].SpanContext.SpanID() {
		t.Error("the child span lost its parent")
	}
	for _, s := range spans {
		text := spanText(s)
		for _, secret := range []string{"7a3f1", "SECRET", "198.51.100.9", "url.path", "url.full"} {
			if strings.Contains(text, secret) {
				t.Errorf("span %q records %q: %s", s.Name, secret, text)
			}
		}
	}
	if text := spanText(spans[1]); !strings.Contains(text, "http.route=/v1/buckets/:bucket") || !strings.Contains(text, "http.response.status_code=200") {
		t.Errorf("safe attributes were dropped: %s", text)
	}
}

func TestMiddlewareAndTransportNameSpansByRouteTemplate(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tr, exp := newTestTracing(t)
	var sawParent string
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawParent = r.Header.Get("traceparent")
		w.WriteHeader(http.StatusOK)
	}))
	defer host.Close()
	client := &http.Client{Transport: tr.Transport(nil)}
	e := gin.New()
	e.Use(tr.Middleware("trackgate-gateway", nil))
	e.GET("/v1/buckets/:bucket", func(c *gin.Context) {
		req, _ := http.NewRequestWithContext(c.Request.Context(), http.MethodGet, host.URL+"/tg1/buckets/"+c.Param("bucket"), nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		resp.Body.Close()
		c.Status(http.StatusOK)
	})
	req := httptest.NewRequest(http.MethodGet, "/v1/buckets/7a3f1", nil)
	req.RemoteAddr = "198.51.100.9:4000"
	req.Header.Set("User-Agent", "Mozilla SECRET")
	// An untrusted client's trace context is not taken.
	const clientParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	req.Header.Set("traceparent", clientParent)
	e.ServeHTTP(httptest.NewRecorder(), req)

	spans := exp.GetSpans()
	names := map[string]tracetest.SpanStub{}
	for _, s := range spans {
		names[s.Name] = s
		text := spanText(s)
		for _, secret := range []string{"7a3f1", "SECRET", "198.51.100.9", "127.0.0.1:"} {
			if strings.Contains(text, secret) {
				t.Errorf("span %q records %q: %s", s.Name, secret, text)
			}
		}
	}
	server, ok1 := names["GET /v1/buckets/:bucket"]
	client1, ok2 := names["GET /tg1/buckets/{bucket}"]
	if !ok1 || !ok2 {
		t.Fatalf("spans %v; want the server span and the client span named by route template", names)
	}
	if server.SpanContext.TraceID().String() == "0af7651916cd43dd8448eb211c80319c" {
		t.Error("the gateway took an untrusted client's trace context")
	}
	if client1.SpanContext.TraceID() != server.SpanContext.TraceID() || !strings.Contains(sawParent, client1.SpanContext.TraceID().String()) {
		t.Errorf("the courier host did not get the trace: traceparent %q", sawParent)
	}
}

func TestHostRoute(t *testing.T) {
	for path, want := range map[string]string{
		"/tg1/keys":                           "/tg1/keys",
		"/tg1/evaluate":                       "/tg1/evaluate",
		"/tg1/buckets/7a3f1":                  "/tg1/buckets/{bucket}",
		"/tg1/records/AAAAAAAAAAAAAAAAAAAAAA": "/tg1/records/{locator}",
		"/v1/couriers/sim-swift/records":      "/v1/couriers/{courier}/records",
		"/somewhere/else":                     "other",
	} {
		if got := HostRoute(path); got != want {
			t.Errorf("HostRoute(%q) = %q, want %q", path, got, want)
		}
	}
}
