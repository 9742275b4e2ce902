package main

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/webhook"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/remotehost"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
)

func TestBinaryOffersTheRealAdapters(t *testing.T) {
	for _, name := range []string{"declarative", "dhl", "fedex", "jdl", "sfexpress", "simulator", "ups", "webhook", "zto"} {
		if !slices.Contains(adapters.Names(), name) {
			t.Errorf("adapter %q is not registered; registered: %q", name, adapters.Names())
		}
	}
}

var pullCourierLine = regexp.MustCompile(`^trackgate courier host acme-post \(pull mode\) on (http://127\.0\.0\.1:[0-9]+); keys: `)

// TestCourierServesAWebhookAdapter starts `trackgate courier` as a real
// process with the webhook adapter, posts a parcel's events to the
// adapter's ingest port, and tracks the parcel through a gateway that
// asks the host over loopback (pull mode).
func TestCourierServesAWebhookAdapter(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"keys", "gen", "--out", filepath.Join(dir, "gateway"), "--kind", "signing"},
		{"keys", "gen", "--out", filepath.Join(dir, "acme-post"), "--kind", "oprf"},
		{"keys", "gen", "--out", filepath.Join(dir, "acme-post-signing"), "--kind", "signing"},
	} {
		if got := runCLI(t, nil, args...); got.code != exitOK {
			t.Fatalf("%v: %s", args, got.stderr)
		}
	}
	gatewayKey, err := keyfile.Load(filepath.Join(dir, "gateway", signingKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	courierKey, err := keyfile.Load(filepath.Join(dir, "acme-post-signing", signingKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	const token = "acme-webhook-token-0123456789abcdef0123456789"
	t.Setenv("ACME_WEBHOOK_TOKEN", token) // the child inherits it
	ingestAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	state := filepath.Join(dir, "webhook.db")
	configFile := writeFile(t, filepath.Join(dir, "courier.yaml"), fmt.Sprintf(`
courier: acme-post
listen: 127.0.0.1:0
mode: pull
factor: phone_last4
bucket_bits: 8
adapter:
  name: webhook
  options: {courier: acme-post, listen: %q, token_env: ACME_WEBHOOK_TOKEN, state: %q, factor: phone_last4}
oprf_keys: acme-post
signing_key: acme-post-signing/signing.key
gateway:
  public_key: %s
`, ingestAddr, state, crypto.EncodeB64(gatewayKey.Signing.Public().(ed25519.PublicKey))))

	courier := startTrackgate(t, "courier", "--config", configFile, "--log-format", "json")
	line := courier.firstLine(t)
	m := pullCourierLine.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("courier printed %q\n%s", line, courier.stderr)
	}

	const tn, factor = "AP202606010001", "8000"
	at := time.Now().Add(-time.Hour).Truncate(time.Second).Format(time.RFC3339)
	body := fmt.Sprintf(`{"events":[{"tracking_number":%q,"factors":[%q],"time":%q,"status":"in_transit","description":"Departed Hangzhou hub, 收件人：张三 13800138000"}]}`, tn, factor, at)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://"+ingestAddr+"/v1/events", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST to the adapter's ingest port: %v\n%s", err, courier.stderr)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /v1/events: %d", resp.StatusCode)
	}

	gin.SetMode(gin.ReleaseMode) // as runServe does: no route listing on stdout
	gw, err := gateway.New(gateway.Config{
		BucketBits: 8,
		Couriers: []gateway.Courier{{
			ID: "acme-post", Name: "Acme Post", Factor: crypto.FactorPhoneLast4, Mode: api.ModePull,
			Host: remotehost.New(m[1], &signing.Signer{KeyID: "gateway", Key: gatewayKey.Signing, Audience: "acme-post"},
				courierKey.Signing.Public().(ed25519.PublicKey), &http.Client{Timeout: 10 * time.Second}),
		}},
		Store:        memory.New(store.Limits{BucketBits: 8}),
		PullCacheTTL: time.Nanosecond, // every poll below asks the host
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Refresh(t.Context()); err != nil {
		t.Fatalf("the gateway cannot read the host's keys: %v", err)
	}
	srv := httptest.NewServer(gw.Handler())
	defer srv.Close()
	c, err := client.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := c.Track(t.Context(), tn, client.TrackOptions{Courier: "acme-post", Factor: factor})
		if err == nil && len(res.Legs) == 1 {
			if d := res.Legs[0].View.Events[0].Description; strings.Contains(d, "张三") || strings.Contains(d, "13800138000") {
				t.Fatalf("the tracked view holds personal data: %q", d)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the parcel was not found within 30 s: %v\n%s", err, courier.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}

	courier.stop(t)
	if logs := courier.stderr.String(); strings.Contains(logs, tn) || strings.Contains(logs, token) || !strings.Contains(logs, "webhook ingest API listening") {
		t.Errorf("the courier's logs hold the number or the token, or do not show the ingest API:\n%s", logs)
	}
	// --log-format json holds for the adapter's lines too: they go through
	// the host's logger, with its attributes.
	adapterLines := 0
	for _, line := range strings.Split(strings.TrimSpace(courier.stderr.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("a line of the courier is not JSON: %q", line)
			continue
		}
		if rec["adapter"] == "webhook" {
			adapterLines++
			if rec["courier_host"] != "acme-post" {
				t.Errorf("an adapter's line lacks the host's attributes: %q", line)
			}
		}
	}
	if adapterLines < 2 { // the listener announced, the events stored
		t.Errorf("%d lines of the webhook adapter in the host's log; want its listener and the events stored", adapterLines)
	}
	// The process closed the adapter: its state file opens at once, with
	// the parcel in it.
	a, err := webhook.Open(webhook.Config{Courier: "acme-post", Token: token, StatePath: state})
	if err != nil {
		t.Fatalf("the state file after the courier stopped: %v", err)
	}
	defer a.Close()
	if p, err := a.Lookup(t.Context(), adapters.ParcelRef{TrackingNumber: tn}); err != nil || !strings.Contains(p.View.Events[0].Description, "Hangzhou") {
		t.Fatalf("the state file lost the parcel: %+v, %v", p, err)
	}
}
