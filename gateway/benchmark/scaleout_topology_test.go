package benchmark

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/config"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

// scaleTopology is the scale-out run on loopback: a 3-master Redis
// Cluster, three gateways built from their files as `trackgate serve
// --config` builds them, and two replicas of the push courier sim-swift's
// host built from theirs as `trackgate courier` builds them: the same
// keys, partitions 0 and 1 of 2, each publishing through its own gateway.
// Every gateway lists both replicas as the courier's hosts.
type scaleTopology struct {
	dir       string
	world     *simulator.World // the replicas' world, for expected views
	oprf      *crypto.PrivateKey
	logs      *syncBuffer
	gateways  []*scaleGateway
	replicas  []*scaleReplica
	simConfig simulator.Config
}

// scaleGateway is one gateway of the run.
type scaleGateway struct {
	URL    string
	server *loopbackServer
	stop   func() // ends its Run, closes its Redis client
}

// scaleReplica is one replica of the courier host, counting the
// evaluations it answers.
type scaleReplica struct {
	URL         string
	server      *loopbackServer
	host        *config.CourierHost
	evaluations atomic.Int64
	stop        func() // ends its Run, closes its outbox
}

const (
	scaleGateways = 3
	scaleReplicas = 2
	scaleParcels  = 120
	scaleBits     = 8
	// paddingEnv names the padding secret every gateway shares, so that
	// their bucket answers are the same bytes.
	paddingEnv = "TRACKGATE_SCALE_PADDING"
)

// startScaleTopology starts everything and returns once both replicas
// have published their partitions through their gateways.
func startScaleTopology(t *testing.T) *scaleTopology {
	t.Helper()
	cluster := redistest.Cluster(t)
	top := &scaleTopology{dir: t.TempDir(), logs: &syncBuffer{}}
	logger := slog.New(slog.NewTextHandler(top.logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	top.simConfig = simulator.Config{
		Seed: 7, ParcelsPerCourier: scaleParcels, Speed: 1e-6, // a world that holds still
		Start: simulator.DefaultStart().Add(60 * 24 * time.Hour), WallStart: time.Now().UTC(),
	}
	top.world = simulator.NewWorld(top.simConfig)

	// Keys: one gateway signing key; the courier's OPRF and signing keys,
	// the same files for both replicas.
	now := time.Now()
	gatewayPub, gatewayKey, _ := ed25519.GenerateKey(rand.Reader)
	courierPub, courierKey, _ := ed25519.GenerateKey(rand.Reader)
	var err error
	if top.oprf, err = crypto.GenerateKey(rand.Reader); err != nil {
		t.Fatal(err)
	}
	must(t, keyfile.SaveSigning(filepath.Join(top.dir, "gateway.key"), gatewayKey))
	_, logKey, _ := ed25519.GenerateKey(rand.Reader)
	must(t, keyfile.SaveSigning(filepath.Join(top.dir, "keylog.key"), logKey))
	must(t, keyfile.SaveSigning(filepath.Join(top.dir, "courier.key"), courierKey))
	must(t, keyfile.SaveOPRF(filepath.Join(top.dir, "oprf.key"), top.oprf, now.Add(-time.Hour), now.Add(30*24*time.Hour)))

	// Every address is taken first: each file names the others.
	gatewayListeners := listenAll(t, scaleGateways)
	replicaListeners := listenAll(t, scaleReplicas)
	var gatewayURLs, replicaURLs []string
	for _, l := range gatewayListeners {
		gatewayURLs = append(gatewayURLs, "http://"+l.Addr().String())
	}
	for _, l := range replicaListeners {
		replicaURLs = append(replicaURLs, "http://"+l.Addr().String())
	}

	// The replicas serve evaluations at once; their index and publishing
	// start once the gateways list the courier's keys, so that no publish
	// is made under a kid a gateway does not know yet.
	for i, l := range replicaListeners {
		path := filepath.Join(top.dir, fmt.Sprintf("replica-%d.yaml", i))
		writeYAML(t, path, top.replicaFile(i, l.Addr().String(), gatewayURLs[i], gatewayPub))
		cfg, err := config.LoadCourier(path)
		if err != nil {
			t.Fatal(err)
		}
		h, err := cfg.Build(t.Context(), logger.With("replica", i))
		if err != nil {
			t.Fatal(err)
		}
		r := &scaleReplica{URL: replicaURLs[i], host: h}
		r.server = serveOn(l, r.counting(h.Handler))
		top.replicas = append(top.replicas, r)
	}
	t.Cleanup(func() {
		for _, r := range top.replicas {
			r.kill()
		}
	})

	padding := make([]byte, 32)
	_, _ = rand.Read(padding)
	getenv := func(name string) string {
		if name == paddingEnv {
			return hex.EncodeToString(padding)
		}
		return ""
	}
	prefix := cluster.Prefix(t)
	for i, l := range gatewayListeners {
		path := filepath.Join(top.dir, fmt.Sprintf("gateway-%d.yaml", i))
		writeYAML(t, path, gatewayFile(l.Addr().String(), cluster.Addrs, prefix, replicaURLs, courierPub))
		cfg, err := config.LoadGateway(path, config.WithGetenv(getenv))
		if err != nil {
			t.Fatal(err)
		}
		gw, closer, err := cfg.Build(t.Context(), logger.With("gateway", i))
		if err != nil {
			t.Fatal(err)
		}
		g := &scaleGateway{URL: gatewayURLs[i], server: serveOn(l, gw.Handler())}
		g.stop = runUntilStopped(func(ctx context.Context) error { gw.Run(ctx); return nil }, closer.Close)
		top.gateways = append(top.gateways, g)
		waitReady(t, "gateway "+g.URL, func() bool { return gw.Ready(t.Context()) == nil })
	}
	t.Cleanup(func() {
		for _, g := range top.gateways {
			g.kill()
		}
	})

	for _, r := range top.replicas {
		r.stop = runUntilStopped(r.host.Run, r.host.Close)
	}
	for i, r := range top.replicas {
		waitReady(t, fmt.Sprintf("replica %d publishing its partition", i), func() bool {
			return r.host.Host.Ready() && r.host.Host.Unpublished() == 0 && r.host.Outbox.Pending() == 0
		})
	}
	return top
}

// replicaFile is replica i's courier host file.
func (top *scaleTopology) replicaFile(i int, listen, gatewayURL string, gatewayPub ed25519.PublicKey) map[string]any {
	return map[string]any{
		"courier": simulator.SwiftID, "listen": listen, "mode": "push", "factor": "none",
		"bucket_bits": scaleBits,
		"adapter": map[string]any{"name": simulator.AdapterName, "options": map[string]string{
			"courier": simulator.SwiftID, "seed": fmt.Sprint(top.simConfig.Seed),
			"parcels": fmt.Sprint(scaleParcels), "speed": fmt.Sprint(top.simConfig.Speed),
			"start":      top.simConfig.Start.Format(time.RFC3339),
			"wall_start": top.simConfig.WallStart.Format(time.RFC3339Nano),
		}},
		"oprf_keys":   filepath.Join(top.dir, "oprf.key"),
		"signing_key": filepath.Join(top.dir, "courier.key"),
		"gateway":     map[string]any{"url": gatewayURL, "public_key": crypto.EncodeB64(gatewayPub)},
		"outbox":      filepath.Join(top.dir, fmt.Sprintf("outbox-%d.db", i)),
		"partition":   map[string]int{"index": i, "count": scaleReplicas},
		// The host's own limit is far above the run's load: the run
		// checks the spreading, not the limit.
		"evaluate_rate": 1e6, "evaluate_burst": 1_000_000,
	}
}

// gatewayFile is a gateway's file: the cluster, the shared padding
// secret, and sim-swift served by every replica.
func gatewayFile(listen string, redisAddrs []string, prefix string, replicas []string, courierPub ed25519.PublicKey) map[string]any {
	var profile simulator.Profile
	for _, p := range simulator.Profiles() {
		if p.ID == simulator.SwiftID {
			profile = p
		}
	}
	patterns := make([]map[string]string, len(profile.Patterns))
	for i, re := range profile.Patterns {
		patterns[i] = map[string]string{"regex": re, "checksum": profile.Checksum(i)}
	}
	return map[string]any{
		"listen": listen, "bucket_bits": scaleBits,
		"signing_key": "gateway.key",
		"key_log":     map[string]any{"origin": "trackgate.scale/log", "key": "keylog.key"},
		"redis":       map[string]any{"addrs": redisAddrs, "key_prefix": prefix},
		"limits": map[string]int{
			"evaluate_rate": clientLimit, "evaluate_burst": clientLimit,
			"fetch_rate": clientLimit, "fetch_burst": clientLimit,
		},
		"records": map[string]any{"padding_secret_env": paddingEnv},
		// The run checks answers and survival, not latency: under -race on
		// a busy machine an evaluation may take seconds.
		"timeouts": map[string]string{"evaluate": "8s", "fetch": "8s"},
		"couriers": []map[string]any{{
			"id": profile.ID, "name": profile.Name, "hosts": replicas,
			"mode": profile.Mode, "factor": profile.Factor,
			"public_key": crypto.EncodeB64(courierPub), "patterns": patterns,
		}},
	}
}

// counting counts the evaluations the replica answers.
func (r *scaleReplica) counting(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost && req.URL.Path == "/tg1/evaluate" {
			r.evaluations.Add(1)
		}
		next.ServeHTTP(w, req)
	})
}

