package main

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/gateway/embedded"
)

// runEmbedded builds and runs an embedded default of cfg behind an
// httptest server until the test ends, and waits until it is ready.
func runEmbedded(t *testing.T, cfg embedded.Config) (*embedded.Deployment, *httptest.Server) {
	t.Helper()
	gin.SetMode(gin.ReleaseMode) // as serve does: no route dump
	d, err := embedded.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	srv := httptest.NewServer(d.Gateway.Handler())
	t.Cleanup(func() {
		srv.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("embedded default: %v", err)
		}
	})
	ready, stop := context.WithTimeout(ctx, time.Minute)
	defer stop()
	if err := d.WaitReady(ready); err != nil {
		t.Fatal(err)
	}
	return d, srv
}
