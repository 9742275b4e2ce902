package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/config"
)

// The checks of a courier host's file (--courier) against the gateway's
// entry for its courier: both sides of each setting are in hand, so a
// mismatch is named exactly.

// checkHostFile loads a courier host's file and compares it with the
// gateway's file.
func (d *doctor) checkHostFile(ctx context.Context, path string) {
	subject := "file " + path
	cfg, err := config.LoadCourier(path, config.WithGetenv(d.e.getenv))
	if err != nil {
		d.report.problem(subject, "file", sentence(err), "Correct "+path+" as the message says.")
		d.report.badInput = true
		return
	}
	i := slices.IndexFunc(d.gw.Couriers, func(c config.CourierEntry) bool { return c.ID == cfg.Courier })
	if i < 0 {
		entry := filepath.Join(filepath.Dir(path), gatewayEntryFile)
		d.report.problem(subject, "registered", fmt.Sprintf("%s is the host of courier %s, which %s does not register.", path, cfg.Courier, d.gwFile),
			fmt.Sprintf("Add the courier's entry under couriers: in %s ('trackgate courier init' wrote it to %s), or correct courier in %s.", d.gwFile, entry, path))
		return
	}
	if prev, dup := d.hosts[cfg.Courier]; dup {
		d.report.problem(subject, "registered", fmt.Sprintf("%s and %s are both files of courier %s.", prev.path, path, cfg.Courier),
			"Give doctor one file per courier (replicas share their keys and settings).")
		return
	}
	d.hosts[cfg.Courier] = &hostFile{path: path, cfg: cfg}
	entry := d.gw.Couriers[i]
	at := func(field string) string { return fmt.Sprintf("couriers[%d].%s", i, field) }
	subject = "courier " + cfg.Courier
	d.report.ok(subject, "file", "%s loads and %s registers it as couriers[%d]", path, d.gwFile, i)

	d.compare(subject, "mode", entry.Mode, cfg.Mode, fmt.Sprintf(
		"Set %s: %s in %s if the host is to %s, or mode: %s in %s (and restart the host); a courier's host and its entry must agree.",
		at("mode"), cfg.Mode, d.gwFile, modeVerb(cfg.Mode), entry.Mode, path))
	d.compare(subject, "factor", entry.Factor, cfg.Factor, fmt.Sprintf(
		"Set the same factor in %s (%s) and %s (factor): clients would build other lookups than the host seals.",
		d.gwFile, at("factor"), path))
	d.compare(subject, "bucket_bits", fmt.Sprint(d.gw.BucketBits), fmt.Sprint(cfg.BucketBits), fmt.Sprintf(
		"Set bucket_bits: %d in %s, the deployment's (or change the deployment's everywhere), and restart the host.", d.gw.BucketBits, path))
	d.compare(subject, "record_size", fmt.Sprint(d.gw.Records.RecordSize), fmt.Sprint(cfg.RecordSize), fmt.Sprintf(
		"Set record_size: %d in %s, the gateway's records.record_size, and restart the host.", d.gw.Records.RecordSize, path))

	hostKey := crypto.EncodeB64(cfg.SigningPublicKey())
	if !cfg.SigningPublicKey().Equal(d.gw.CourierPublicKey(i)) {
		d.report.problem(subject, "signing key", fmt.Sprintf("%s holds %s, whose public key is %s, not the one it registers.", at("public_key"), entry.PublicKey, hostKey),
			fmt.Sprintf("Set %s: %s in %s (the public half of %s), and restart the gateway.", at("public_key"), hostKey, d.gwFile, cfg.SigningKey))
	} else {
		d.report.ok(subject, "signing key", "%s is the public half of %s", at("public_key"), cfg.SigningKey)
	}
	gwKey := crypto.EncodeB64(d.gw.SigningPublicKey())
	if !cfg.GatewayPublicKey().Equal(d.gw.SigningPublicKey()) {
		d.report.problem(subject, "gateway key", fmt.Sprintf("gateway.public_key in %s is %s, not the gateway's signing key: the host refuses the gateway's requests.", path, cfg.Gateway.PublicKey),
			fmt.Sprintf("Set gateway.public_key: %s in %s (the public half of %s), and restart the host.", gwKey, path, d.gw.SigningKey))
	} else {
		d.report.ok(subject, "gateway key", "gateway.public_key in %s is the gateway's signing key", path)
	}
	d.compare(subject, "gateway id", d.gw.GatewayID, cfg.Gateway.ID, fmt.Sprintf(
		"Set gateway.id: %s in %s, the gateway's gateway_id, and restart the host: publishes signed for another id are refused.", d.gw.GatewayID, path))
	d.checkListen(subject, path, cfg, entry, at)
	if cfg.Mode == api.ModePush {
		d.checkGatewayURL(ctx, subject, path, cfg)
	}
}

