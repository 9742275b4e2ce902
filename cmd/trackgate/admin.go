package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"

	"github.com/trackgate/trackgate/gateway/telemetry"
)

// adminFlags are serve's and courier's flags of the admin listener.
type adminFlags struct {
	addr   string
	public bool
}

func (a *adminFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&a.addr, "admin-addr", "", "serve /metrics, /debug/pprof/ and /healthz on this address (host:port, e.g. 127.0.0.1:9090); off by default")
	fl.BoolVar(&a.public, "admin-public", false, "allow --admin-addr off loopback (metrics and profiles are for the operator: firewall them)")
}

// observability is what runs beside a gateway or courier host: its
// metrics registry, tracing when the OTEL_* variables ask for it, and
// the admin listener when an address is given.
type observability struct {
	registry *prometheus.Registry
	tracing  *telemetry.Tracing
	admin    net.Listener // nil: no admin listener
	logger   *slog.Logger
}

// startObservability checks the admin address, switches tracing on as
// the environment says, and listens on the admin address.
func startObservability(ctx context.Context, e env, service, adminAddr string, adminPublic bool, logger *slog.Logger) (*observability, error) {
	o := &observability{registry: telemetry.NewRegistry(), logger: logger}
	if adminAddr != "" {
		if err := telemetry.CheckAdminAddr(adminAddr, adminPublic); err != nil {
			return nil, usageErrorf("--admin-addr: %v", err)
		}
	}
	tracing, err := telemetry.StartTracing(ctx, service, e.getenv)
	if err != nil {
		return nil, usageErrorf("tracing: %v", err)
	}
	o.tracing = tracing
	if tracing.Enabled() {
		logger.Info("tracing on: spans are exported over OTLP/HTTP as the OTEL_* variables say")
	}
	if adminAddr != "" {
		if o.admin, err = net.Listen("tcp", adminAddr); err != nil {
			o.close()
			return nil, fmt.Errorf("admin listener on %s: %w", adminAddr, err)
		}
		logger.Info("admin listener", "url", "http://"+o.admin.Addr().String(), "serves", "/metrics /debug/pprof/ /healthz")
	}
	return o, nil
}

// serveAdmin serves the admin listener until ctx ends; nothing without one.
func (o *observability) serveAdmin(ctx context.Context) error {
	if o.admin == nil {
		return nil
	}
	// No write timeout: a CPU profile or trace streams for as long as asked.
	srv := &http.Server{
		Handler:           telemetry.AdminHandler(o.registry),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       time.Minute,
		ErrorLog:          slog.NewLogLogger(o.logger.Handler(), slog.LevelWarn),
	}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(o.admin); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve the admin listener: %w", err)
	}
	return nil
}

// close flushes the spans still buffered and closes an admin listener
// that was never served.
func (o *observability) close() {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := o.tracing.Shutdown(ctx); err != nil {
		o.logger.Warn("flushing traces failed", "error", err)
	}
	if o.admin != nil {
		_ = o.admin.Close()
	}
}
