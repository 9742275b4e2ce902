package e2e

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/privacyscan"
	"github.com/trackgate/trackgate/gateway/remotehost"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
	"github.com/trackgate/trackgate/gateway/tenant"
	"github.com/trackgate/trackgate/openapi"
)

const bucketBits = 6

// topology is one gateway and one courier host per simulated courier,
// each on its own loopback HTTP server.
type topology struct {
	world     *simulator.World
	gateway   *httptest.Server
	store     *memory.Store
	hosts     map[string]*courierhost.Host
	traffic   *recorder // every request the gateway sent to a courier host
	validator *openapi.Validator
	logs      *syncBuffer
	// shopKey is the API key of the gateway's one tenant, a marketplace
	// whose pages are on shopOrigin; the gateway holds only its hash.
	shopKey string
}

const shopOrigin = "https://shop.e2e.example"

func startTopology(t *testing.T) *topology {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	validator, err := openapi.NewValidator(doc)
	if err != nil {
		t.Fatal(err)
	}
	top := &topology{
		// Sixty days into the simulation, when every kind of parcel,
		// handoff chains included, is under way.
		world:     simulator.NewWorld(simulator.Config{Seed: 7, ParcelsPerCourier: 600, Start: simulator.DefaultStart().Add(60 * 24 * time.Hour), Speed: 1}),
		store:     memory.New(store.Limits{BucketBits: bucketBits}),
		hosts:     map[string]*courierhost.Host{},
		traffic:   &recorder{},
		validator: validator,
		logs:      &syncBuffer{},
	}
	logger := slog.New(slog.NewTextHandler(top.logs, nil))

	// The gateway's address is needed by the push hosts before it serves.
	top.gateway = httptest.NewUnstartedServer(nil)
	gatewayURL := "http://" + top.gateway.Listener.Addr().String()
	gatewayPub, gatewayKey, _ := ed25519.GenerateKey(rand.Reader)
	fromGateway := func(id string) (ed25519.PublicKey, bool) { return gatewayPub, id == "gateway" }

	var couriers []gateway.Courier
	var hostServers []*httptest.Server
	for _, p := range simulator.Profiles() {
		src, err := top.world.Source(p.ID)
		if err != nil {
			t.Fatal(err)
		}
		oprfKey, _ := crypto.GenerateKey(rand.Reader)
		courierPub, courierKey, _ := ed25519.GenerateKey(rand.Reader)
		cfg := courierhost.Config{
			Courier: p.ID, BucketBits: bucketBits, Mode: p.Mode, Factor: p.Factor,
			Keys:   []courierhost.KeyConfig{{Key: oprfKey, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}},
			Source: src, EvaluateRate: rate.Limit(500), EvaluateBurst: 500,
			Logger: logger.With("courier_host", p.ID),
		}
		if p.Mode == api.ModePush {
			cfg.Publisher = courierhost.HTTPPublisher{
				GatewayURL: gatewayURL, Courier: p.ID,
				Signer: &signing.Signer{KeyID: p.ID, Key: courierKey, Audience: gateway.DefaultGatewayID},
			}
		}
		host, err := courierhost.New(cfg)
		if err != nil {
			t.Fatalf("courier host %s: %v", p.ID, err)
		}
		top.hosts[p.ID] = host
		srv := httptest.NewServer(top.traffic.wrap(p.ID, host.Handler(&signing.Verifier{Keys: fromGateway}, courierKey)))
		hostServers = append(hostServers, srv)
		patterns := make([]api.Pattern, len(p.Patterns))
		for i, re := range p.Patterns {
			patterns[i] = api.Pattern{Regex: re}
		}
		couriers = append(couriers, gateway.Courier{
			ID: p.ID, Name: p.Name, Factor: p.Factor, Mode: p.Mode, Patterns: patterns,
			Host: remotehost.New(srv.URL, &signing.Signer{KeyID: "gateway", Key: gatewayKey, Audience: p.ID}, courierPub,
				&http.Client{Transport: &validatingTransport{t: t, v: validator}}),
			SigningKey: courierPub,
		})
	}
	if top.shopKey, err = tenant.NewKey(rand.Reader); err != nil {
		t.Fatal(err)
	}
	shopHash, _ := tenant.HashKey(top.shopKey)
	gw, err := gateway.New(gateway.Config{
		BucketBits: bucketBits, Couriers: couriers, Store: top.store,
		EvaluateRate: 1000, EvaluateBurst: 1000, Logger: logger.With("service", "gateway"),
		Tenants: []gateway.Tenant{{ID: "e2e-shop", Name: "A marketplace", KeyHashes: []tenant.Hash{shopHash},
			Origins: []string{shopOrigin}, EvaluateRate: 1000, EvaluateBurst: 1000, FetchRate: 1000, FetchBurst: 1000}},
		// Every fetch reaches the pull host, so the tests can see it asked.
		PullCacheTTL: time.Nanosecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	top.gateway.Config.Handler = gw.Handler()
	top.gateway.Start()
	if err := gw.Refresh(ctx); err != nil {
		t.Fatalf("directory: %v", err)
	}

	var wg sync.WaitGroup
	for _, h := range top.hosts {
		wg.Go(func() { _ = h.Run(ctx) })
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		top.gateway.Close()
		for _, s := range hostServers {
			s.Close()
		}
	})
	top.waitForPublishes(t)
	// The directory was assembled before the hosts ran, when they were
	// still loading: as the gateway's periodic refresh would, read it again.
	if err := gw.Refresh(ctx); err != nil {
		t.Fatalf("directory: %v", err)
	}
	return top
}

// waitForPublishes waits, boundedly, until every host has built its index
// and the push hosts' records are in the gateway's store: until none is
// loading.
func (top *topology) waitForPublishes(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		caughtUp := true
		for _, h := range top.hosts {
			caughtUp = caughtUp && h.Ready() && h.Unpublished() == 0 && !h.Loading()
		}
		if caughtUp {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the courier hosts did not publish within 30 s")
}

// recorder keeps every request a courier host received.
type recorder struct {
	mu       sync.Mutex
	requests []recorded
}

type recorded struct {
	host   string
	method string
	uri    string
	header http.Header
	body   []byte
}

func (r *recorder) wrap(host string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		r.mu.Lock()
		r.requests = append(r.requests, recorded{host, req.Method, req.RequestURI, req.Header.Clone(), body})
		r.mu.Unlock()
		next.ServeHTTP(w, req)
	})
}

