package main

import (
	"crypto/ed25519"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/remotehost"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
)

// TestACourierHostStartingUpIsStillLoadingThenReady starts `trackgate
// courier` as a real process in push mode, in front of a gateway on
// loopback that answers its first publishes 503. While its first records
// wait in its outbox, the host says it is loading, the gateway's
// directory says so, and shoppers are told "still loading", not "not
// found". Once the gateway takes the records, the host is ready, and the
// parcel is found, while a number nobody has is "not found".
func TestACourierHostStartingUpIsStillLoadingThenReady(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		hold    atomic.Bool                  // publishes are answered 503
		handler atomic.Pointer[http.Handler] // the gateway, once built
		held    atomic.Int32
	)
	hold.Store(true)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := handler.Load()
		if h == nil || (r.Method == http.MethodPut && hold.Load()) {
			held.Add(1)
			http.Error(w, "not yet", http.StatusServiceUnavailable)
			return
		}
		(*h).ServeHTTP(w, r)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(listener) }()
	t.Cleanup(func() { srv.Close() })
	gatewayURL := "http://" + listener.Addr().String()

	d := newDeployment(t, "127.0.0.1:1", "unused", listener.Addr().(*net.TCPAddr).Port)
	courier := startTrackgate(t, "courier", "--config", d.courierFile, "--log-format", "json")
	m := courierLine.FindStringSubmatch(courier.firstLine(t))
	if m == nil {
		t.Fatalf("courier printed no line naming its URL:\n%s", courier.stderr)
	}

	gatewayKey, err := keyfile.Load(filepath.Join(d.dir, "gateway", signingKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	courierKey, err := keyfile.Load(filepath.Join(d.dir, "sim-panda", signingKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	courierPub := courierKey.Signing.Public().(ed25519.PublicKey)
	gin.SetMode(gin.ReleaseMode) // as runServe does: no route listing on stdout
	gw, err := gateway.New(gateway.Config{
		BucketBits: 8,
		Couriers: []gateway.Courier{{
			ID: "sim-panda", Name: "Panda Logistics", Factor: crypto.FactorPhoneLast4, Mode: api.ModePush,
			Patterns:   []api.Pattern{{Regex: `^77[0-9]{11}$`}},
			Host:       remotehost.New(m[1], &signing.Signer{KeyID: "gateway", Key: gatewayKey.Signing, Audience: "sim-panda"}, courierPub, &http.Client{Timeout: 10 * time.Second}),
			SigningKey: courierPub,
		}},
		Store: memory.New(store.Limits{BucketBits: 8}),
	})
	if err != nil {
		t.Fatal(err)
	}
	h := gw.Handler()
	handler.Store(&h)

	var sample simulator.Sample
	for _, s := range d.world.Samples(1) {
		if s.Courier == "sim-panda" {
			sample = s
		}
	}
	const nobodys = "7799999999999"
	directoryLoading := func() bool {
		t.Helper()
		if err := gw.Refresh(t.Context()); err != nil {
			t.Fatalf("the gateway cannot read the host's keys: %v", err)
		}
		c, err := client.New(gatewayURL)
		if err != nil {
			t.Fatal(err)
		}
		dir, err := c.Directory(t.Context())
		if err != nil || len(dir.Couriers) != 1 {
			t.Fatalf("directory %+v, %v", dir, err)
		}
		return dir.Couriers[0].Loading
	}

	// Loading: the first records wait in the outbox.
	waitFor(t, "a publish to be held back", func() bool { return held.Load() > 0 })
	if !directoryLoading() {
		t.Fatalf("the directory does not say sim-panda is loading while its first records wait\n%s", courier.stderr)
	}
	for _, number := range []string{sample.TrackingNumber, nobodys} {
		got := runCLI(t, nil, "track", number, "--factor", sample.Factor, "--gateway", gatewayURL)
		want := "Still loading: sim-panda is still publishing its parcels, so this one may not show yet; try again in a few minutes.\n"
		if got.code != exitUnavailable || got.stderr != want {
			t.Errorf("track %s while loading: exit %d, stderr %q; want %d, %q", number, got.code, got.stderr, exitUnavailable, want)
		}
	}

	// Ready: the gateway takes the records; the outbox retries within seconds.
	hold.Store(false)
	waitFor(t, "the host to be done loading", func() bool { return !directoryLoading() })
	c, err := client.New(gatewayURL)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := c.Track(t.Context(), sample.TrackingNumber, client.TrackOptions{Factor: sample.Factor}); err != nil || len(res.Legs) != 1 {
		t.Errorf("track the sample once ready: %v", err)
	}
	if _, err := c.Track(t.Context(), nobodys, client.TrackOptions{Factor: sample.Factor}); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("track a number nobody has once ready: %v, want ErrNotFound", err)
	}
	courier.stop(t)
	if logs := courier.stderr.String(); !strings.Contains(logs, "no longer loading") {
		t.Errorf("the host did not log the end of its loading:\n%s", logs)
	}
}

// waitFor polls cond for at most 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
