package main

import (
	"bytes"
	"context"
	"regexp"
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
	for url == "" || !strings.Contains(stdout.String(), "Sample parcels") {
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
		out := runCLI(t, nil, args...)
		if out.code != exitOK || !strings.Contains(out.stdout, s[1]) {
			t.Errorf("track %s: exit %d\n%s%s", s[1], out.code, out.stdout, out.stderr)
		}
		if s[2] != "" {
			wrong := "0000"
			if s[2] == wrong {
				wrong = "9999"
			}
			if out := runCLI(t, nil, "track", s[1], "--gateway", url, "--factor", wrong); out.code != exitFailure {
				t.Errorf("track %s with a wrong factor: exit %d, want %d", s[1], out.code, exitFailure)
			}
		}
	}
	if len(couriers) != 3 {
		t.Fatalf("samples of %d couriers printed, want 3:\n%s", len(couriers), stdout.String())
	}
	logs := stderr.String()
	for _, s := range samples {
		if strings.Contains(logs, s[1]) {
			t.Errorf("serve's logs carry the tracking number %s", s[1])
		}
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
