package remotehost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/problem"
)

func TestEvaluateRoundTripThroughARemoteHost(t *testing.T) {
	f := newRemoteFixture(t, nil)
	ctx := t.Context()

	keys, err := f.client.Keys(ctx)
	if err != nil {
		t.Fatalf("Keys: %v", err)
	}
	if len(keys) != 1 || keys[0].KeyID != f.key.Public().KeyID() || !bytes.Equal(keys[0].PublicKey, f.key.Public().Bytes()) {
		t.Fatalf("keys %+v", keys)
	}
	pk, err := crypto.ParsePublicKey(keys[0].PublicKey)
	if err != nil {
		t.Fatal(err)
	}

	const tn = "SW123456789012"
	b, err := crypto.Blind(pk, [][]byte{crypto.Input(testCourier, tn, ""), crypto.Input(testCourier, "SW000000000000", "")})
	if err != nil {
		t.Fatal(err)
	}
	evaluated, proof, err := f.client.Evaluate(ctx, keys[0].KeyID, b.Elements)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	ys, err := b.Finalize(evaluated, proof)
	if err != nil {
		t.Fatalf("Finalize: %v", err)
	}
	d, err := crypto.Derive(ys[0])
	if err != nil {
		t.Fatal(err)
	}

	rec, err := f.client.Record(ctx, d.Locator)
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	plain, err := crypto.Open(d.RecordKey, &rec)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var view adapters.View
	if err := json.Unmarshal(plain, &view); err != nil || view.TrackingNumber != tn || view.Courier != testCourier {
		t.Errorf("view %+v (%v)", view, err)
	}

	recs, err := f.client.Bucket(ctx, crypto.Bucket(d.Locator, 8))
	if err != nil {
		t.Fatalf("Bucket: %v", err)
	}
	if !slices.ContainsFunc(recs, func(r crypto.SealedRecord) bool { return bytes.Equal(r.Locator, d.Locator) }) {
		t.Error("the bucket lacks the record")
	}

	unknown, err := crypto.Derive(ys[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.Record(ctx, unknown.Locator); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("unknown parcel: %v, want ErrNotFound", err)
	}
}

func TestRemoteErrorsMapToAPIErrors(t *testing.T) {
	pull := newRemoteFixture(t, nil)
	push := newRemoteFixture(t, func(c *courierhost.Config) {
		c.Mode = api.ModePush
		c.Publisher = nopPublisher{}
	})
	limited := newRemoteFixture(t, func(c *courierhost.Config) { c.EvaluateRate, c.EvaluateBurst = 0.001, crypto.MaxBatch })
	element := pull.key.Public().Bytes() // a valid, non-identity group element
	full := slices.Repeat([][]byte{element}, crypto.MaxBatch)
	if _, _, err := limited.client.Evaluate(t.Context(), limited.key.Public().KeyID(), full); err != nil {
		t.Fatalf("first batch: %v", err)
	}

	tests := []struct {
		name string
		call func(ctx context.Context) error
		want error
	}{
		{"rate limited", func(ctx context.Context) error {
			_, _, err := limited.client.Evaluate(ctx, limited.key.Public().KeyID(), [][]byte{element})
			return err
		}, api.ErrRateLimited},
		{"unknown kid", func(ctx context.Context) error {
			_, _, err := pull.client.Evaluate(ctx, "AAAAAAAAAAA", [][]byte{element})
			return err
		}, api.ErrUnknownKey},
		{"unknown locator", func(ctx context.Context) error {
			_, err := pull.client.Record(ctx, make([]byte, crypto.LocatorSize))
			return err
		}, api.ErrNotFound},
		{"bucket of a push host", func(ctx context.Context) error {
			_, err := push.client.Bucket(ctx, 0)
			return err
		}, api.ErrNotPullMode},
		{"record of a push host", func(ctx context.Context) error {
			_, err := push.client.Record(ctx, make([]byte, crypto.LocatorSize))
			return err
		}, api.ErrNotPullMode},
		{"bucket beyond the host's bits", func(ctx context.Context) error {
			_, err := pull.client.Bucket(ctx, 1<<8)
			return err
		}, api.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(t.Context()); !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestInvalidRequestsNeverLeaveTheGateway(t *testing.T) {
	var (
		mu       sync.Mutex
		requests int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
	}))
	defer srv.Close()
	c := New(srv.URL, gatewaySigner(t), testAnswerPub, srv.Client())
	evaluate := func(batch ...[]byte) func() error {
		return func() error { _, _, err := c.Evaluate(t.Context(), "AAAAAAAAAAA", batch); return err }
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"identity element", evaluate(make([]byte, crypto.ElementSize))},
		{"short element", evaluate(mustElement(t)[:31])},
		{"no elements", evaluate()},
		{"too many elements", evaluate(slices.Repeat([][]byte{mustElement(t)}, crypto.MaxBatch+1)...)},
		{"short locator", func() error { _, err := c.Record(t.Context(), []byte{1, 2, 3}); return err }},
	}
	for _, tt := range tests {
		if err := tt.call(); !errors.Is(err, api.ErrInvalidInput) {
			t.Errorf("%s: error %v, want ErrInvalidInput", tt.name, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if requests != 0 {
		t.Errorf("%d requests reached the host", requests)
	}
}

// recorded is one request as a courier host saw it.
type recorded struct {
	method, path string
	header       http.Header
	body         []byte
}

func TestGatewaySendsTheHostOnlyWhatTheProtocolNeeds(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []recorded
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, recorded{r.Method, r.URL.RequestURI(), r.Header.Clone(), body})
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	// A client with a cookie jar holding a cookie for the host, as a
	// shared http.Client might: the gateway must not send it.
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: "shopper"}})
	hc := srv.Client()
	hc.Jar = jar
	c := New(srv.URL, gatewaySigner(t), testAnswerPub, hc)

	// A context as a gateway handler would pass down; nothing of it may travel.
	ctx := context.WithValue(t.Context(), struct{ name string }{"client-ip"}, "203.0.113.9")
	element := mustElement(t)
	c.Keys(ctx)
	c.Evaluate(ctx, "kid-1", [][]byte{element, element})
	c.Bucket(ctx, 7)
	c.Record(ctx, make([]byte, 16))

	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 4 {
		t.Fatalf("host saw %d requests, want 4", len(seen))
	}
	for _, r := range seen {
		var names []string
		for name := range r.header {
			names = append(names, name)
		}
		slices.Sort(names)
		want := []string{"Accept", "Accept-Encoding", "Tg-Key-Id", "Tg-Nonce", "Tg-Signature", "Tg-Timestamp", "User-Agent"}
		if r.method == http.MethodPost {
			want = []string{"Accept", "Accept-Encoding", "Content-Length", "Content-Type", "Tg-Key-Id", "Tg-Nonce", "Tg-Signature", "Tg-Timestamp", "User-Agent"}
		}
		if !slices.Equal(names, want) {
			t.Errorf("%s %s sent headers %v, want exactly %v", r.method, r.path, names, want)
		}
		if ua := r.header.Get("User-Agent"); ua != UserAgent {
			t.Errorf("User-Agent %q", ua)
		}
		if r.header.Get("TG-Key-Id") != "gateway" {
			t.Errorf("TG-Key-Id %q", r.header.Get("TG-Key-Id"))
		}
		if r.method == http.MethodGet && len(r.body) != 0 {
			t.Errorf("%s %s carried a body", r.method, r.path)
		}
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(seen[1].body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body) != 2 || body["kid"] == nil || body["blinded"] == nil {
		t.Errorf("evaluate body %s, want only kid and blinded", seen[1].body)
	}
	wantBody, _ := json.Marshal(api.HostEvaluateRequest{KeyID: "kid-1", Blinded: []crypto.B64{element, element}})
	if !bytes.Equal(seen[1].body, wantBody) {
		t.Errorf("evaluate body %s, want %s", seen[1].body, wantBody)
	}
	paths := []string{seen[0].path, seen[1].path, seen[2].path, seen[3].path}
	if want := []string{"/tg1/keys", "/tg1/evaluate", "/tg1/buckets/7", "/tg1/records/AAAAAAAAAAAAAAAAAAAAAA"}; !slices.Equal(paths, want) {
		t.Errorf("paths %v, want %v", paths, want)
	}
}

func TestHangingHostEndsWithTheContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := New(srv.URL, gatewaySigner(t), testAnswerPub, srv.Client())
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, _, err := c.Evaluate(ctx, "AAAAAAAAAAA", [][]byte{mustElement(t)})
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, api.ErrUnavailable) {
		t.Errorf("error %v, want ErrUnavailable wrapping context.DeadlineExceeded", err)
	}
}

func TestTransportErrorsNameNoLocator(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	c := New(base, gatewaySigner(t), testAnswerPub, &http.Client{Timeout: 5 * time.Second})
	locator := bytes.Repeat([]byte{0xab}, 16)
	_, err := c.Record(t.Context(), locator)
	if !errors.Is(err, api.ErrUnavailable) {
		t.Fatalf("error %v, want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), crypto.EncodeB64(locator)) {
		t.Errorf("error %q names the locator", err)
	}
	c = New(base, nil, nil, nil)
	if _, err := c.Record(t.Context(), locator); !errors.Is(err, api.ErrUnavailable) || strings.Contains(err.Error(), crypto.EncodeB64(locator)) {
		t.Errorf("unsigned: error %v", err)
	}
}

func mustElement(t testing.TB) []byte {
	t.Helper()
	k, err := crypto.GenerateKey(strings.NewReader(strings.Repeat("e", 64)))
	if err != nil {
		t.Fatal(err)
	}
	return k.Public().Bytes()
}

func problemBody(typ string, status int) []byte {
	b, _ := json.Marshal(problem.Details{Type: typ, Title: "x", Status: status})
	return b
}
