package config

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/remotehost"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

// syncBuffer collects logs from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func buildCourier(t *testing.T, f *fixture, doc map[string]any, logger *slog.Logger) *CourierHost {
	t.Helper()
	c, err := parseCourier(marshal(t, doc), f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	h, err := c.Build(context.Background(), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.Close(); err != nil {
			t.Error(err)
		}
	})
	return h
}

func TestHostWithTwoOverlappingKeysServesBothKids(t *testing.T) {
	f := newFixture(t)
	h := buildCourier(t, f, f.pullDoc(), nil)
	srv := httptest.NewServer(h.Handler)
	defer srv.Close()

	asGateway := &signing.Signer{KeyID: GatewayKeyID, Key: f.gatewayKey, Audience: "sim-global"}
	keys, err := remotehost.New(srv.URL, asGateway, f.pullPub, nil).Keys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range keys {
		kids = append(kids, k.KeyID)
	}
	sort.Strings(kids)
	want := append([]string(nil), f.kids...)
	sort.Strings(want)
	if strings.Join(kids, ",") != strings.Join(want, ",") {
		t.Errorf("/tg1/keys serves %v, want both keys of the directory %v", kids, want)
	}

	// Only the gateway's key is known.
	_, other := saveSigning(t, f.dir+"/other.key")
	for _, s := range []*signing.Signer{
		{KeyID: GatewayKeyID, Key: other, Audience: "sim-global"},
		{KeyID: "sim-swift", Key: f.gatewayKey, Audience: "sim-global"},
		{KeyID: GatewayKeyID, Key: f.gatewayKey, Audience: "sim-panda"},
	} {
		if _, err := remotehost.New(srv.URL, s, f.pullPub, nil).Keys(context.Background()); !errors.Is(err, api.ErrUnavailable) {
			t.Errorf("signed by %s with another key: %v, want refused", s.KeyID, err)
		}
	}
}

func TestBuildSkipsExpiredKeysWithAWarning(t *testing.T) {
	f := newFixture(t)
	doc := f.pullDoc()
	doc["oprf_keys"] = []any{"single-oprf.key", "expired-oprf.key"}
	logs := &syncBuffer{}
	h := buildCourier(t, f, doc, slog.New(slog.NewTextHandler(logs, nil)))
	keys, _ := h.Host.Keys(context.Background())
	if len(keys) != 1 || !keys[0].NotAfter.After(time.Now()) {
		t.Errorf("host keys %+v, want only the live one", keys)
	}
	if !strings.Contains(logs.String(), "expired-oprf.key") {
		t.Errorf("no warning names the expired key's file:\n%s", logs)
	}
}

func TestBuildReportsAdapterOptionsByField(t *testing.T) {
	f := newFixture(t)
	doc := f.pullDoc()
	edit(t, doc, "adapter.options.colour", "red")
	c, err := parseCourier(marshal(t, doc), f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Build(context.Background(), nil)
	if fe := fieldOf(t, err); fe.Field != "adapter" || !strings.Contains(err.Error(), `unknown option "colour"`) {
		t.Errorf("error %v: want the adapter's refusal under adapter", err)
	}
}

func TestGatewayWithoutRedisWarnsThatMemoryIsNotDurable(t *testing.T) {
	f := newFixture(t)
	doc := f.gatewayDoc()
	delete(doc, "redis")
	g, err := parseGateway(marshal(t, doc), f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	gw, closer, err := g.Build(context.Background(), slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	if !strings.Contains(logs.String(), "lost when it stops") {
		t.Errorf("no warning about the memory store:\n%s", logs)
	}
	rec := httptest.NewRecorder()
	gw.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("/healthz answered %d", rec.Code)
	}
}

// redisTarget is a real Redis for a deployment test: where it is, the
// key prefix of the test, and how many keys under it each master holds.
type redisTarget struct {
	addrs     []string
	prefix    string
	keyCounts func(ctx context.Context) ([]int, error)
}

func countKeys(ctx context.Context, c *redis.Client, prefix string) (int, error) {
	keys, err := c.Keys(ctx, prefix+"*").Result()
	return len(keys), err
}

// TestConfiguredDeploymentTracksThroughRedis builds a gateway on a real
// Redis — a single server, then a 3-master Redis Cluster — and a push and
// a pull courier host from their files, over loopback HTTP, and tracks a
// parcel of each.
func TestConfiguredDeploymentTracksThroughRedis(t *testing.T) {
	targets := []struct {
		name string
		get  func(t *testing.T) redisTarget
	}{
		{"single server", func(t *testing.T) redisTarget {
			r := redistest.Single(t)
			prefix := r.Prefix(t)
			return redisTarget{addrs: []string{r.Addr}, prefix: prefix, keyCounts: func(ctx context.Context) ([]int, error) {
				n, err := countKeys(ctx, r.Client, prefix)
				return []int{n}, err
			}}
		}},
		{"cluster", func(t *testing.T) redisTarget {
			c := redistest.Cluster(t)
			prefix := c.Prefix(t)
			return redisTarget{addrs: c.Addrs, prefix: prefix, keyCounts: func(ctx context.Context) ([]int, error) {
				var mu sync.Mutex
				var counts []int
				err := c.Client.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
					n, err := countKeys(ctx, m, prefix)
					mu.Lock()
					defer mu.Unlock()
					counts = append(counts, n)
					return err
				})
				return counts, err
			}}
		}},
	}
	for _, target := range targets {
		t.Run(target.name, func(t *testing.T) { testConfiguredDeployment(t, target.get(t)) })
	}
}

