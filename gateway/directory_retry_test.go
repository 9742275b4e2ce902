package gateway

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
)

// unreachableHost is a courier host whose /tg1/keys cannot be reached
// until up is set.
type unreachableHost struct {
	*scriptedHost
	up        atomic.Bool
	keysCalls atomic.Int32
}

func (h *unreachableHost) Keys(ctx context.Context) ([]api.Key, error) {
	h.keysCalls.Add(1)
	if !h.up.Load() {
		return nil, errors.New("connection refused")
	}
	return h.scriptedHost.Keys(ctx)
}

func TestGatewayStartedWhileAHostIsDownBecomesReadySoonAfterIt(t *testing.T) {
	host := &unreachableHost{scriptedHost: newScriptedHost(t)}
	gw, err := New(Config{
		BucketBits: testBucketBits,
		Store:      memory.New(store.Limits{BucketBits: testBucketBits}),
		// Only the quicker retries after a missed host can list it in time.
		DirectoryRefresh: time.Hour,
		Couriers: []Courier{{
			ID: "alpha", Name: "Courier alpha", Factor: crypto.FactorNone, Mode: api.ModePull,
			Patterns: []api.Pattern{{Regex: `^[A-Z0-9]{6,40}$`}}, Host: host,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { gw.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	waitUntil(t, "the first directory refresh", func() bool { return host.keysCalls.Load() > 0 })
	if err := gw.Ready(ctx); err == nil {
		t.Fatal("ready although the only courier host could not be reached")
	}
	host.up.Store(true)
	waitUntil(t, "the gateway to list the host once it is back", func() bool { return gw.Ready(ctx) == nil })
}

// waitUntil polls cond for at most 10 s, far below the hour a refresh
// period would take.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
