package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/embedded"
	"github.com/trackgate/trackgate/gateway/telemetry"
)

type serveFlags struct {
	config     string
	addr       string
	seed       int64
	speed      float64
	parcels    int
	bucketBits int
	logFormat  string
	logLevel   string
	shop       string
	couriers   []string
	stateDir   string
	admin      adminFlags
}

func newServeCmd(e env) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the gateway (with no configuration: the embedded demo default)",
		Long: `serve runs a trackgate gateway.

With --config FILE it runs the gateway a configuration file describes (see
deploy/local/gateway.example.yaml): its listen address (--addr overrides it),
its Redis or Redis Cluster, its signing key, the registered couriers and the
URLs of their courier hosts, whose /tg1/keys make up the directory, and its
timeouts and limits. The file is checked completely before anything starts;
a mistake is reported with the field it is in and how to fix it. Several
gateways may share one Redis. serve prints one line once it listens.

With no configuration it runs the embedded default on --addr: an in-memory record store
and three simulated couriers, each behind its own courier host inside this
process —
  sim-swift   Swift Express, push mode, no second factor (SW + 12 digits)
  sim-panda   Panda Logistics, push mode, needs the last 4 phone digits (77 + 11 digits)
  sim-global  Global Parcel Line, pull mode, international (GP + 9 digits + country)
Their parcels move through a simulated clock running --speed times faster than
the wall clock, so new events keep arriving. The simulated clock starts at
today 00:00 China time. serve prints, once everything answers, the demo
parcels every simulated world holds (fixed numbers, the same every day, each at
a known stage when serve starts: on its way with an ETA, at a pickup point,
held by customs on an onward leg, refused and returning, on an international
flight) and a few sample parcels of the day's world.

Its identity — the key log's key and entries and the simulated couriers' OPRF
and signing keys, which clients pin on first sight — is kept in --state-dir
(default: <user cache dir>/trackgate/serve, e.g. ~/.cache/trackgate/serve), so a
restarted serve presents the same key log; a courier key that expired is renewed
and its statement appended to the log.

With --courier FILE (repeatable) it also runs the courier host a courier host's
file describes — as 'trackgate courier init' writes it — inside this process
beside the simulated ones, so that a new adapter can be tried through a gateway
on one machine: its adapter with its options, its OPRF and signing keys. The
gateway calls it directly and, in push mode, it publishes straight to the
gateway, so the file's listen address, gateway section and outbox are not used.
Its bucket_bits is the deployment's (unless --bucket-bits says otherwise, when
they must agree), and the welcome names it.

It registers a demo tenant, "demo", with a secret key made at start and
printed once everything answers: a marketplace's server subscribes with it to a
parcel's locators (trackgate webhook listen --secret-key …) and gets every
update at its callback URL, signed. Subscriptions are kept in memory, and this
gateway delivers to http:// and loopback callbacks too, which a configured
gateway refuses unless its webhooks section allows them.

The gateway serves the tracking page for shoppers at /, the widget's bundles
under /widget/, the tg1 API under /v1, its OpenAPI document at /openapi.yaml,
an interactive reference and the protocol documents at /docs, and /healthz and
/readyz. With --admin-addr (or the file's admin_listen) it serves /metrics,
/debug/pprof/ and /healthz on a second, admin listener, on loopback unless
--admin-public (admin_public: true); with OTEL_EXPORTER_OTLP_ENDPOINT (or
OTEL_TRACES_EXPORTER=otlp) set it exports traces over OTLP/HTTP. Every
answer carries an X-Request-Id, and the log lines of a request carry it
too. With --shop it also
serves a demo marketplace page on a second origin, registered as a tenant with
a key made at start, whose orders embed the widget. It stops gracefully on
SIGINT or SIGTERM.`,
		Example: `  trackgate serve
  trackgate serve --addr 127.0.0.1:9090 --speed 600 --log-format json
  trackgate serve --shop localhost:8081
  trackgate serve --courier acme/courier.yaml
  trackgate serve --admin-addr 127.0.0.1:9090
  trackgate serve --config /etc/trackgate/gateway.yaml
  trackgate serve --config gateway.yaml --addr 127.0.0.1:18082`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.config != "" {
				return serveConfigured(cmd, e, f)
			}
			return serve(cmd, e, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "run the gateway this YAML file describes instead of the embedded default")
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port); with --config, overrides its listen")
	fl.Int64Var(&f.seed, "seed", 1, "seed of the simulated couriers' parcels")
	fl.Float64Var(&f.speed, "speed", 60, "simulated seconds per wall-clock second")
	fl.IntVar(&f.parcels, "parcels", 3000, "parcels per simulated courier")
	fl.IntVar(&f.bucketBits, "bucket-bits", embedded.DefaultBucketBits, "bucket_bits of the deployment (0..24): fewer bits, more records per bucket")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format on stderr: text or json")
	fl.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	f.admin.register(fl)
	fl.StringArrayVar(&f.couriers, "courier", nil, "also run the courier host this file describes (as 'courier init' writes it) in the embedded default, to try its adapter (repeatable)")
	fl.StringVar(&f.stateDir, "state-dir", "", "directory that keeps the embedded default's identity (its key log and the simulated couriers' keys), so clients trust it after a restart (default: <user cache dir>/trackgate/serve)")
	fl.StringVar(&f.shop, "shop", "", "also serve a demo marketplace page on this host:port (e.g. localhost:8081), a tenant of the gateway embedding the widget with its own key")
	return cmd
}

