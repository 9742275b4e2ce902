package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/trackgate/trackgate/gateway/config"
)

// newHTTPServer sets the timeouts a public server needs: slow clients
// cannot hold connections open, headers are bounded.
func newHTTPServer(h http.Handler, logger *slog.Logger, t config.HTTPTimeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(5*time.Second, time.Duration(t.Read)),
		ReadTimeout:       time.Duration(t.Read),
		WriteTimeout:      time.Duration(t.Write),
		IdleTimeout:       time.Duration(t.Idle),
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

func defaultHTTPTimeouts() config.HTTPTimeouts {
	return config.HTTPTimeouts{
		Read:  config.Duration(config.DefaultHTTPRead),
		Write: config.Duration(config.DefaultHTTPWrite),
		Idle:  config.Duration(config.DefaultHTTPIdle),
	}
}

// runService serves srv on listener and runs each of work until ctx ends
// (SIGINT or SIGTERM) or one of them fails, then shuts the server down
// gracefully. Work that ends because ctx did is not a failure.
func runService(ctx context.Context, logger *slog.Logger, listener net.Listener, srv *http.Server, work ...func(context.Context) error) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, w := range work {
		g.Go(func() error {
			if err := w(ctx); err != nil && ctx.Err() == nil {
				return err
			}
			return nil
		})
	}
	g.Go(func() error {
		if err := srv.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve HTTP: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		logger.Info("shutting down")
		return srv.Shutdown(shutdownCtx)
	})
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// shutdownTimeout bounds the wait for requests in flight at shutdown.
const shutdownTimeout = 10 * time.Second
