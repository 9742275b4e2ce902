package benchmark

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keyfile"
)

// deployment is what a run starts on loopback, each part when a figure
// first needs it:
//
//   - the three simulated couriers' hosts (two push, one pull), the push
//     ones publishing through the "reads" gateway, which registers them;
//   - the "lookup" gateway, registering all three, on the same records;
//   - the "ingest" gateway, with Redis keys of its own, and the host of
//     the courier whose records the publish and memory figures send;
//   - the "fanout" gateway, with 16 courier hosts that answer
//     evaluations after a delay.
//
// All gateways share one signing key, as the gateways of a deployment do.
type deployment struct {
	profile        Profile
	dir            string // configuration and key files, outboxes
	redis          *redisServer
	rdb            *redis.Client // the figures' own client: baselines, setup, memory
	logger         *slog.Logger
	gatewayKey     ed25519.PrivateKey
	gatewayKeyFile string
	progress       func(format string, args ...any)

	ctx    context.Context // ends the hosts' and gateways' loops
	cancel context.CancelFunc
	loops  sync.WaitGroup

	world       *simulator.World
	sims        []*courierHost // in simulator.Profiles order
	reads       *runningGateway
	lookup      *runningGateway
	ingest      *runningGateway
	loader      *courierHost
	fanout      *runningGateway
	fanoutHosts []*courierHost
	hosts       []*courierHost
	gateways    []*runningGateway
}

// Names and Redis key prefixes of the parts.
const (
	recordsPrefix = "tg1" // the reads and lookup gateways share the simulated couriers' records
	ingestPrefix  = "bench-ingest"
	fanoutPrefix  = "bench-fanout"
	loaderID      = "bench-load"
	fanoutHostsN  = 16
	// caughtUpTimeout bounds indexing and publishing the simulated parcels.
	caughtUpTimeout = 3 * time.Minute
)

func newDeployment(profile Profile, r *redisServer, progress func(string, ...any)) (*deployment, error) {
	dir, err := os.MkdirTemp("", "trackgate-bench-")
	if err != nil {
		return nil, fmt.Errorf("bench directory: %w", err)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	d := &deployment{
		profile: profile, dir: dir, redis: r, gatewayKey: key, progress: progress,
		gatewayKeyFile: filepath.Join(dir, "gateway-signing.key"),
		rdb:            redis.NewClient(&redis.Options{Addr: r.Addr}),
		// Request lines are formatted as in production, then dropped.
		logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})),
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	if err := keyfile.SaveSigning(d.gatewayKeyFile, key); err != nil {
		_ = d.close()
		return nil, err
	}
	// The key log's checkpoint key, a key of its own, shared by the
	// gateways as the signing key is.
	_, logKey, err := ed25519.GenerateKey(rand.Reader)
	if err == nil {
		err = keyfile.SaveSigning(d.logKeyFile(), logKey)
	}
	if err != nil {
		_ = d.close()
		return nil, err
	}
	return d, nil
}

// goLoop runs loop until the deployment closes; a failure before that is
// reported as progress, and the figure that needed the part fails on its
// own account.
func (d *deployment) goLoop(name string, loop func(context.Context) error) {
	d.loops.Go(func() {
		if err := loop(d.ctx); err != nil && d.ctx.Err() == nil {
			d.progress("%s stopped: %v", name, err)
		}
	})
}

// close stops every loop, then every server, and removes the files.
func (d *deployment) close() error {
	d.cancel()
	d.loops.Wait()
	var errs []error
	for _, g := range d.gateways {
		errs = append(errs, g.close())
	}
	for _, h := range d.hosts {
		errs = append(errs, h.close())
	}
	errs = append(errs, d.rdb.Close(), os.RemoveAll(d.dir))
	return errors.Join(errs...)
}

func (d *deployment) addHost(spec hostSpec) (*courierHost, error) {
	h, err := d.startHost(spec)
	if err != nil {
		return nil, err
	}
	d.hosts = append(d.hosts, h)
	return h, nil
}

func (d *deployment) addGateway(ctx context.Context, name, prefix string, l net.Listener, couriers []*courierHost) (*runningGateway, error) {
	g, err := d.startGateway(ctx, name, prefix, l, couriers)
	if err != nil {
		return nil, err
	}
	d.gateways = append(d.gateways, g)
	return g, nil
}

