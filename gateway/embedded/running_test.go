package embedded

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"
)

// startRunning builds the embedded default from cfg, runs it until the
// test ends, waits until every courier host has published, and serves the
// gateway over loopback HTTP.
func startRunning(tb testing.TB, cfg Config) (*Deployment, *httptest.Server) {
	tb.Helper()
	d, err := Build(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	go func() { _ = d.Run(ctx) }()
	wait, stop := context.WithTimeout(ctx, time.Minute)
	defer stop()
	if err := d.WaitReady(wait); err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(d.Gateway.Handler())
	tb.Cleanup(srv.Close)
	return d, srv
}
