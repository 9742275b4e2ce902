// Package embedded assembles the embedded default deployment that
// `trackgate serve` runs with no configuration: an in-memory store and
// key log, the three simulated couriers of adapters/simulator, each
// behind its own courier host in the gateway's process, stating its keys
// with a signing key of its own, and the gateway, with a demo
// tenant whose secret key, made at start, manages webhook subscriptions
// kept in memory. Being for one machine, it delivers webhooks to http://
// and loopback callbacks too, which production refuses.
//
// The key log's key and entries and the couriers' keys are the
// deployment's identity: made at start, or kept in a state directory
// (identity.go) so that clients, which pin the log and the couriers'
// signing keys on first sight, trust a restarted deployment.
//
// The in-process hosts sit behind the same api.CourierHost interface as
// remote ones, and push-mode hosts publish through the same
// Gateway.Publish the signed HTTP route calls, so the embedded default and
// a production topology take one code path.
package embedded

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/store/memory"
	"github.com/trackgate/trackgate/gateway/tenant"
	"github.com/trackgate/trackgate/gateway/transparency"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// Config tunes the embedded deployment; the zero value is the default.
type Config struct {
	Seed              int64   // simulator seed (default 1)
	ParcelsPerCourier int     // default: the simulator's default
	Speed             float64 // simulated seconds per wall second (default 60)
	// Start is the simulated epoch (default: today 00:00 China time, so the
	// parcels look current and the sample numbers stay the same all day).
	Start      time.Time
	BucketBits int // default 8
	Logger     *slog.Logger
	// StateDir keeps the deployment's identity (IdentityFile in it), so
	// that a restart presents the same key log; "" makes one at start.
	StateDir string
	// Now is the clock the gateway, the hosts and the making and renewing
	// of keys go by (default time.Now).
	Now func() time.Time
	// Gateway is applied to the gateway's configuration last, for tests
	// and operators that tune limits and timeouts.
	Gateway func(*gateway.Config)
}

// Deployment is a running embedded default.
type Deployment struct {
	Gateway *gateway.Gateway
	World   *simulator.World
	Hosts   map[string]*courierhost.Host
	// ReportKey is a report reader key made at start: it reads this
	// gateway's transparency report (GET /v1/transparency).
	ReportKey string
	// DemoSecretKey is the secret key of the demo tenant (DemoTenant),
	// made at start, for subscriptions (`webhook listen --secret-key`).
	DemoSecretKey string
}

// KeyLogOrigin names the embedded default's key log (docs/protocol.md
// §7.8), kept in memory, under the key of the deployment's identity.
const KeyLogOrigin = "trackgate.local/keylog"

// DemoTenant is the id of the tenant whose secret key serve prints.
const DemoTenant = "demo"

// DemoWatchInterval is how often the pull courier is watched for
// subscribers here: in process, it costs nothing, and the demo's parcels
// move fast.
const DemoWatchInterval = 5 * time.Second

// DefaultBucketBits spreads the simulator's records thinly enough that
// a bucket stays a few kilobytes, thickly enough that each holds dozens.
const DefaultBucketBits = 8

