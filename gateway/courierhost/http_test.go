package courierhost

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/signing"
)

// httpFixture is a host's handler with the gateway's signing key.
type httpFixture struct {
	host    *Host
	cfg     Config
	clk     *clock
	handler http.Handler
	signer  *signing.Signer
	// answerKey verifies the host's answer signatures.
	answerKey ed25519.PublicKey
}

func newHTTPFixture(t testing.TB, edit func(*Config)) *httpFixture {
	t.Helper()
	clk := newClock()
	cfg := testConfig(t, clk.Now(), newFakeSource())
	cfg.Now = clk.Now
	if edit != nil {
		edit(&cfg)
	}
	h := mustNew(t, cfg)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	answerPub, answerPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	v := &signing.Verifier{
		Keys: func(id string) (ed25519.PublicKey, bool) { return pub, id == "gateway" },
		Now:  clk.Now,
	}
	return &httpFixture{
		host: h, cfg: cfg, clk: clk, handler: h.Handler(v, answerPriv),
		signer:    &signing.Signer{KeyID: "gateway", Key: priv, Audience: cfg.Courier, Now: clk.Now},
		answerKey: answerPub,
	}
}

// do sends a request signed by the gateway (unless sign is false).
func (f *httpFixture) do(t testing.TB, method, path string, body []byte, sign bool) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if sign {
		if err := f.signer.Sign(req, body); err != nil {
			t.Fatal(err)
		}
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	f.checkAnswerSignature(t, req, rec)
	return rec
}

// checkAnswerSignature checks that the host signed its answer to req,
// whatever its status.
func (f *httpFixture) checkAnswerSignature(t testing.TB, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	err := crypto.VerifyAnswer(f.answerKey, f.cfg.Courier, rec.Code, req.Header.Get(crypto.HeaderNonce),
		rec.Body.Bytes(), rec.Header().Get(crypto.HeaderSignature))
	if err != nil {
		t.Errorf("%s answer %d is not signed by the courier: %v", req.Method, rec.Code, err)
	}
}

// wantProblem checks a problem+json answer and returns its details.
func wantProblem(t testing.TB, rec *httptest.ResponseRecorder, status int) problem.Details {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
		t.Errorf("Content-Type %q, want %q", ct, problem.ContentType)
	}
	var d problem.Details
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatalf("problem body: %v", err)
	}
	if d.Status != status || d.Title == "" || d.Type == "" {
		t.Errorf("problem %+v incomplete", d)
	}
	return d
}

func evaluateBody(t testing.TB, kid string, elements ...[]byte) []byte {
	t.Helper()
	req := api.HostEvaluateRequest{KeyID: kid}
	for _, e := range elements {
		req.Blinded = append(req.Blinded, e)
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHandlerRequiresTheGatewaysSignature(t *testing.T) {
	f := newHTTPFixture(t, nil)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	signedBy := func(id string, key ed25519.PrivateKey, skew time.Duration, target string) *http.Request {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		s := &signing.Signer{KeyID: id, Key: key, Audience: f.cfg.Courier, Now: func() time.Time { return f.clk.Now().Add(skew) }}
		if err := s.Sign(req, nil); err != nil {
			t.Fatal(err)
		}
		return req
	}
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"signed by the gateway", func() *http.Request { return signedBy("gateway", f.signer.Key, 0, "/tg1/keys") }, http.StatusOK},
		{"signed 299 s ago", func() *http.Request { return signedBy("gateway", f.signer.Key, -299*time.Second, "/tg1/keys") }, http.StatusOK},
		{"unsigned", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/tg1/keys", nil) }, http.StatusUnauthorized},
		{"unknown key id", func() *http.Request { return signedBy("sim-swift", f.signer.Key, 0, "/tg1/keys") }, http.StatusUnauthorized},
		{"signed with another key", func() *http.Request { return signedBy("gateway", otherKey, 0, "/tg1/keys") }, http.StatusUnauthorized},
		{"signature of another query", func() *http.Request {
			req := signedBy("gateway", f.signer.Key, 0, "/tg1/keys?v=1")
			req.URL.RawQuery = ""
			return req
		}, http.StatusUnauthorized},
		{"stale timestamp", func() *http.Request { return signedBy("gateway", f.signer.Key, -301*time.Second, "/tg1/keys") }, http.StatusUnauthorized},
		{"timestamp from the future", func() *http.Request { return signedBy("gateway", f.signer.Key, 301*time.Second, "/tg1/keys") }, http.StatusUnauthorized},
		{"signed for another courier", func() *http.Request {
			req := httptest.NewRequest(http.MethodGet, "/tg1/keys", nil)
			if err := f.signer.For("other-courier").Sign(req, nil); err != nil {
				t.Fatal(err)
			}
			return req
		}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := tt.req()
			f.handler.ServeHTTP(rec, req)
			f.checkAnswerSignature(t, req, rec)
			if tt.status != http.StatusOK {
				wantProblem(t, rec, tt.status)
				return
			}
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var keys api.KeysResponse
			if err := api.Decode(rec.Body, &keys); err != nil || len(keys.Keys) != 1 ||
				keys.Keys[0].KeyID != f.cfg.Keys[0].Key.Public().KeyID() ||
				!bytes.Equal(keys.Keys[0].PublicKey, f.cfg.Keys[0].Key.Public().Bytes()) ||
				!keys.Keys[0].NotAfter.Equal(f.cfg.Keys[0].NotAfter) {
				t.Errorf("keys answer %+v (%v)", keys, err)
			}
		})
	}
}