// kill closes the replica's listener and every connection at once, as a
// process killed would, then stops its loops. Idempotent.
func (r *scaleReplica) kill() {
	_ = r.server.srv.Close()
	if r.stop != nil {
		r.stop()
		r.stop = nil
	} else if r.host != nil {
		_ = r.host.Close()
	}
	r.host = nil
}

// kill closes the gateway's listener and every connection at once, then
// stops its directory loop and closes its Redis client. Idempotent.
func (g *scaleGateway) kill() {
	_ = g.server.srv.Close()
	if g.stop != nil {
		g.stop()
		g.stop = nil
	}
}

// runUntilStopped runs loop in a goroutine; the function it returns ends
// it, waits for it and then calls closeAfter.
func runUntilStopped(loop func(context.Context) error, closeAfter func() error) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = loop(ctx)
		close(done)
	}()
	return func() {
		cancel()
		<-done
		_ = closeAfter()
	}
}

func listenAll(t *testing.T, n int) []net.Listener {
	t.Helper()
	out := make([]net.Listener, n)
	for i := range out {
		l, err := listenLoopback()
		if err != nil {
			t.Fatal(err)
		}
		out[i] = l
	}
	return out
}

func writeYAML(t *testing.T, path string, doc any) {
	t.Helper()
	data, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(path, data, 0o600))
}

// waitReady polls ok for at most 30 s.
func waitReady(t *testing.T, what string, ok func() bool) {
	t.Helper()
	if err := waitFor(t.Context(), 30*time.Second, ok); err != nil {
		t.Fatalf("%s: not ready: %v", what, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a log sink safe for concurrent writers.
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