// compare records whether the gateway's value of a setting and the
// host's agree.
func (d *doctor) compare(subject, check, gateway, host, fix string) {
	if gateway == host {
		d.report.ok(subject, check, "%s in both files", host)
		return
	}
	d.report.problem(subject, check, fmt.Sprintf("the gateway's file says %s, the host's %s.", gateway, host), fix)
}

func modeVerb(mode string) string {
	if mode == api.ModePush {
		return "publish its records (push)"
	}
	return "be asked for buckets (pull)"
}

// checkListen compares the host's listen address with the entry's host
// URLs when both are on loopback, where no proxy stands between them.
func (d *doctor) checkListen(subject, path string, cfg *config.Courier, entry config.CourierEntry, at func(string) string) {
	lhost, lport, err := net.SplitHostPort(cfg.Listen)
	if err != nil || !config.IsLoopback(lhost) {
		return
	}
	var ports []string
	for _, h := range entry.Hosts {
		u, err := url.Parse(h)
		if err != nil || !config.IsLoopback(u.Hostname()) {
			return // a proxy, another machine: the ports need not agree
		}
		if u.Port() == lport {
			d.report.ok(subject, "listen", "the host listens on %s, where %s reaches it", cfg.Listen, at("host"))
			return
		}
		ports = append(ports, h)
	}
	d.report.problem(subject, "listen", fmt.Sprintf("%s listens on %s, but the gateway reaches courier %s at %s.", path, cfg.Listen, cfg.Courier, strings.Join(ports, ", ")),
		fmt.Sprintf("Make them one address: %s in %s, or listen in %s.", at("host"), d.gwFile, path))
}

// checkGatewayURL checks that a push host's gateway.url answers.
func (d *doctor) checkGatewayURL(ctx context.Context, subject, path string, cfg *config.Courier) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	u := strings.TrimRight(cfg.Gateway.URL, "/") + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		d.report.problem(subject, "gateway url", fmt.Sprintf("gateway.url %s in %s is not a URL: %v.", cfg.Gateway.URL, path, err), "Correct gateway.url.")
		return
	}
	resp, err := cfg.GatewayHTTPClient().Do(req)
	if err != nil {
		d.report.problem(subject, "gateway url", fmt.Sprintf("the host publishes to %s, which does not answer: %v.", cfg.Gateway.URL, unwrapURLError(err)),
			fmt.Sprintf("Start the gateway there, or set gateway.url in %s to the gateway's URL; the host keeps its records in its outbox until then.", path))
		return
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		d.report.problem(subject, "gateway url", fmt.Sprintf("%s answers HTTP %d to /healthz: it is not a trackgate gateway ready for publishes.", cfg.Gateway.URL, resp.StatusCode),
			fmt.Sprintf("Set gateway.url in %s to the gateway's base URL.", path))
		return
	}
	d.report.ok(subject, "gateway url", "the gateway at %s, where the host publishes, answers", cfg.Gateway.URL)
}