func TestHandlerRefusesLargeBodies(t *testing.T) {
	f := newHTTPFixture(t, nil)
	big := []byte(`{"kid":"x","blinded":[],"pad":"` + strings.Repeat("a", MaxBodyBytes) + `"}`)

	rec := f.do(t, http.MethodPost, "/tg1/evaluate", big, true)
	wantProblem(t, rec, http.StatusRequestEntityTooLarge)

	// Without a Content-Length the limit trips while reading.
	req := httptest.NewRequest(http.MethodPost, "/tg1/evaluate", strings.NewReader(string(big)))
	req.ContentLength = -1
	f.signer.Sign(req, big)
	rec = httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	wantProblem(t, rec, http.StatusRequestEntityTooLarge)
}

func TestHandlerEvaluatesABlindedBatch(t *testing.T) {
	f := newHTTPFixture(t, nil)
	key := f.cfg.Keys[0].Key
	inputs := [][]byte{crypto.Input(testCourier, "SW123456789012", ""), crypto.Input(testCourier, "SW999999999999", "")}
	b, err := crypto.Blind(key.Public(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	// Unknown fields are accepted: later protocol versions may add some.
	body := bytes.Replace(evaluateBody(t, key.Public().KeyID(), b.Elements...), []byte(`{`), []byte(`{"future":1,`), 1)
	rec := f.do(t, http.MethodPost, "/tg1/evaluate", body, true)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var res api.HostEvaluateResponse
	if err := api.Decode(rec.Body, &res); err != nil {
		t.Fatal(err)
	}
	evaluated := make([][]byte, len(res.Evaluated))
	for i, e := range res.Evaluated {
		evaluated[i] = e
	}
	ys, err := b.Finalize(evaluated, res.Proof)
	if err != nil {
		t.Fatalf("Finalize: %v", err)
	}
	for i, x := range inputs {
		want, _ := key.FullEvaluate(x)
		if !bytes.Equal(ys[i], want) {
			t.Errorf("output %d differs from FullEvaluate", i)
		}
	}
}

func TestHandlerEvaluateErrors(t *testing.T) {
	good := validElement(t)
	nine := make([][]byte, crypto.MaxBatch+1)
	for i := range nine {
		nine[i] = good
	}
	tests := []struct {
		name     string
		body     func(kid string) []byte
		status   int
		typ      string
		retrying bool
	}{
		{"not JSON", func(string) []byte { return []byte("kid=1") }, http.StatusBadRequest, "about:blank", false},
		{"empty body", func(string) []byte { return nil }, http.StatusBadRequest, "about:blank", false},
		{"trailing garbage", func(kid string) []byte { return append(evaluateBody(t, kid, good), "{}"...) }, http.StatusBadRequest, "about:blank", false},
		{"padded base64", func(kid string) []byte {
			return []byte(`{"kid":"` + kid + `","blinded":["` + crypto.EncodeB64(good) + `="]}`)
		}, http.StatusBadRequest, "about:blank", false},
		{"blinded not an array", func(kid string) []byte { return []byte(`{"kid":"` + kid + `","blinded":"x"}`) }, http.StatusBadRequest, "about:blank", false},
		{"no elements", func(kid string) []byte { return evaluateBody(t, kid) }, http.StatusBadRequest, "about:blank", false},
		{"too many elements", func(kid string) []byte { return evaluateBody(t, kid, nine...) }, http.StatusBadRequest, "about:blank", false},
		{"unknown kid", func(string) []byte { return evaluateBody(t, "AAAAAAAAAAA", good) }, http.StatusUnprocessableEntity, ProblemUnknownKey, false},
		{"identity element", func(kid string) []byte { return evaluateBody(t, kid, make([]byte, 32)) }, http.StatusUnprocessableEntity, ProblemInvalidElement, false},
		// The OpenAPI document fixes an element's length, so a short one
		// is refused as malformed before the handler sees it.
		{"short element", func(kid string) []byte { return evaluateBody(t, kid, good[:16]) }, http.StatusBadRequest, "about:blank", false},
		{"non-canonical element", func(kid string) []byte {
			return evaluateBody(t, kid, bytes.Repeat([]byte{0xff}, crypto.ElementSize))
		}, http.StatusUnprocessableEntity, ProblemInvalidElement, false},
		{"rate limited", func(kid string) []byte { return evaluateBody(t, kid, nine[:crypto.MaxBatch]...) }, http.StatusTooManyRequests, "about:blank", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newHTTPFixture(t, func(c *Config) { c.EvaluateRate, c.EvaluateBurst = 1, crypto.MaxBatch })
			kid := f.cfg.Keys[0].Key.Public().KeyID()
			if tt.retrying {
				if rec := f.do(t, http.MethodPost, "/tg1/evaluate", tt.body(kid), true); rec.Code != http.StatusOK {
					t.Fatalf("first batch: %d", rec.Code)
				}
			}
			rec := f.do(t, http.MethodPost, "/tg1/evaluate", tt.body(kid), true)
			d := wantProblem(t, rec, tt.status)
			if d.Type != tt.typ {
				t.Errorf("problem type %q, want %q", d.Type, tt.typ)
			}
			if ra := rec.Header().Get("Retry-After"); tt.retrying {
				if secs, err := strconv.Atoi(ra); err != nil || secs < 1 {
					t.Errorf("Retry-After %q, want whole seconds", ra)
				}
			} else if ra != "" {
				t.Errorf("Retry-After %q on a %d", ra, rec.Code)
			}
		})
	}
}

func TestHandlerServesPullRoutes(t *testing.T) {
	f := newHTTPFixture(t, nil)
	indexAll(t, f.host, f.clk.Now(), testParcel("SW123456789012", 1, f.clk.Now()))
	d := clientLookup(t, f.host, f.cfg.Keys[0].Key, "SW123456789012", "")
	bucket := crypto.FormatBucket(crypto.Bucket(d.Locator, f.cfg.BucketBits))

	rec := f.do(t, http.MethodGet, "/tg1/records/"+crypto.EncodeB64(d.Locator), nil, true)
	if rec.Code != http.StatusOK {
		t.Fatalf("record: %d %s", rec.Code, rec.Body)
	}
	var r crypto.SealedRecord
	if err := api.Decode(rec.Body, &r); err != nil {
		t.Fatal(err)
	}
	openView(t, d, r)

	rec = f.do(t, http.MethodGet, "/tg1/buckets/"+bucket, nil, true)
	var recs api.Records
	if err := api.Decode(rec.Body, &recs); err != nil || rec.Code != http.StatusOK || len(recs.Records) != 1 {
		t.Fatalf("bucket: %d, %d records (%v)", rec.Code, len(recs.Records), err)
	}
	openView(t, d, recs.Records[0])

	empty := (crypto.Bucket(d.Locator, f.cfg.BucketBits) + 1) % 16
	rec = f.do(t, http.MethodGet, "/tg1/buckets/"+crypto.FormatBucket(empty), nil, true)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"records":[]`) {
		t.Errorf("empty bucket: %d %s, want 200 with an empty list", rec.Code, rec.Body)
	}
}

func TestHandlerPullRouteErrors(t *testing.T) {
	tests := []struct {
		name   string
		mode   string
		path   string
		status int
		typ    string
	}{
		{"bucket above bucket_bits", api.ModePull, "/tg1/buckets/10", http.StatusBadRequest, "about:blank"},
		{"bucket with leading zero", api.ModePull, "/tg1/buckets/01", http.StatusBadRequest, "about:blank"},
		{"bucket in upper case", api.ModePull, "/tg1/buckets/A", http.StatusBadRequest, "about:blank"},
		{"locator too short", api.ModePull, "/tg1/records/AAAA", http.StatusBadRequest, "about:blank"},
		{"unknown locator", api.ModePull, "/tg1/records/" + crypto.EncodeB64(make([]byte, 16)), http.StatusNotFound, ProblemRecordNotFound},
		{"bucket in push mode", api.ModePush, "/tg1/buckets/0", http.StatusNotFound, ProblemNotPullMode},
		{"record in push mode", api.ModePush, "/tg1/records/" + crypto.EncodeB64(make([]byte, 16)), http.StatusNotFound, ProblemNotPullMode},
		{"no such route", api.ModePull, "/tg1/parcels", http.StatusNotFound, "about:blank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newHTTPFixture(t, func(c *Config) {
				c.Mode = tt.mode
				if tt.mode == api.ModePush {
					c.Publisher = &fakePublisher{}
				}
			})
			d := wantProblem(t, f.do(t, http.MethodGet, tt.path, nil, true), tt.status)
			if d.Type != tt.typ {
				t.Errorf("problem type %q, want %q", d.Type, tt.typ)
			}
		})
	}
}

func TestHandlerDoesNotServeExpiredRecords(t *testing.T) {
	f := newHTTPFixture(t, func(c *Config) { c.RecordTTL = time.Hour })
	indexAll(t, f.host, f.clk.Now(), testParcel("SW123456789012", 1, f.clk.Now()))
	d := clientLookup(t, f.host, f.cfg.Keys[0].Key, "SW123456789012", "")
	f.clk.Advance(2 * time.Hour)
	wantProblem(t, f.do(t, http.MethodGet, "/tg1/records/"+crypto.EncodeB64(d.Locator), nil, true), http.StatusNotFound)
	rec := f.do(t, http.MethodGet, "/tg1/buckets/"+crypto.FormatBucket(crypto.Bucket(d.Locator, f.cfg.BucketBits)), nil, true)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"records":[]`) {
		t.Errorf("bucket after expiry: %d %s", rec.Code, rec.Body)
	}
}