func (r *recorder) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.requests...)
}

// validatingTransport checks every response against the OpenAPI document.
type validatingTransport struct {
	t *testing.T
	v *openapi.Validator
	// extra headers a client adds to every request, to prove the gateway
	// does not pass them on.
	extra http.Header
}

func (vt *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for k, v := range vt.extra {
		req.Header[k] = v
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := vt.v.ValidateResponse(req, resp.StatusCode, resp.Header, body); err != nil {
		vt.t.Errorf("%s %s: response %d does not match the OpenAPI document: %v", req.Method, req.URL.Path, resp.StatusCode, err)
	}
	return resp, nil
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
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

// contains reports whether any recorded request carries s anywhere.
// A factor is four digits, which base64 bodies, nonces and timestamps hold
// by chance: it counts only as a whole token (privacyscan.ContainsToken).
func (r recorded) contains(s string, isFactor bool) bool {
	found := func(b []byte) bool { return bytes.Contains(b, []byte(s)) }
	if isFactor {
		found = func(b []byte) bool { return privacyscan.ContainsToken(b, s) }
	}
	if found([]byte(r.uri)) || found(r.body) {
		return true
	}
	for _, vs := range r.header {
		for _, v := range vs {
			if found([]byte(v)) {
				return true
			}
		}
	}
	return false
}
