package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/gateway/config"
)

// embeddedOnlyFlags shape the embedded default; a configuration file
// describes everything they would.
var embeddedOnlyFlags = []string{"seed", "speed", "parcels", "bucket-bits", "courier", "state-dir"}

// serveConfigured runs the gateway described by the file f.config.
func serveConfigured(cmd *cobra.Command, e env, f serveFlags) error {
	for _, name := range embeddedOnlyFlags {
		if cmd.Flags().Changed(name) {
			return usageErrorf("--%s applies to the embedded default only; with --config the file describes the gateway", name)
		}
	}
	logger, err := newLogger(cmd.ErrOrStderr(), f.logFormat, f.logLevel)
	if err != nil {
		return err
	}
	cfg, err := config.LoadGateway(f.config, config.WithGetenv(e.getenv))
	if err != nil {
		return err
	}
	addr := cfg.Listen
	if cmd.Flags().Changed("addr") {
		addr = f.addr
	}
	gin.SetMode(gin.ReleaseMode)
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	adminAddr, adminPublic := cfg.AdminListen, cfg.AdminPublic || f.admin.public
	if cmd.Flags().Changed("admin-addr") {
		adminAddr = f.admin.addr
	}
	obs, err := startObservability(ctx, e, "trackgate-gateway", adminAddr, adminPublic, logger)
	if err != nil {
		return err
	}
	defer obs.close()
	gw, closer, err := cfg.Build(ctx, logger, config.WithRegistry(obs.registry), config.WithTracing(obs.tracing))
	if err != nil {
		return err
	}
	defer closer.Close()
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := newHTTPServer(gw.Handler(), logger, cfg.Timeouts.HTTPTimeouts)
	fmt.Fprintf(cmd.OutOrStdout(), "trackgate gateway on http://%s with %d couriers; store: %s\n",
		listener.Addr(), len(cfg.Couriers), describeStore(cfg.Redis))
	return runService(ctx, logger, listener, srv, obs.serveAdmin, func(ctx context.Context) error {
		gw.Run(ctx)
		return nil
	})
}

func describeStore(r *config.Redis) string {
	switch {
	case r == nil:
		return "memory (not durable)"
	case len(r.Addrs) > 1 || r.Cluster:
		return "Redis Cluster at " + strings.Join(r.Addrs, ", ")
	default:
		return "Redis at " + r.Addrs[0]
	}
}
