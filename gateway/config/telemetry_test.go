package config

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/telemetry"
)

func TestAdminListenerStaysOnLoopbackUnlessMadePublic(t *testing.T) {
	f := newFixture(t)
	docs := map[string]func() map[string]any{"gateway": f.gatewayDoc, "courier host": f.courierDoc}
	tests := []struct {
		name      string
		listen    any // nil: not set
		public    any
		wantField string // "": accepted
		wantText  string
	}{
		{"off by default", nil, nil, "", ""},
		{"on loopback", "127.0.0.1:9090", nil, "", ""},
		{"on localhost", "localhost:9090", nil, "", ""},
		{"every interface", ":9090", nil, "admin_listen", "admin_public: true"},
		{"a public address", "203.0.113.7:9090", false, "admin_listen", "127.0.0.1:9090"},
		{"a public address on purpose", "0.0.0.0:9090", true, "", ""},
		{"no port", "127.0.0.1", nil, "admin_listen", "not host:port"},
		{"public without a listener", nil, true, "admin_public", "no admin_listen"},
	}
	for kind, doc := range docs {
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				d := doc()
				edit(t, d, "admin_listen", tt.listen)
				edit(t, d, "admin_public", tt.public)
				var err error
				if kind == "gateway" {
					_, err = parseGateway(marshal(t, d), f.dir, f.opts())
				} else {
					_, err = parseCourier(marshal(t, d), f.dir, f.opts())
				}
				if tt.wantField == "" {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					return
				}
				if err == nil {
					t.Fatal("accepted")
				}
				if fe := fieldOf(t, err); fe.Field != tt.wantField || !strings.Contains(err.Error(), tt.wantText) {
					t.Errorf("error %q: want field %s and %q", err, tt.wantField, tt.wantText)
				}
			})
		}
	}
}

