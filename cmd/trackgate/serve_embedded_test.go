package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is an io.Writer the test can read while serve writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var (
	listeningLine = regexp.MustCompile(`trackgate gateway on (http://127\.0\.0\.1:[0-9]+)`)
	secretKeyLine = regexp.MustCompile(`(?m)^Subscriptions: --secret-key (tg1sk_[A-Za-z0-9_-]{43}) \(tenant "demo", .*http://.*loopback`)
	sampleLine    = regexp.MustCompile(`trackgate track ([A-Z0-9]+)(?: --factor ([0-9]{4}))?.*# (sim-[a-z]+)`)
)

// TestServeEmbeddedDefaultTracksItsSamples runs `serve` on a free port as
// the README does, tracks every sample it prints with `track`, and stops
// it gracefully by cancelling its context.
func TestServeEmbeddedDefaultTracksItsSamples(t *testing.T) {
	var stdout, stderr lockedBuffer
	e := env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, now: time.Now, location: shanghai}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	root := newRootCmd(e)
	root.SetArgs([]string{"serve", "--addr", "127.0.0.1:0", "--parcels", "400", "--log-format", "json"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()

	var url string
	deadline := time.Now().Add(60 * time.Second)
	for url == "" || !strings.Contains(stdout.String(), "Sample parcels") || !strings.HasSuffix(stdout.String(), "\n\n") {
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve printed no samples within 60 s:\n%s\n%s", stdout.String(), stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
		if m := listeningLine.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
		}
	}
	samples := sampleLine.FindAllStringSubmatch(stdout.String(), -1)
	couriers := map[string]bool{}
	for _, s := range samples {
		couriers[s[3]] = true
		args := []string{"track", s[1], "--gateway", url}
		if s[2] != "" {
			args = append(args, "--factor", s[2])
		}
		out := runPaced(t, args...)
		if out.code != exitOK || !strings.Contains(out.stdout, s[1]) {
			t.Errorf("track %s: exit %d\n%s%s", s[1], out.code, out.stdout, out.stderr)
		}
		if s[2] != "" {
			wrong := "0000"
			if s[2] == wrong {
				wrong = "9999"
			}
			if out := runPaced(t, "track", s[1], "--gateway", url, "--factor", wrong); out.code != exitFailure {
				t.Errorf("track %s with a wrong factor: exit %d, want %d", s[1], out.code, exitFailure)
			}
		}
	}
	if len(couriers) != 3 {
		t.Fatalf("samples of %d couriers printed, want 3:\n%s", len(couriers), stdout.String())
	}
	trackREADMEExamples(t, url)
	m := secretKeyLine.FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("the welcome does not give the demo tenant's secret key:\n%s", stdout.String())
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/v1/subscriptions", nil)
	req.Header.Set("Authorization", "Bearer "+m[1])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the printed secret key lists subscriptions: %d, want 200", resp.StatusCode)
	}
	logs := stderr.String()
	for _, s := range samples {
		if strings.Contains(logs, s[1]) {
			t.Errorf("serve's logs carry the tracking number %s", s[1])
		}
	}
	if strings.Contains(logs, m[1]) {
		t.Error("serve's logs carry the secret key")
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

// readmeTrack matches the README's track and detect examples for the
// embedded default (those with --gateway elsewhere are for other set-ups).
var readmeTrack = regexp.MustCompile(`(?m)^go run \./cmd/trackgate ((?:track|detect) [^#\n]*?)\s*(?:#.*)?$`)

// demoHeadlines are the first lines `track` prints for the README's demo
// parcels while serve has just started (adapters/simulator demo.go).
var demoHeadlines = map[string]string{
	"SW100000000001":              "In transit\nExpected: ",
	"7700000000001 --factor 1234": "Ready for pickup\n\n",
	"SW100000000002":              "Held by customs (Global Parcel Line, GP000000014CN)\n\n",
	"SW100000000003 --lang zh-CN": "退回中\n\n",
	"GP000000028CN":               "In transit\nExpected: ",
}

// trackREADMEExamples runs every example of the README's "On a fresh
// machine" against the embedded default at url: each must succeed, and
// the demo parcels must say what the README promises.
func trackREADMEExamples(t *testing.T, url string) {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	examples := readmeTrack.FindAllStringSubmatch(string(readme), -1)
	if len(examples) < len(demoHeadlines) {
		t.Fatalf("the README has %d track/detect examples, want the %d demo parcels at least", len(examples), len(demoHeadlines))
	}
	seen := map[string]bool{}
	for _, ex := range examples {
		args := strings.Fields(ex[1])
		if strings.HasPrefix(ex[1], "track NUMBER") || (args[0] == "detect" && !strings.Contains(ex[1], "--gateway")) {
			continue // a placeholder, or detect without a gateway
		}
		if slices.Contains(args, "--watch") {
			continue // runs until Ctrl-C; TestTrackWatch… drive it with a clock
		}
		cmdline := strings.Join(args[1:], " ")
		if args[0] == "detect" || strings.Contains(ex[1], "--gateway") {
			args = slices.DeleteFunc(args, func(a string) bool { return a == "--gateway" || strings.HasPrefix(a, "http") })
			if strings.Contains(ex[1], "127.0.0.1:18082") {
				continue // the local topology's gateway
			}
		}
		out := runPaced(t, append(args, "--gateway", url)...)
		if out.code != exitOK {
			t.Errorf("README example %q: exit %d\n%s%s", ex[1], out.code, out.stdout, out.stderr)
			continue
		}
		if want, ok := demoHeadlines[cmdline]; ok {
			seen[cmdline] = true
			if !strings.HasPrefix(out.stdout, want) {
				t.Errorf("README example %q: output starts\n%s\nwant %q", ex[1], out.stdout, want)
			}
		}
	}
	for cmdline := range demoHeadlines {
		if !seen[cmdline] {
			t.Errorf("the README no longer shows track %s", cmdline)
		}
	}
}

// runPaced runs the CLI, waiting and trying again while the gateway's
// per-client limit answers 429: this test makes more lookups at once
// than the default limit's burst allows one client.
func runPaced(t *testing.T, args ...string) outcome {
	t.Helper()
	for range 20 {
		out := runCLI(t, nil, args...)
		if !strings.Contains(out.stderr, "429 Too Many Requests") {
			return out
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("%v: still rate-limited after 10 s", args)
	return outcome{}
}
