package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestServeRefusesAPublicAdminAddressWithoutTheFlag(t *testing.T) {
	for _, addr := range []string{":9090", "0.0.0.0:9090", "203.0.113.7:9090"} {
		got := runCLI(t, nil, "serve", "--addr", "127.0.0.1:0", "--admin-addr", addr)
		if got.code != exitUsage || !strings.Contains(got.stderr, "--admin-public") || !strings.Contains(got.stderr, "127.0.0.1:9090") {
			t.Errorf("serve --admin-addr %s: exit %d\n%s", addr, got.code, got.stderr)
		}
	}
	got := runCLI(t, map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, "serve", "--addr", "127.0.0.1:0")
	if got.code != exitUsage || !strings.Contains(got.stderr, "OTEL_TRACES_EXPORTER") {
		t.Errorf("serve with an exporter it lacks: exit %d\n%s", got.code, got.stderr)
	}
}

// TestServeAdminListenerServesMetricsThatMoveAndProfiles runs the
// embedded default with an admin listener, sends it requests, and reads
// /metrics, /debug/pprof/ and /healthz there — and not on the public
// listener.
func TestServeAdminListenerServesMetricsThatMoveAndProfiles(t *testing.T) {
	var stdout, stderr lockedBuffer
	e := env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, now: time.Now, location: shanghai}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	root := newRootCmd(e)
	root.SetArgs([]string{"serve", "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0", "--parcels", "50", "--log-format", "json"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()

	adminLine := regexp.MustCompile(`"msg":"admin listener","url":"(http://127\.0\.0\.1:[0-9]+)"`)
	var url, admin string
	deadline := time.Now().Add(60 * time.Second)
	for url == "" || admin == "" {
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not listen within 60 s:\n%s\n%s", stdout.String(), stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
		if m := listeningLine.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
		}
		if m := adminLine.FindStringSubmatch(stderr.String()); m != nil {
			admin = m[1]
		}
	}
	get := func(u string) (int, string, http.Header) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	couriers := regexp.MustCompile(`trackgate_http_requests_total\{class="2xx",method="GET",route="/v1/couriers"\} ([0-9]+)`)
	count := func() string {
		_, body, _ := get(admin + "/metrics")
		if m := couriers.FindStringSubmatch(body); m != nil {
			return m[1]
		}
		return "0"
	}
	before := count()
	var ids []string
	for range 3 {
		code, _, h := get(url + "/v1/couriers")
		if code != 200 {
			t.Fatalf("GET /v1/couriers: %d", code)
		}
		ids = append(ids, h.Get("X-Request-Id"))
	}
	if after := count(); before != "0" || after != "3" {
		t.Errorf("GET /v1/couriers counted %s before and %s after three requests", before, after)
	}
	if code, body, _ := get(admin + "/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Errorf("pprof index: %d", code)
	}
	if code, body, _ := get(admin + "/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Errorf("admin /healthz: %d %s", code, body)
	}
	for _, path := range []string{"/metrics", "/debug/pprof/"} {
		if code, _, _ := get(url + path); code != http.StatusNotFound {
			t.Errorf("the public listener answers %s with %d", path, code)
		}
	}
	// Every request line of the log carries the id the client was answered.
	logged := map[string]bool{}
	for line := range strings.SplitSeq(stderr.String(), "\n") {
		var entry struct {
			Msg       string `json:"msg"`
			Route     string `json:"route"`
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "request" && entry.Route == "/v1/couriers" {
			logged[entry.RequestID] = true
		}
	}
	for _, id := range ids {
		if id == "" || !logged[id] {
			t.Errorf("request id %q answered but not logged; logged %v", id, logged)
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