// TestConfiguredDeploymentTracesByRouteTemplateAndNothingIdentifying
// builds a gateway on a real Redis and a push and a pull courier host
// from their files, all traced into one in-memory exporter, tracks a
// parcel of each, and reads every span: named by route templates and
// commands, one trace from the gateway into each courier host, and not
// one attribute, event or status holding a tracking number, locator,
// bucket or client address. The metrics of the gateway and the hosts
// move with it.
func TestConfiguredDeploymentTracesByRouteTemplateAndNothingIdentifying(t *testing.T) {
	r := redistest.Single(t)
	prefix := r.Prefix(t)
	f := newFixture(t)
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exporter := tracetest.NewInMemoryExporter()
	tracing := telemetry.NewTracing(sdktrace.WithSyncer(exporter))
	defer tracing.Shutdown(context.Background())
	gwReg, pushReg := prometheus.NewRegistry(), prometheus.NewRegistry()

	gwServer := httptest.NewUnstartedServer(nil)
	defer gwServer.Close()
	gatewayURL := "http://" + gwServer.Listener.Addr().String()
	start := simulator.DefaultStart().Add(60 * 24 * time.Hour)
	wallStart := time.Now().UTC()
	simOptions := func(courier string) map[string]any {
		return map[string]any{"courier": courier, "seed": 7, "parcels": 30,
			"start": start.Format(time.RFC3339), "wall_start": wallStart.Format(time.RFC3339Nano)}
	}
	hostDoc := func(doc map[string]any, courier string) *Courier {
		edit(t, doc, "adapter.options", simOptions(courier))
		c, err := parseCourier(marshal(t, doc), f.dir, f.opts())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	pushDoc := f.courierDoc()
	edit(t, pushDoc, "gateway.url", gatewayURL)
	pushCfg, pullCfg := hostDoc(pushDoc, "sim-panda"), hostDoc(f.pullDoc(), "sim-global")
	push, err := pushCfg.Build(ctx, logger.With("host", "push"), WithTracing(tracing), WithRegistry(pushReg))
	if err != nil {
		t.Fatal(err)
	}
	defer push.Close()
	pull, err := pullCfg.Build(ctx, logger.With("host", "pull"), WithTracing(tracing))
	if err != nil {
		t.Fatal(err)
	}
	defer pull.Close()
	pushServer, pullServer := httptest.NewServer(push.Handler), httptest.NewServer(pull.Handler)
	defer pushServer.Close()
	defer pullServer.Close()

	gwDoc := f.gatewayDoc()
	edit(t, gwDoc, "redis", map[string]any{"addrs": []any{r.Addr}, "key_prefix": prefix})
	edit(t, gwDoc, "couriers.0.host", pushServer.URL)
	edit(t, gwDoc, "couriers.1.host", pullServer.URL)
	g, err := parseGateway(marshal(t, gwDoc), f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	gw, closer, err := g.Build(ctx, logger.With("service", "gateway"), WithTracing(tracing), WithRegistry(gwReg))
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	gwServer.Config.Handler = gw.Handler()
	gwServer.Start()
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	for _, run := range []func(context.Context) error{push.Run, pull.Run} {
		wg.Go(func() {
			if err := run(ctx); err != nil {
				t.Errorf("courier host: %v", err)
			}
		})
	}
	wg.Go(func() { gw.Run(ctx) })
	deadline := time.Now().Add(60 * time.Second)
	for gw.Ready(ctx) != nil || !push.Host.Ready() || push.Host.Unpublished() != 0 || push.Outbox.Pending() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("deployment not caught up\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}

	world := simulator.NewWorld(simulator.Config{Seed: 7, ParcelsPerCourier: 30, Start: start, WallStart: wallStart, Speed: 1})
	sdk, err := client.New(gatewayURL)
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for _, s := range world.Samples(1) {
		if s.Courier != "sim-panda" && s.Courier != "sim-global" {
			continue
		}
		res, err := sdk.Track(ctx, s.TrackingNumber, client.TrackOptions{Courier: s.Courier, Factor: s.Factor})
		if err != nil || len(res.Legs) == 0 {
			t.Fatalf("track a %s parcel: %v", s.Courier, err)
		}
		secrets = append(secrets, s.TrackingNumber)
	}
	if len(secrets) < 2 {
		t.Fatalf("tracked %d parcels, want a push and a pull one", len(secrets))
	}
	cancel()
	wg.Wait()

	spans := exporter.GetSpans()
	names := map[string]int{}
	traces := map[string]map[trace.TraceID]bool{}
	for _, s := range spans {
		names[s.Name]++
		if traces[s.Name] == nil {
			traces[s.Name] = map[trace.TraceID]bool{}
		}
		traces[s.Name][s.SpanContext.TraceID()] = true
		text := spanText(s)
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("span %q holds tracking number %s: %s", s.Name, secret, text)
			}
		}
		if loc := base64Locator.FindString(text); loc != "" {
			t.Errorf("span %q holds something shaped like a locator (%s): %s", s.Name, loc, text)
		}
		if path := concretePath.FindString(text); path != "" {
			t.Errorf("span %q holds a concrete path %s: %s", s.Name, path, text)
		}
		for _, unsafe := range []string{"url.path", "url.full", "client.address", "network.peer", "user_agent", "db.statement", "db.connection_string"} {
			if strings.Contains(text, unsafe) {
				t.Errorf("span %q records %s: %s", s.Name, unsafe, text)
			}
		}
	}
	for _, want := range []string{
		"POST /v1/evaluate", "GET /v1/buckets/:bucket", "GET /v1/couriers",
		"POST /tg1/evaluate", "GET /tg1/buckets/{bucket}", "GET /tg1/buckets/:bucket",
		"PUT /v1/couriers/:courier/records",
	} {
		if names[want] == 0 {
			t.Errorf("no span %q; spans: %v", want, names)
		}
	}
	redisSpans := 0
	for name, n := range names {
		if !strings.Contains(name, "/") && name != "redis.dial" {
			redisSpans += n
		}
	}
	if redisSpans == 0 {
		t.Errorf("no Redis command spans: %v", names)
	}
	// The host's server span of an evaluation is in the trace of the
	// gateway's request.
	shared := false
	for id := range traces["POST /tg1/evaluate"] {
		shared = shared || traces["POST /v1/evaluate"][id]
	}
	if !shared {
		t.Error("the courier host's evaluation span is not in the gateway's trace")
	}

	for what, reg := range map[string]*prometheus.Registry{"gateway": gwReg, "push host": pushReg} {
		text := scrape(t, reg)
		for _, want := range map[string][]string{
			"gateway":   {`trackgate_evaluations_total{courier="sim-panda",outcome="ok"}`, `trackgate_http_requests_total{class="2xx",method="POST",route="/v1/evaluate"}`, `trackgate_store_operation_duration_seconds_count{operation="apply",outcome="ok"}`, `trackgate_pull_fetches_total{courier="sim-global",outcome="ok"}`},
			"push host": {`trackgate_http_requests_total{class="2xx",method="POST",route="/tg1/evaluate"}`, `trackgate_outbox_pending 0`},
		}[what] {
			if !strings.Contains(text, want) {
				t.Errorf("%s metrics lack %s", what, want)
			}
		}
	}
}

var concretePath = regexp.MustCompile(`/(v1|tg1)/(buckets|records)/[^:{]`)

var base64Locator = regexp.MustCompile(`(^|[^A-Za-z0-9_-])[A-Za-z0-9_-]{22}([^A-Za-z0-9_-]|$)`)

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
	return b.String()
}

func scrape(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	srv := httptest.NewServer(telemetry.AdminHandler(reg))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
