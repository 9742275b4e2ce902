package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// postEvent posts one event to a webhook adapter's ingest API.
func postEvent(t *testing.T, ingest, token, number, factor string) {
	t.Helper()
	factors := "[]"
	if factor != "" {
		factors = `["` + factor + `"]`
	}
	body := fmt.Sprintf(`{"events":[{"tracking_number":%q,"factors":%s,"time":"2026-06-01T09:30:00+08:00",
		"status":"in_transit","description":"Departed Hangzhou hub","location":{"city":"Hangzhou","country":"CN"}}]}`, number, factors)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://"+ingest+"/v1/events", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /v1/events: %d, want 202", resp.StatusCode)
	}
}

// trackUntilFound tracks number until the gateway has its record: a push
// host publishes a moment after the event arrives.
func trackUntilFound(t *testing.T, args ...string) outcome {
	t.Helper()
	var out outcome
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if out = runPaced(t, args...); out.code == exitOK {
			return out
		}
	}
	t.Fatalf("%v: not found within 30 s: %s%s", args, out.stdout, out.stderr)
	return out
}

// TestServeCourierTracksAParcelOfANewAdapter plugs two courier hosts
// written by 'courier init' — a push one with a second factor and a pull
// one, both with the webhook adapter — into the embedded default, posts
// an event to each, and tracks both parcels through the gateway.
func TestServeCourierTracksAParcelOfANewAdapter(t *testing.T) {
	dir := t.TempDir()
	token := strings.Repeat("k", 40)
	type plugged struct{ id, mode, factor, number, ingest string }
	couriers := []plugged{
		{"acme-post", "push", "phone_last4", "AP202606010001", fmt.Sprintf("127.0.0.1:%d", freePort(t))},
		{"lark-post", "pull", "none", "LP202606010017", fmt.Sprintf("127.0.0.1:%d", freePort(t))},
	}
	var args []string
	for _, c := range couriers {
		out := filepath.Join(dir, c.id)
		prefix := c.number[:2]
		got := runCLI(t, nil, "courier", "init", out, "--id", c.id, "--adapter", "webhook", "--mode", c.mode, "--factor", c.factor,
			"--option", "listen="+c.ingest, "--pattern", "^"+prefix+"[0-9]{12}$", "--name", strings.ToUpper(c.id))
		if got.code != exitOK {
			t.Fatalf("courier init %s: %s", c.id, got.stderr)
		}
		t.Setenv(strings.ToUpper(strings.ReplaceAll(c.id, "-", "_"))+"_WEBHOOK_TOKEN", token)
		args = append(args, "--courier", filepath.Join(out, courierFile))
	}

	var stdout, stderr lockedBuffer
	e := env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, now: time.Now, location: shanghai}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	root := newRootCmd(e)
	root.SetArgs(append([]string{"serve", "--addr", "127.0.0.1:0", "--parcels", "50"}, args...))
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	var url string
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(stdout.String(), "Sample parcels"); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve printed no welcome within 60 s:\n%s\n%s", stdout.String(), stderr.String())
		}
	}
	if m := listeningLine.FindStringSubmatch(stdout.String()); m != nil {
		url = m[1]
	}
	for _, c := range couriers {
		want := fmt.Sprintf("Plus courier %s (%s) from %s: adapter webhook, %s mode, factor %s, in this process; keys: ",
			c.id, strings.ToUpper(c.id), filepath.Join(dir, c.id, courierFile), c.mode, c.factor)
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the welcome does not name %s as %q:\n%s", c.id, want, stdout.String())
		}
	}

	for _, c := range couriers {
		factor := ""
		if c.factor != "none" {
			factor = "8000"
		}
		postEvent(t, c.ingest, token, c.number, factor)
		trackArgs := []string{"track", c.number, "--gateway", url}
		if factor != "" {
			trackArgs = append(trackArgs, "--factor", factor)
		}
		out := trackUntilFound(t, trackArgs...)
		if !strings.Contains(out.stdout, c.number+" · "+strings.ToUpper(c.id)) || !strings.Contains(out.stdout, "Departed Hangzhou hub") {
			t.Errorf("track %s through the gateway:\n%s", c.number, out.stdout)
		}
	}
	// The simulated couriers are still there.
	if out := runPaced(t, "track", "SW100000000001", "--gateway", url); out.code != exitOK {
		t.Errorf("a demo parcel is no longer found: %s", out.stderr)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve did not stop cleanly: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of being cancelled")
	}
}

func TestServeCourierRefusesAFileThatDoesNotFit(t *testing.T) {
	dir := t.TempDir()
	initCourier := func(name string, args ...string) string {
		out := filepath.Join(dir, name)
		got := runCLI(t, nil, append([]string{"courier", "init", out, "--adapter", "webhook", "--mode", "pull"}, args...)...)
		if got.code != exitOK {
			t.Fatalf("courier init %s: %s", name, got.stderr)
		}
		return filepath.Join(out, courierFile)
	}
	bits10 := initCourier("bits10", "--id", "acme-post", "--bucket-bits", "10")
	swift := initCourier("swift", "--id", "sim-swift")
	other := initCourier("other", "--id", "lark-post")
	sameID := initCourier("same", "--id", "lark-post")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bucket bits against the flag", []string{"--bucket-bits", "8", "--courier", bits10},
			"its bucket_bits 10 differs from 8 (--bucket-bits); every courier of a deployment shares one bucket_bits"},
		{"bucket bits against another file", []string{"--courier", bits10, "--courier", other},
			"its bucket_bits 8 differs from 10 (" + bits10 + ")"},
		{"a simulated courier's id", []string{"--courier", swift}, "courier sim-swift is already served by the embedded default"},
		{"the same id twice", []string{"--courier", other, "--courier", sameID}, "courier lark-post is already served by " + other},
		{"with a configuration file", []string{"--config", filepath.Join(dir, "gateway.yaml"), "--courier", other},
			"--courier applies to the embedded default only"},
		{"a missing file", []string{"--courier", filepath.Join(dir, "none.yaml")}, "none.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCLI(t, nil, append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)...)
			if got.code == exitOK || !strings.Contains(got.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want a failure saying %q", got.code, got.stderr, tt.want)
			}
		})
	}
}
