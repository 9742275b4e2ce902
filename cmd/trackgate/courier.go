package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	_ "github.com/trackgate/trackgate/adapters/simulator" // adapters this binary offers
	"github.com/trackgate/trackgate/gateway/config"
)

type courierFlags struct {
	config, addr        string
	logFormat, logLevel string
	admin               adminFlags
}

func newCourierCmd(e env) *cobra.Command {
	var f courierFlags
	cmd := &cobra.Command{
		Use:   "courier --config FILE",
		Short: "Run a courier host, as its own process",
		Long: `courier runs one courier's courier host as the configuration file describes
(see deploy/local/courier.example.yaml): its adapter and the adapter's options,
its OPRF key files (or their directory, as 'keys rotate' keeps it), the
gateway's URL and public key, and its mode.

The host serves the signed /tg1 API on the file's listen address (--addr
overrides it; HTTPS when the file has a tls section) to the gateway alone:
only requests signed with the gateway's key under the id "gateway", for this
courier, and never seen before are answered, and every answer is signed with
the host's signing key. It builds its locator index from the
adapter and keeps it fresh. In push mode it publishes every new record through
a durable outbox on disk: a record counts as handed over once it is in the
outbox, and leaves the outbox only once the gateway has stored it, so nothing
is lost when the gateway, its Redis or this process goes down. In pull mode
the gateway asks it for buckets live.

With --admin-addr (or the file's admin_listen) it serves /metrics,
/debug/pprof/ and /healthz on a second, admin listener, on loopback unless
--admin-public (admin_public: true); with OTEL_EXPORTER_OTLP_ENDPOINT set it
exports traces, continuing the gateway's.

The file is checked completely before anything starts; a mistake is reported
with the field it is in and how to fix it. courier prints one line once it
listens, and stops gracefully on SIGINT or SIGTERM.

Keys are reloaded without a restart: when the key files change (checked every
10 s; 'trackgate keys rotate' writes new ones) or on SIGHUP, the host reads its
OPRF keys and signing key again and serves them at once, the previous OPRF key
beside the new one until the end of its window. Files that do not load change
nothing: the host keeps its keys and logs why.

'courier init DIR' writes a new courier's keys, a commented file for its
host and the gateway's entry for it.`,
		Example: `  trackgate courier init acme --id acme-post --adapter webhook
  trackgate courier --config /etc/trackgate/sim-swift.yaml
  trackgate courier --config courier.yaml --addr 127.0.0.1:19011 --log-format json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error { return runCourier(cmd, e, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "the courier host's YAML configuration file (required)")
	fl.StringVar(&f.addr, "addr", "", "address to listen on (host:port), instead of the file's listen")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format on stderr: text or json")
	fl.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	f.admin.register(fl)
	cmd.AddCommand(newCourierInitCmd(e))
	return cmd
}

func runCourier(cmd *cobra.Command, e env, f courierFlags) error {
	if f.config == "" {
		return usageErrorf("--config FILE is required; start from deploy/local/courier.example.yaml")
	}
	logger, err := newLogger(cmd.ErrOrStderr(), f.logFormat, f.logLevel)
	if err != nil {
		return err
	}
	cfg, err := config.LoadCourier(f.config, config.WithGetenv(e.getenv))
	if err != nil {
		return err
	}
	addr := cfg.Listen
	if f.addr != "" {
		addr = f.addr
	}
	gin.SetMode(gin.ReleaseMode)
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger = logger.With("courier_host", cfg.Courier)
	adminAddr, adminPublic := cfg.AdminListen, cfg.AdminPublic || f.admin.public
	if f.admin.addr != "" {
		adminAddr = f.admin.addr
	}
	obs, err := startObservability(ctx, e, "trackgate-courier", adminAddr, adminPublic, logger)
	if err != nil {
		return err
	}
	defer obs.close()
	host, err := cfg.Build(ctx, logger, config.WithRegistry(obs.registry), config.WithTracing(obs.tracing))
	if err != nil {
		return err
	}
	// Closed after runService has returned: the host and outbox loops
	// have stopped by then.
	defer func() {
		if err := host.Close(); err != nil {
			logger.Error("closing the courier host failed", "error", err)
		}
	}()
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	scheme := "http://"
	if host.TLS != nil { // the file's tls section: serve HTTPS ourselves
		listener, scheme = tls.NewListener(listener, host.TLS), "https://"
	}
	// Registered before the line that says the host runs, so that a
	// SIGHUP from then on never ends the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go reloadKeysOnHangUp(ctx, hup, host, logger)
	srv := newHTTPServer(host.Handler, logger, cfg.Timeouts)
	printCourierLine(ctx, cmd.OutOrStdout(), cfg, scheme+listener.Addr().String(), host)
	return runService(ctx, logger, listener, srv, host.Run, obs.serveAdmin)
}

// reloadKeysOnHangUp reloads the host's keys on every SIGHUP received
// on hup until ctx ends.
func reloadKeysOnHangUp(ctx context.Context, hup <-chan os.Signal, host *config.CourierHost, logger *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			logger.Info("SIGHUP: reloading the keys")
			_ = host.ReloadKeys() // a failure is logged and changes nothing
		}
	}
}

// printCourierLine announces the host: id, mode, URL, the kids it serves
// and, in push mode, the records its outbox still holds.
func printCourierLine(ctx context.Context, w io.Writer, cfg *config.Courier, url string, host *config.CourierHost) {
	keys, _ := host.Host.Keys(ctx) // an in-process host's keys never fail
	kids := make([]string, len(keys))
	for i, k := range keys {
		kids[i] = k.KeyID
	}
	line := fmt.Sprintf("trackgate courier host %s (%s mode) on %s; keys: %s", cfg.Courier, cfg.Mode, url, strings.Join(kids, ", "))
	if host.Outbox != nil {
		line += fmt.Sprintf("; outbox %s holds %d records for %s", cfg.Outbox, host.Outbox.Pending(), cfg.Gateway.URL)
	}
	if p := cfg.Partition; p != nil && p.Count > 1 {
		line += fmt.Sprintf("; replica %d of %d, publishing its partition of the parcels", p.Index, p.Count)
	}
	fmt.Fprintln(w, line)
}
