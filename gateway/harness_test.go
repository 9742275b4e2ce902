package gateway

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/store/memory"
)

// scriptedHost is a courier host whose behaviour a test sets: it
// evaluates with a real key unless told to fail, stall or rate-limit.
type scriptedHost struct {
	key *crypto.PrivateKey

	mu       sync.Mutex
	fail     error         // returned by Evaluate when set
	delay    time.Duration // Evaluate waits this long (or until ctx ends)
	calls    int
	received [][]byte // last blinded elements received
	bucket   []crypto.SealedRecord
	// bucketFail, when set, is what Bucket returns instead of records.
	bucketFail error
	locators   int // Record calls: the gateway must never make any
}

func newScriptedHost(t testing.TB) *scriptedHost {
	t.Helper()
	k, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &scriptedHost{key: k}
}

func (h *scriptedHost) Keys(context.Context) ([]api.Key, error) {
	pk := h.key.Public()
	return []api.Key{{
		KeyID: pk.KeyID(), PublicKey: pk.Bytes(),
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
	}}, nil
}

func (h *scriptedHost) Evaluate(ctx context.Context, kid string, blinded [][]byte) ([][]byte, []byte, error) {
	h.mu.Lock()
	h.calls++
	h.received = blinded
	fail, delay := h.fail, h.delay
	h.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	if fail != nil {
		return nil, nil, fail
	}
	return h.key.Evaluate(blinded)
}

func (h *scriptedHost) Bucket(_ context.Context, bucket uint32) ([]crypto.SealedRecord, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.bucketFail != nil {
		return nil, h.bucketFail
	}
	return h.bucket, nil
}

func (h *scriptedHost) Record(_ context.Context, locator []byte) (crypto.SealedRecord, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.locators++
	for _, r := range h.bucket {
		if bytes.Equal(r.Locator, locator) {
			return r, nil
		}
	}
	return crypto.SealedRecord{}, api.ErrNotFound
}

func (h *scriptedHost) evaluateCalls() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls
}

// harness is a gateway on a loopback test server with two push couriers
// ("alpha", "beta") and one pull courier ("gamma").
type harness struct {
	t       testing.TB
	gw      *Gateway
	srv     *httptest.Server
	store   *memory.Store
	hosts   map[string]*scriptedHost
	signers map[string]*signing.Signer
	logs    *bytes.Buffer
	logMu   *sync.Mutex
}

const testBucketBits = 4

func newHarness(t testing.TB, tweak ...func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, hosts: map[string]*scriptedHost{},
		signers: map[string]*signing.Signer{}, logs: &bytes.Buffer{}, logMu: &sync.Mutex{}}
	cfg := Config{
		BucketBits:      testBucketBits,
		EvaluateTimeout: 500 * time.Millisecond,
		EvaluateRate:    1000,
		EvaluateBurst:   1000,
		FetchRate:       1000,
		FetchBurst:      1000,
		Logger:          slog.New(slog.NewTextHandler(lockedWriter{h.logMu, h.logs}, nil)),
	}
	for _, c := range []struct{ id, factor, mode string }{
		{"alpha", crypto.FactorNone, api.ModePush},
		{"beta", crypto.FactorPhoneLast4, api.ModePush},
		{"gamma", crypto.FactorNone, api.ModePull},
	} {
		host := newScriptedHost(t)
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		h.hosts[c.id] = host
		h.signers[c.id] = &signing.Signer{KeyID: c.id, Key: priv, Audience: DefaultGatewayID}
		cfg.Couriers = append(cfg.Couriers, Courier{
			ID: c.id, Name: "Courier " + c.id, Factor: c.factor, Mode: c.mode,
			Patterns: []api.Pattern{{Regex: `^[A-Z0-9]{6,40}$`, Checksum: ""}},
			Host:     host, SigningKey: pub,
		})
	}
	for _, f := range tweak {
		f(&cfg)
	}
	// The store applies the limits the gateway is configured with; a
	// tweak may give another store instead (h.store is then nil).
	if cfg.Store == nil {
		limits := cfg.RecordLimits
		limits.BucketBits = cfg.BucketBits
		h.store = memory.New(limits)
		cfg.Store = h.store
	}
	gw, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := gw.Refresh(t.Context()); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	h.gw = gw
	h.srv = httptest.NewServer(gw.Handler())
	t.Cleanup(h.srv.Close)
	return h
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (h *harness) logText() string {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	return h.logs.String()
}

// do sends a request and returns status, headers and body.
func (h *harness) do(method, path string, body []byte, header http.Header) (int, http.Header, []byte) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// publish sends a publish signed by signer for courier.
func (h *harness) publish(signer *signing.Signer, courier string, body []byte) (int, []byte) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPut, h.srv.URL+"/v1/couriers/"+courier+"/records", bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if signer != nil {
		if err := signer.Sign(req, body); err != nil {
			h.t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// sealedFor seals a small view for courier under its host's key at a
// random locator, at the gateway's record_size, and returns the record.
func (h *harness) sealedFor(courier string, version uint64) crypto.SealedRecord {
	h.t.Helper()
	loc := make([]byte, crypto.LocatorSize)
	key := make([]byte, crypto.RecordKeySize)
	rand.Read(loc)
	rand.Read(key)
	r := crypto.SealedRecord{
		Courier: courier, Locator: loc,
		KeyID:     crypto.KeyIDBytes(h.hosts[courier].key.Public().Bytes()),
		Version:   version,
		ExpiresAt: time.Now().Add(time.Hour).UTC().Truncate(time.Second),
	}
	if err := crypto.Seal(key, &r, []byte(`{"courier":"`+courier+`"}`), h.gw.cfg.RecordSize, rand.Reader); err != nil {
		h.t.Fatal(err)
	}
	return r
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// blindFor makes a valid blinded element for courier's current key.
func (h *harness) blindFor(courier string) crypto.B64 {
	h.t.Helper()
	b, err := crypto.Blind(h.hosts[courier].key.Public(), [][]byte{crypto.Input(courier, "ABC123456", "")})
	if err != nil {
		h.t.Fatal(err)
	}
	return b.Elements[0]
}

func (h *harness) kid(courier string) string { return h.hosts[courier].key.Public().KeyID() }