// readsGateway starts the simulated couriers' hosts and the gateway their
// push hosts publish to, and waits until Redis holds their records.
func (d *deployment) readsGateway(ctx context.Context) (*runningGateway, error) {
	if d.reads != nil {
		return d.reads, nil
	}
	l, err := listenLoopback()
	if err != nil {
		return nil, err
	}
	defer closeUnserved(l, &d.reads)
	d.world = simulator.NewWorld(simulator.Config{
		// Sixty days in, every kind of parcel, handoffs included, is under way.
		Seed: 7, ParcelsPerCourier: d.profile.Parcels, Start: simulator.DefaultStart().Add(60 * 24 * time.Hour), Speed: 1,
	})
	var push []*courierHost
	for _, p := range simulator.Profiles() {
		src, err := d.world.Source(p.ID)
		if err != nil {
			return nil, err
		}
		patterns := make([]api.Pattern, len(p.Patterns))
		for i, re := range p.Patterns {
			patterns[i] = api.Pattern{Regex: re, Checksum: p.Checksum(i)}
		}
		h, err := d.addHost(hostSpec{id: p.ID, name: p.Name, mode: p.Mode, factor: p.Factor, patterns: patterns,
			source: src, gatewayURL: "http://" + l.Addr().String()})
		if err != nil {
			return nil, err
		}
		d.sims = append(d.sims, h)
		if p.Mode == api.ModePush {
			push = append(push, h)
		}
	}
	g, err := d.addGateway(ctx, "reads", recordsPrefix, l, push)
	if err != nil {
		return nil, err
	}
	for _, h := range d.sims {
		d.goLoop("courier host "+h.spec.id, h.run)
	}
	start := time.Now()
	err = waitFor(ctx, caughtUpTimeout, func() bool {
		for _, h := range d.sims {
			if !h.caughtUp() {
				return false
			}
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("the simulated courier hosts did not index and publish their parcels: %w", err)
	}
	d.progress("simulated couriers: %d parcels each indexed, the push couriers' records stored in Redis in %s",
		d.profile.Parcels, time.Since(start).Round(time.Millisecond))
	d.reads = g
	return g, nil
}

// lookupGateway is a gateway of all three simulated couriers, pull mode
// included, on the records the reads gateway stored.
func (d *deployment) lookupGateway(ctx context.Context) (*runningGateway, error) {
	if d.lookup != nil {
		return d.lookup, nil
	}
	if _, err := d.readsGateway(ctx); err != nil {
		return nil, err
	}
	l, err := listenLoopback()
	if err != nil {
		return nil, err
	}
	defer closeUnserved(l, &d.lookup)
	g, err := d.addGateway(ctx, "lookup", recordsPrefix, l, d.sims)
	if err != nil {
		return nil, err
	}
	d.lookup = g
	return g, nil
}

// ingestGateway is a gateway with Redis keys of its own and one push
// courier without parcels, whose records the figures publish themselves.
func (d *deployment) ingestGateway(ctx context.Context) (*runningGateway, error) {
	if d.ingest != nil {
		return d.ingest, nil
	}
	l, err := listenLoopback()
	if err != nil {
		return nil, err
	}
	defer closeUnserved(l, &d.ingest)
	loader, err := d.addHost(hostSpec{id: loaderID, name: "Bench Load", mode: api.ModePush, factor: "none",
		patterns: []api.Pattern{{Regex: `^BL[0-9]{10}$`}}, source: noParcels{}, gatewayURL: "http://" + l.Addr().String()})
	if err != nil {
		return nil, err
	}
	g, err := d.addGateway(ctx, "ingest", ingestPrefix, l, []*courierHost{loader})
	if err != nil {
		return nil, err
	}
	d.goLoop("courier host "+loaderID, loader.run)
	d.loader, d.ingest = loader, g
	return g, nil
}

// fanoutGateway is a gateway of 16 couriers whose hosts answer every
// evaluation after the profile's FanoutDelay.
func (d *deployment) fanoutGateway(ctx context.Context) (*runningGateway, error) {
	if d.fanout != nil {
		return d.fanout, nil
	}
	l, err := listenLoopback()
	if err != nil {
		return nil, err
	}
	defer closeUnserved(l, &d.fanout)
	var hosts []*courierHost
	for i := range fanoutHostsN {
		id := fmt.Sprintf("fan-%02d", i+1)
		h, err := d.addHost(hostSpec{id: id, name: "Fan-out " + id, mode: api.ModePull, factor: "none",
			patterns: []api.Pattern{{Regex: fmt.Sprintf(`^F%02d[0-9]{10}$`, i+1)}}, source: noParcels{},
			delay: d.profile.FanoutDelay})
		if err != nil {
			return nil, err
		}
		hosts = append(hosts, h)
	}
	g, err := d.addGateway(ctx, "fanout", fanoutPrefix, l, hosts)
	if err != nil {
		return nil, err
	}
	d.fanout, d.fanoutHosts = g, hosts
	return g, nil
}

// closeUnserved closes l when the gateway meant to serve on it was not
// started (*started is still nil when the function that took l returns).
func closeUnserved(l net.Listener, started **runningGateway) {
	if *started == nil {
		_ = l.Close()
	}
}

// sim is the host of simulated courier id (readsGateway started them).
func (d *deployment) sim(id string) *courierHost {
	for _, h := range d.sims {
		if h.spec.id == id {
			return h
		}
	}
	panic("benchmark: no simulated courier " + id)
}

// logKeyFile is where the key log's checkpoint key is kept.
func (d *deployment) logKeyFile() string { return filepath.Join(d.dir, "keylog-signing.key") }