func serve(cmd *cobra.Command, e env, f serveFlags) error {
	logger, err := newLogger(cmd.ErrOrStderr(), f.logFormat, f.logLevel)
	if err != nil {
		return err
	}
	switch {
	case f.speed <= 0:
		return usageErrorf("--speed must be positive")
	case f.parcels < 1 || f.parcels > 100000:
		return usageErrorf("--parcels must be between 1 and 100000")
	case crypto.CheckBucketBits(f.bucketBits) != nil:
		return usageErrorf("--bucket-bits must be between 0 and %d", crypto.MaxBucketBits)
	}
	gin.SetMode(gin.ReleaseMode)
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	obs, err := startObservability(ctx, e, "trackgate-gateway", f.admin.addr, f.admin.public, logger)
	if err != nil {
		return err
	}
	defer obs.close()
	plugged, bucketBits, err := openPluggedCouriers(ctx, f.couriers, e, f.bucketBits, cmd.Flags().Changed("bucket-bits"), logger)
	if err != nil {
		return err
	}
	defer closePluggedCouriers(plugged, logger)
	stateDir, err := f.identityDir(e)
	if err != nil {
		return err
	}
	cfg := embedded.Config{
		Seed: f.seed, Speed: f.speed, ParcelsPerCourier: f.parcels, BucketBits: bucketBits, Logger: logger,
		StateDir: stateDir,
	}
	var shop *demoShop
	if f.shop != "" {
		if shop, err = listenShop(f.shop); err != nil {
			return err
		}
		defer shop.listener.Close()
	}
	cfg.Gateway = func(c *gateway.Config) {
		c.Metrics = telemetry.NewGatewayMetrics(obs.registry)
		c.Tracing = obs.tracing
		if shop != nil {
			shop.register(c)
		}
		registerPluggedCouriers(c, plugged)
	}
	d, err := embedded.Build(cfg)
	if err != nil {
		return fmt.Errorf("build the embedded default: %w", err)
	}
	attachPluggedCouriers(d, plugged)
	listener, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	url := "http://" + listener.Addr().String()
	srv := newHTTPServer(d.Gateway.Handler(), logger, defaultHTTPTimeouts())
	work := []func(context.Context) error{d.Run, obs.serveAdmin}
	welcome := func(ctx context.Context) error {
		readyCtx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := d.WaitReady(readyCtx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		printWelcome(cmd.OutOrStdout(), url, d, plugged)
		if shop != nil {
			fmt.Fprintf(cmd.OutOrStdout(), "Demo shop (another origin, tenant %q with its own key): %s/\n\n", shopTenantID, shop.origin)
		}
		return nil
	}
	work = append(work, welcome)
	if shop != nil {
		work = append(work, func(ctx context.Context) error { return shop.run(ctx, logger, url) })
	}
	return runService(ctx, logger, listener, srv, work...)
}

// identityDir is where the embedded default keeps its identity:
// --state-dir, else <cache dir>/trackgate/serve; "" (in memory) when the
// env has no cache dir.
func (f serveFlags) identityDir(e env) (string, error) {
	if f.stateDir != "" || e.cacheDir == nil {
		return f.stateDir, nil
	}
	dir, err := e.cacheDir()
	if err != nil {
		return "", usageErrorf("no place to keep the embedded default's identity (%v); give --state-dir", err)
	}
	return filepath.Join(dir, "trackgate", "serve"), nil
}

// printWelcome says where the gateway listens and what to track: the
// demo parcels, the same every day (the README names them), then a few of
// the day's simulated world.
func printWelcome(w io.Writer, url string, d *embedded.Deployment, plugged []*pluggedCourier) {
	fmt.Fprintf(w, "trackgate gateway on %s — embedded default: memory store, %d simulated couriers in process\n", url, len(simulator.Profiles()))
	printPluggedCouriers(w, plugged)
	fmt.Fprintf(w, "Track a parcel in a browser: %s/\nAPI reference: %s/docs\n", url, url)
	fmt.Fprintf(w, "Transparency report: TRACKGATE_REPORT_KEY=%s go run ./cmd/trackgate report --gateway %s\n", d.ReportKey, url)
	fmt.Fprintf(w, "Subscriptions: --secret-key %s (tenant %q, made at start; this gateway also delivers to http:// and loopback callbacks, for development)\n",
		d.DemoSecretKey, embedded.DemoTenant)
	listen := "  go run ./cmd/trackgate webhook listen --number " + simulator.DemoParcels()[0].TrackingNumber + " --secret-key " + d.DemoSecretKey
	if url != defaultGateway {
		listen += " --gateway " + url
	}
	fmt.Fprintf(w, "%s\n\nDemo parcels, the same every day (track them from another terminal):\n", listen)
	for _, p := range simulator.DemoParcels() {
		fmt.Fprintf(w, "%-72s # %s: %s\n", trackLine(url, p.TrackingNumber, p.Factor), p.Courier, p.Story)
	}
	fmt.Fprintln(w, "\nSample parcels of today's simulated world:")
	for _, p := range d.Samples(2) {
		fmt.Fprintf(w, "%-72s # %s\n", trackLine(url, p.TrackingNumber, p.Factor), p.Courier)
	}
	fmt.Fprintln(w)
}

func trackLine(url, number, factor string) string {
	line := "  go run ./cmd/trackgate track " + number
	if factor != "" {
		line += " --factor " + factor
	}
	if url != defaultGateway {
		line += " --gateway " + url
	}
	return line
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, usageErrorf("--log-level %q must be debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, usageErrorf("--log-format %q must be text or json", format)
	}
}