func testConfiguredDeployment(t *testing.T, r redisTarget) {
	f := newFixture(t)
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The push host needs the gateway's address before the gateway serves.
	gwServer := httptest.NewUnstartedServer(nil)
	defer gwServer.Close()
	gatewayURL := "http://" + gwServer.Listener.Addr().String()
	start := simulator.DefaultStart().Add(60 * 24 * time.Hour)
	wallStart := time.Now().UTC()
	simOptions := func(courier string) map[string]any {
		return map[string]any{"courier": courier, "seed": 7, "parcels": 60,
			"start": start.Format(time.RFC3339), "wall_start": wallStart.Format(time.RFC3339Nano)}
	}
	pushDoc := f.courierDoc()
	edit(t, pushDoc, "gateway.url", gatewayURL)
	edit(t, pushDoc, "adapter.options", simOptions("sim-panda"))
	pullDoc := f.pullDoc()
	edit(t, pullDoc, "adapter.options", simOptions("sim-global"))
	push := buildCourier(t, f, pushDoc, logger.With("host", "push"))
	pull := buildCourier(t, f, pullDoc, logger.With("host", "pull"))
	pushServer, pullServer := httptest.NewServer(push.Handler), httptest.NewServer(pull.Handler)
	defer pushServer.Close()
	defer pullServer.Close()

	gwDoc := f.gatewayDoc()
	addrs := make([]any, len(r.addrs))
	for i, a := range r.addrs {
		addrs[i] = a
	}
	edit(t, gwDoc, "redis", map[string]any{"addrs": addrs, "key_prefix": r.prefix})
	edit(t, gwDoc, "couriers.0.host", pushServer.URL)
	edit(t, gwDoc, "couriers.1.host", pullServer.URL)
	g, err := parseGateway(marshal(t, gwDoc), f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	gw, closer, err := g.Build(ctx, logger.With("service", "gateway"))
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	gwServer.Config.Handler = gw.Handler()
	gwServer.Start()

	// Stopped before Redis's client closes and the servers do.
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
			t.Fatalf("deployment not caught up: gateway %v, push host ready %v, unpublished %d, outbox %d\n%s",
				gw.Ready(ctx), push.Host.Ready(), push.Host.Unpublished(), push.Outbox.Pending(), logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	counts, err := r.keyCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range counts {
		if n == 0 {
			t.Errorf("master %d of %d holds no record: %v", i+1, len(counts), counts)
		}
	}

	world := simulator.NewWorld(simulator.Config{Seed: 7, ParcelsPerCourier: 60, Start: start, WallStart: wallStart, Speed: 1})
	sdk, err := client.New(gatewayURL)
	if err != nil {
		t.Fatal(err)
	}
	tracked := map[string]bool{}
	for _, s := range world.Samples(1) {
		if s.Courier != "sim-panda" && s.Courier != "sim-global" {
			continue
		}
		res, err := sdk.Track(ctx, s.TrackingNumber, client.TrackOptions{Courier: s.Courier, Factor: s.Factor})
		if err != nil {
			t.Errorf("track a %s parcel: %v", s.Courier, err)
			continue
		}
		tracked[s.Courier] = len(res.Legs) > 0 && res.Legs[0].Courier == s.Courier
	}
	if !tracked["sim-panda"] || !tracked["sim-global"] {
		t.Errorf("tracked %v, want a push and a pull parcel found", tracked)
	}
	for _, s := range world.Samples(3) {
		if strings.Contains(logs.String(), s.TrackingNumber) {
			t.Errorf("a log line holds tracking number %s", s.TrackingNumber)
		}
	}
}