func TestHandlerHealthzNeedsNoSignature(t *testing.T) {
	f := newHTTPFixture(t, nil)
	rec := f.do(t, http.MethodGet, "/healthz", nil, false)
	if rec.Code != http.StatusOK || rec.Body.String() != `{"status":"ok"}` {
		t.Errorf("healthz: %d %q", rec.Code, rec.Body)
	}
}

func TestHandlerAnswersAPanicWithAGeneric500(t *testing.T) {
	f := newHTTPFixture(t, nil)
	f.host.cfg.Now = func() time.Time { panic("secret internal state") }
	rec := f.do(t, http.MethodPost, "/tg1/evaluate", evaluateBody(t, "AAAAAAAAAAA", validElement(t)), true)
	d := wantProblem(t, rec, http.StatusInternalServerError)
	if strings.Contains(rec.Body.String(), "secret") || d.Type != "about:blank" {
		t.Errorf("500 answer echoes internals: %s", rec.Body)
	}
}

func FuzzHandlerEvaluateBody(f *testing.F) {
	fx := newHTTPFixture(f, func(c *Config) { c.EvaluateBurst = 1 << 30 })
	kid := fx.cfg.Keys[0].Key.Public().KeyID()
	f.Add(evaluateBody(f, kid, validElement(f)))
	f.Add([]byte(`{"kid":"` + kid + `","blinded":["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]}`))
	f.Add([]byte(`{"kid":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := fx.do(t, http.MethodPost, "/tg1/evaluate", body, true)
		switch rec.Code {
		case http.StatusOK:
			var res api.HostEvaluateResponse
			if err := api.Decode(rec.Body, &res); err != nil || len(res.Proof) != crypto.ProofSize {
				t.Fatalf("200 with a bad answer: %v", err)
			}
		case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusTooManyRequests, http.StatusRequestEntityTooLarge:
			if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
				t.Fatalf("%d with Content-Type %q", rec.Code, ct)
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
}
