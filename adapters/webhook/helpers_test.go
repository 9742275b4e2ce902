package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/webhook"
)

const (
	testCourier = "acme-post"
	testToken   = "test-token-0123456789abcdef0123456789abcdef"
)

// testNow is the wall clock of the tests; event times lie before it.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable wall clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// ingest is an adapter under test serving on loopback, and a client of
// its ingest API.
type ingest struct {
	*webhook.Adapter
	url    string
	path   string // the state file
	clock  *clock
	client *http.Client
}

// openIngest opens an adapter on 127.0.0.1:0 with a fresh state file; mod
// may change the configuration first. It is closed after the test.
func openIngest(t *testing.T, mod ...func(*webhook.Config)) *ingest {
	t.Helper()
	clk := &clock{now: testNow}
	cfg := webhook.Config{
		Courier:   testCourier,
		Listen:    "127.0.0.1:0",
		Token:     testToken,
		StatePath: filepath.Join(t.TempDir(), "webhook.db"),
		Now:       clk.Now,
	}
	for _, m := range mod {
		m(&cfg)
	}
	a, err := webhook.Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return &ingest{Adapter: a, url: "http://" + a.Addr().String(), path: cfg.StatePath, clock: clk, client: http.DefaultClient}
}

// answer is an HTTP answer read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with the test token (token "" sends none).
func (in *ingest) do(t *testing.T, method, path, token, contentType string, body []byte) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, in.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := in.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, data}
}

// post sends events (any JSON-encodable body) to POST /v1/events.
func (in *ingest) post(t *testing.T, body any) answer {
	t.Helper()
	data, ok := body.([]byte)
	if !ok {
		var err error
		if data, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	return in.do(t, http.MethodPost, "/v1/events", testToken, "application/json", data)
}

// mustPost posts events and wants 202.
func (in *ingest) mustPost(t *testing.T, events ...webhook.EventIn) webhook.EventsResponse {
	t.Helper()
	a := in.post(t, webhook.EventsRequest{Events: events})
	if a.status != http.StatusAccepted {
		t.Fatalf("POST /v1/events: %d %s", a.status, a.body)
	}
	var res webhook.EventsResponse
	if err := json.Unmarshal(a.body, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func (in *ingest) lookup(t *testing.T, tn string, factors ...string) (adapters.Parcel, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	return in.Lookup(ctx, adapters.ParcelRef{TrackingNumber: tn, Factors: factors})
}

// problem is an RFC 9457 answer with the adapter's "errors" extension.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Pointer string `json:"pointer"`
		Detail  string `json:"detail"`
	} `json:"errors"`
}

// wantProblem checks that a is a problem+json answer with status and
// returns it.
func wantProblem(t *testing.T, a answer, status int) problem {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	var p problem
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatalf("problem does not decode: %v: %s", err, a.body)
	}
	if p.Status != status || p.Title == "" || p.Detail == "" || p.Type == "" {
		t.Fatalf("incomplete problem %+v", p)
	}
	return p
}

func (p problem) pointers() string {
	var ps []string
	for _, e := range p.Errors {
		ps = append(ps, e.Pointer)
	}
	return strings.Join(ps, " ")
}

// ev is a valid event of parcel tn at minutes after 08:00 Beijing time
// on 2026-05-30.
func ev(tn string, minutes int, status adapters.Status, description string) webhook.EventIn {
	at := time.Date(2026, 5, 30, 8, 0, 0, 0, time.FixedZone("", 8*3600)).Add(time.Duration(minutes) * time.Minute)
	return webhook.EventIn{
		TrackingNumber: tn,
		Time:           at.Format(time.RFC3339),
		Status:         string(status),
		Description:    description,
		Location:       &webhook.LocationIn{City: "Hangzhou", Region: "Zhejiang", Country: "CN"},
	}
}
