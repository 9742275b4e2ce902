package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/config"
	"github.com/trackgate/trackgate/gateway/embedded"
)

// A courier plugged into the embedded default with serve --courier FILE:
// its host, described by a courier host's file as 'courier init' writes
// it, runs in the gateway's process like the simulated couriers' hosts,
// with the name and patterns of the gateway's entry written beside it.
// The gateway calls it directly and, in push mode, it publishes through
// the same Gateway.Publish the signed route calls; the file's listen
// address, gateway section and outbox are not used.
type pluggedCourier struct {
	file      string
	cfg       *config.Courier
	name      string        // the courier's name: the gateway entry's, or its id
	patterns  []api.Pattern // the gateway entry's
	host      *config.CourierHost
	publisher *gateway.LocalPublisher // push mode: given the gateway once it is built
}

// openPluggedCouriers loads and builds the hosts of files for a gateway
// with bucketBits, and returns the bucket_bits the deployment then has:
// bucketBits when set is true, else the files' own (every file must give
// the same). The caller closes the hosts, when err is nil.
func openPluggedCouriers(ctx context.Context, files []string, e env, bucketBits int, set bool, logger *slog.Logger) (_ []*pluggedCourier, bits int, err error) {
	var plugged []*pluggedCourier
	defer func() {
		if err != nil {
			closePluggedCouriers(plugged, logger)
		}
	}()
	ids := map[string]string{}
	for _, p := range simulator.Profiles() {
		ids[p.ID] = "the embedded default"
	}
	bitsFrom := "--bucket-bits"
	for i, file := range files {
		cfg, err := config.LoadCourier(file, config.WithGetenv(e.getenv), config.InProcess())
		if err != nil {
			return nil, 0, err
		}
		if other, taken := ids[cfg.Courier]; taken {
			return nil, 0, usageErrorf("--courier %s: courier %s is already served by %s; give the file another courier id", file, cfg.Courier, other)
		}
		ids[cfg.Courier] = file
		if i == 0 && !set {
			bucketBits, bitsFrom = cfg.BucketBits, file
		}
		switch {
		case cfg.BucketBits != bucketBits:
			return nil, 0, usageErrorf("--courier %s: its bucket_bits %d differs from %d (%s); every courier of a deployment shares one bucket_bits: change the file, or pass --bucket-bits", file, cfg.BucketBits, bucketBits, bitsFrom)
		case cfg.RecordSize != crypto.DefaultRecordSize:
			return nil, 0, usageErrorf("--courier %s: its record_size %d differs from the embedded default's %d; set record_size: %d in the file", file, cfg.RecordSize, crypto.DefaultRecordSize, crypto.DefaultRecordSize)
		}
		pc := &pluggedCourier{file: file, cfg: cfg, name: cfg.Courier}
		if err := pc.readGatewayEntry(); err != nil {
			return nil, 0, err
		}
		plugged = append(plugged, pc)
	}
	if len(ids) > crypto.MaxCouriers {
		return nil, 0, usageErrorf("the embedded default with %d couriers of --courier files has %d couriers; a directory holds at most %d", len(files), len(ids), crypto.MaxCouriers)
	}
	// Every file fits: only now are the adapters opened.
	for i, pc := range plugged {
		var opts []config.BuildOption
		if pc.cfg.Mode == api.ModePush {
			pc.publisher = &gateway.LocalPublisher{Courier: pc.cfg.Courier}
			opts = append(opts, config.WithPublisher(pc.publisher))
		}
		if pc.host, err = pc.cfg.Build(ctx, logger.With("courier_host", pc.cfg.Courier), opts...); err != nil {
			plugged = plugged[:i] // the hosts built so far, to close
			return nil, 0, fmt.Errorf("--courier %s: %w", pc.file, err)
		}
	}
	return plugged, bucketBits, nil
}

// readGatewayEntry takes the courier's name and patterns from the
// gateway's entry 'courier init' wrote beside the host's file, if it is
// there.
func (p *pluggedCourier) readGatewayEntry() error {
	path := filepath.Join(filepath.Dir(p.file), gatewayEntryFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--courier %s: %w", p.file, err)
	}
	var entries []config.CourierEntry
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&entries); err != nil && !errors.Is(err, io.EOF) {
		return usageErrorf("--courier %s: %s beside it is not a list of gateway entries as 'courier init' writes it: %v", p.file, path, err)
	}
	for _, c := range entries {
		if c.ID != p.cfg.Courier {
			continue
		}
		p.name = cmp.Or(c.Name, c.ID)
		for _, pat := range c.Patterns {
			p.patterns = append(p.patterns, api.Pattern{Regex: pat.Regex, Checksum: pat.Checksum})
		}
	}
	return nil
}

// registerPluggedCouriers adds the plugged couriers to the embedded gateway's
// configuration (embedded.Config.Gateway calls it before the gateway is
// built).
func registerPluggedCouriers(c *gateway.Config, plugged []*pluggedCourier) {
	for _, p := range plugged {
		c.Couriers = append(c.Couriers, gateway.Courier{
			ID: p.cfg.Courier, Name: p.name, Factor: p.cfg.Factor, Mode: p.cfg.Mode, Patterns: p.patterns,
			Host: p.host.Host, SigningKey: p.cfg.SigningPublicKey(), WatchInterval: embedded.DemoWatchInterval,
		})
	}
}

// attachPluggedCouriers hands the built gateway to the push hosts'
// publishers and adds the hosts to d's, which Run runs and WaitReady
// waits for, before anything runs.
func attachPluggedCouriers(d *embedded.Deployment, plugged []*pluggedCourier) {
	for _, p := range plugged {
		if p.publisher != nil {
			p.publisher.Gateway = d.Gateway
		}
		d.Hosts[p.cfg.Courier] = p.host.Host
	}
}

func closePluggedCouriers(plugged []*pluggedCourier, logger *slog.Logger) {
	for _, p := range plugged {
		if p.host == nil {
			continue // not built
		}
		if err := p.host.Close(); err != nil {
			logger.Error("closing a courier host failed", "courier_host", p.cfg.Courier, "error", err)
		}
	}
}

// printPluggedCouriers names each plugged courier in the welcome.
func printPluggedCouriers(w io.Writer, plugged []*pluggedCourier) {
	for _, p := range plugged {
		keys, _ := p.host.Host.Keys(context.Background()) // an in-process host's keys never fail
		kids := make([]string, len(keys))
		for i, k := range keys {
			kids[i] = k.KeyID
		}
		fmt.Fprintf(w, "Plus courier %s (%s) from %s: adapter %s, %s mode, factor %s, in this process; keys: %s\n",
			p.cfg.Courier, p.name, p.file, p.cfg.Adapter.Name, p.cfg.Mode, p.cfg.Factor, strings.Join(kids, ", "))
	}
}
