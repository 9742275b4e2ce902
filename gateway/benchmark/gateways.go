package benchmark

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/config"
)

// runningGateway is a gateway of the run, built from a configuration
// file by config.LoadGateway and Build exactly as `trackgate serve
// --config` builds one: records in the run's Redis, the per-client limits
// and seen nonces shared through it, and a signed HTTP client per courier
// host.
type runningGateway struct {
	name   string
	URL    string
	gw     *gateway.Gateway
	closer io.Closer
	server *loopbackServer
}

// clientLimit lifts the per-client limits: every request of a figure
// comes from one loopback address. The limiter still runs (a Redis script
// per request), as it does in production.
const clientLimit = 1 << 30

// readyTimeout bounds waiting for a gateway's directory and store.
const readyTimeout = 30 * time.Second

// startGateway writes name's configuration file for couriers, with Redis
// keys under prefix, and serves the gateway on l.
func (d *deployment) startGateway(ctx context.Context, name, prefix string, l net.Listener, couriers []*courierHost) (*runningGateway, error) {
	path := filepath.Join(d.dir, "gateway-"+name+".yaml")
	if err := d.writeGatewayConfig(path, prefix, l.Addr().String(), couriers); err != nil {
		return nil, err
	}
	cfg, err := config.LoadGateway(path)
	if err != nil {
		return nil, fmt.Errorf("gateway %s: %w", name, err)
	}
	gw, closer, err := cfg.Build(ctx, d.logger.With("gateway", name))
	if err != nil {
		return nil, fmt.Errorf("gateway %s: %w", name, err)
	}
	g := &runningGateway{name: name, gw: gw, closer: closer, server: serveOn(l, gw.Handler())}
	g.URL = g.server.URL
	d.goLoop("gateway "+name, func(ctx context.Context) error { gw.Run(ctx); return nil })
	if err := waitFor(ctx, readyTimeout, func() bool { return gw.Ready(ctx) == nil }); err != nil {
		_ = g.close()
		return nil, fmt.Errorf("gateway %s not ready (directory or Redis): %w", name, err)
	}
	return g, nil
}

func (d *deployment) writeGatewayConfig(path, prefix, listen string, couriers []*courierHost) error {
	entries := make([]map[string]any, len(couriers))
	for i, c := range couriers {
		patterns := make([]map[string]string, len(c.spec.patterns))
		for j, p := range c.spec.patterns {
			patterns[j] = map[string]string{"regex": p.Regex, "checksum": p.Checksum}
		}
		entries[i] = map[string]any{
			"id": c.spec.id, "name": c.spec.name, "host": c.server.URL,
			"mode": c.spec.mode, "factor": c.spec.factor,
			"public_key": crypto.EncodeB64(c.signingPublic()),
			"patterns":   patterns,
		}
	}
	doc := map[string]any{
		"listen":      listen,
		"bucket_bits": d.profile.BucketBits,
		"signing_key": d.gatewayKeyFile,
		"key_log":     map[string]string{"origin": "trackgate.bench/log", "key": d.logKeyFile()},
		"redis":       map[string]any{"addrs": []string{d.redis.Addr}, "key_prefix": prefix},
		"limits": map[string]int{
			"evaluate_rate": clientLimit, "evaluate_burst": clientLimit,
			"fetch_rate": clientLimit, "fetch_burst": clientLimit,
		},
		"records":  map[string]int{"record_size": crypto.DefaultRecordSize},
		"couriers": entries,
	}
	data, err := yaml.Marshal(doc)
	if err != nil {
		return fmt.Errorf("gateway configuration: %w", err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("gateway configuration: %w", err)
	}
	return nil
}

// close stops serving and closes the gateway's Redis client; call it once
// its directory loop has returned.
func (g *runningGateway) close() error {
	err := g.server.close()
	if cerr := g.closer.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// waitFor polls ok until it holds, ctx ends or timeout passes.
func waitFor(ctx context.Context, timeout time.Duration, ok func() bool) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for !ok() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}