// Build assembles the deployment without starting anything.
func Build(cfg Config) (*Deployment, error) {
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Speed == 0 {
		cfg.Speed = 60
	}
	if cfg.BucketBits == 0 {
		cfg.BucketBits = DefaultBucketBits
	}
	if cfg.Start.IsZero() {
		china := time.FixedZone("CST", 8*3600)
		y, m, d := time.Now().In(china).Date()
		cfg.Start = time.Date(y, m, d, 0, 0, 0, 0, china)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	id, err := loadIdentity(cfg.StateDir)
	if err != nil {
		return nil, err
	}
	logStorage, err := newKeptLog(context.Background(), id)
	if err != nil {
		return nil, err
	}
	world := simulator.NewWorld(simulator.Config{
		Seed: cfg.Seed, ParcelsPerCourier: cfg.ParcelsPerCourier, Start: cfg.Start, Speed: cfg.Speed,
	})
	d := &Deployment{World: world, Hosts: map[string]*courierhost.Host{}}
	secret, err := tenant.Secret.New(rand.Reader)
	if err != nil {
		return nil, err
	}
	secretHash, err := tenant.Secret.Hash(secret)
	if err != nil {
		return nil, err
	}
	d.DemoSecretKey = secret
	logKey, err := id.logKey()
	if err != nil {
		return nil, err
	}
	gwCfg := gateway.Config{
		BucketBits: cfg.BucketBits,
		// A client pins the key log on first sight: with a state dir, a
		// restart is the same log, else a new one.
		KeyLog:     &gateway.KeyLog{Origin: KeyLogOrigin, Key: logKey, Storage: logStorage},
		RecordSize: crypto.DefaultRecordSize,
		Logger:     cfg.Logger,
		Now:        cfg.Now,
		Demo:       func() []api.DemoParcel { return demoParcels(world) },
		Tenants: []gateway.Tenant{{
			ID: DemoTenant, Name: "Demo marketplace", SecretKeyHashes: []tenant.Hash{secretHash},
		}},
		// One machine: receivers are on loopback, over plain http.
		Webhooks: delivery.Options{Policy: webhook.Policy{AllowHTTP: true, AllowPrivate: true}},
	}
	publishers := map[string]*gateway.LocalPublisher{}
	now := cfg.Now()
	for _, p := range simulator.Profiles() {
		src, err := world.Source(p.ID)
		if err != nil {
			return nil, fmt.Errorf("simulated courier %s: %w", p.ID, err)
		}
		signKey, stored, err := id.courier(p.ID, now)
		if err != nil {
			return nil, err
		}
		keys := make([]courierhost.KeyConfig, len(stored))
		for i, k := range stored {
			key, err := crypto.ParsePrivateKey(k.Key)
			if err != nil {
				return nil, id.unusable(err) // checked when loaded
			}
			keys[i] = courierhost.KeyConfig{Key: key, NotBefore: k.NotBefore, NotAfter: k.NotAfter}
		}
		hostCfg := courierhost.Config{
			Courier:    p.ID,
			BucketBits: cfg.BucketBits,
			RecordSize: gwCfg.RecordSize,
			Mode:       p.Mode,
			Factor:     p.Factor,
			Keys:       keys,
			// It states its keys for the gateway's key log.
			SigningKey:    signKey,
			Source:        src,
			EvaluateRate:  rate.Limit(200),
			EvaluateBurst: 400,
			Logger:        cfg.Logger.With("courier_host", p.ID),
			Now:           cfg.Now,
		}
		if p.Mode == api.ModePush {
			pub := &gateway.LocalPublisher{Courier: p.ID}
			publishers[p.ID] = pub
			hostCfg.Publisher = pub
		}
		host, err := courierhost.New(hostCfg)
		if err != nil {
			return nil, fmt.Errorf("courier host %s: %w", p.ID, err)
		}
		d.Hosts[p.ID] = host
		patterns := make([]api.Pattern, len(p.Patterns))
		for i, re := range p.Patterns {
			patterns[i] = api.Pattern{Regex: re, Checksum: p.Checksum(i)}
		}
		gwCfg.Couriers = append(gwCfg.Couriers, gateway.Courier{
			ID: p.ID, Name: p.Name, Factor: p.Factor, Mode: p.Mode, Patterns: patterns,
			Host: host, SigningKey: signKey.Public().(ed25519.PublicKey), WatchInterval: DemoWatchInterval,
		})
	}
	// Keys made or renewed are kept before any client can see them.
	if err := id.save(); err != nil {
		return nil, err
	}
	reportKey, err := transparency.NewReaderKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	d.ReportKey = reportKey
	readerHash, _ := transparency.HashReaderKey(reportKey) // well formed: just made
	gwCfg.ReportReaderKeys = []tenant.Hash{readerHash}
	if cfg.Gateway != nil {
		cfg.Gateway(&gwCfg)
	}
	if gwCfg.Store == nil {
		// The store applies the limits the gateway is configured with. The
		// padding secret stays empty: random for this process.
		limits := gwCfg.RecordLimits
		limits.BucketBits = gwCfg.BucketBits
		limits.MaxCiphertextBytes = gwCfg.RecordSize
		gwCfg.Store = memory.New(limits)
	}
	gw, err := gateway.New(gwCfg)
	if err != nil {
		return nil, err
	}
	for _, pub := range publishers {
		pub.Gateway = gw
	}
	d.Gateway = gw
	return d, nil
}

// Run assembles the gateway's directory, then runs every courier host and
// the directory refresh until ctx ends. It returns the first failure.
func (d *Deployment) Run(ctx context.Context) error {
	if err := d.Gateway.Refresh(ctx); err != nil {
		return fmt.Errorf("assemble the directory: %w", err)
	}
	g, ctx := errgroup.WithContext(ctx)
	for id, host := range d.Hosts {
		g.Go(func() error {
			if err := host.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				return fmt.Errorf("courier host %s: %w", id, err)
			}
			return nil
		})
	}
	g.Go(func() error { d.Gateway.Run(ctx); return nil })
	return g.Wait()
}

// WaitReady waits until every courier host has built its index and
// published its records, so that none is loading any more, and the
// gateway is ready with a directory that says so, or ctx ends.
func (d *Deployment) WaitReady(ctx context.Context) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		ready := d.Gateway.Ready(ctx) == nil
		for _, h := range d.Hosts {
			ready = ready && h.Ready() && h.Unpublished() == 0 && !h.Loading()
		}
		// The directory says a courier is loading until its next refresh:
		// refresh it now rather than have shoppers told "still loading".
		if ready && d.Gateway.Refresh(ctx) == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("embedded deployment not ready: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// Samples lists a few live parcels per simulated courier to try, of the
// day's random world; simulator.DemoParcels are the fixed ones.
func (d *Deployment) Samples(perCourier int) []api.DemoParcel {
	return samples(d.World, perCourier)
}

// demoParcels answers /v1/demo/parcels: the fixed demo parcels first,
// then three live ones per courier.
func demoParcels(w *simulator.World) []api.DemoParcel {
	var out []api.DemoParcel
	for _, p := range simulator.DemoParcels() {
		out = append(out, api.DemoParcel{Courier: p.Courier, TrackingNumber: p.TrackingNumber, Factor: p.Factor})
	}
	return append(out, samples(w, 3)...)
}

func samples(w *simulator.World, perCourier int) []api.DemoParcel {
	var out []api.DemoParcel
	for _, s := range w.Samples(perCourier) {
		out = append(out, api.DemoParcel{Courier: s.Courier, TrackingNumber: s.TrackingNumber, Factor: s.Factor})
	}
	return out
}
