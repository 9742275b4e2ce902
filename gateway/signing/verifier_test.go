package signing

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/problem"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// keyring registers one key under "gateway".
func keyring(pub ed25519.PublicKey) Keys {
	return func(id string) (ed25519.PublicKey, bool) {
		if id != "gateway" {
			return nil, false
		}
		return pub, true
	}
}

// testAudience is the id of the receiver in these tests.
const testAudience = "sim-east"

// newVerifier is a verifier of keys, as testAudience, with its own nonces.
func newVerifier(keys Keys, now func() time.Time) *Verifier {
	return &Verifier{Keys: keys, Audience: testAudience, Nonces: NewMemoryNonces(0, now), Now: now}
}

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

// signedRequest is a request to target signed by "gateway" at signedAt.
func signedRequest(t testing.TB, priv ed25519.PrivateKey, method, target string, body []byte, signedAt time.Time) *http.Request {
	t.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if err := (&Signer{KeyID: "gateway", Key: priv, Audience: testAudience, Now: at(signedAt)}).Sign(req, body); err != nil {
		t.Fatal(err)
	}
	return req
}

func TestVerifyOutcomes(t *testing.T) {
	pub, priv := newKey(t)
	_, otherPriv := newKey(t)
	body := []byte(`{"kid":"abc","blinded":[]}`)
	v := newVerifier(keyring(pub), at(testNow))

	tests := []struct {
		name string
		req  func() (*http.Request, []byte)
		want error // nil: verifies
	}{
		{"valid", func() (*http.Request, []byte) {
			return signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow), body
		}, nil},
		{"signed 300 s ago", func() (*http.Request, []byte) {
			return signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow.Add(-300*time.Second)), body
		}, nil},
		{"signed 300 s ahead", func() (*http.Request, []byte) {
			return signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow.Add(300*time.Second)), body
		}, nil},
		{"signed 301 s ago", func() (*http.Request, []byte) {
			return signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow.Add(-301*time.Second)), body
		}, crypto.ErrStaleTimestamp},
		{"signed 301 s ahead", func() (*http.Request, []byte) {
			return signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow.Add(301*time.Second)), body
		}, crypto.ErrStaleTimestamp},
		{"unsigned", func() (*http.Request, []byte) {
			return httptest.NewRequest("POST", "/tg1/evaluate", nil), body
		}, ErrUnsigned},
		{"unknown key id", func() (*http.Request, []byte) {
			req := signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow)
			req.Header.Set(crypto.HeaderKeyID, "sim-swift")
			return req, body
		}, ErrUnknownKey},
		{"another key under the id", func() (*http.Request, []byte) {
			return signedRequest(t, otherPriv, "POST", "/tg1/evaluate", body, testNow), body
		}, crypto.ErrBadSignature},
		{"body changed", func() (*http.Request, []byte) {
			return signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow), append(body, ' ')
		}, crypto.ErrBadSignature},
		{"no body for a signed body", func() (*http.Request, []byte) {
			return signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow), nil
		}, crypto.ErrBadSignature},
		{"method changed", func() (*http.Request, []byte) {
			req := signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow)
			req.Method = "PUT"
			return req, body
		}, crypto.ErrBadSignature},
		{"path changed", func() (*http.Request, []byte) {
			req := signedRequest(t, priv, "GET", "/tg1/buckets/1", nil, testNow)
			req.URL.Path = "/tg1/buckets/2"
			return req, nil
		}, crypto.ErrBadSignature},
		{"query dropped", func() (*http.Request, []byte) {
			req := signedRequest(t, priv, "GET", "/tg1/keys?page=2", nil, testNow)
			req.URL.RawQuery = ""
			return req, nil
		}, crypto.ErrBadSignature},
		{"signed for another receiver", func() (*http.Request, []byte) {
			req := httptest.NewRequest("POST", "/tg1/evaluate", bytes.NewReader(body))
			if err := (&Signer{KeyID: "gateway", Key: priv, Audience: "sim-west", Now: at(testNow)}).Sign(req, body); err != nil {
				t.Fatal(err)
			}
			return req, body
		}, crypto.ErrBadSignature},
		{"nonce missing", func() (*http.Request, []byte) {
			req := signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow)
			req.Header.Del(crypto.HeaderNonce)
			return req, body
		}, crypto.ErrBadSignature},
		{"nonce changed", func() (*http.Request, []byte) {
			req := signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow)
			req.Header.Set(crypto.HeaderNonce, crypto.EncodeB64(make([]byte, crypto.RequestNonceSize)))
			return req, body
		}, crypto.ErrBadSignature},
		{"timestamp moved by a second", func() (*http.Request, []byte) {
			req := signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow)
			req.Header.Set(crypto.HeaderTimestamp, strconv.FormatInt(testNow.Unix()+1, 10))
			return req, body
		}, crypto.ErrBadSignature},
		{"timestamp with a plus sign", func() (*http.Request, []byte) {
			req := signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow)
			req.Header.Set(crypto.HeaderTimestamp, "+"+req.Header.Get(crypto.HeaderTimestamp))
			return req, body
		}, crypto.ErrBadSignature},
		{"timestamp missing", func() (*http.Request, []byte) {
			req := signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow)
			req.Header.Del(crypto.HeaderTimestamp)
			return req, body
		}, crypto.ErrBadSignature},
		{"signature missing", func() (*http.Request, []byte) {
			req := signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow)
			req.Header.Del(crypto.HeaderSignature)
			return req, body
		}, crypto.ErrBadSignature},
		{"signature in padded base64", func() (*http.Request, []byte) {
			req := signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow)
			req.Header.Set(crypto.HeaderSignature, req.Header.Get(crypto.HeaderSignature)+"==")
			return req, body
		}, crypto.ErrBadSignature},
		{"signature truncated", func() (*http.Request, []byte) {
			req := signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow)
			req.Header.Set(crypto.HeaderSignature, req.Header.Get(crypto.HeaderSignature)[:80])
			return req, body
		}, crypto.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, body := tt.req()
			id, err := v.Verify(req, body)
			if tt.want == nil {
				if err != nil || id != "gateway" {
					t.Fatalf("Verify = %q, %v; want gateway", id, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if id != "" {
				t.Errorf("a refused request returned key id %q", id)
			}
		})
	}
}

func TestVerifierWithoutKeysKnowsNoOne(t *testing.T) {
	_, priv := newKey(t)
	v := &Verifier{Audience: testAudience, Nonces: NewMemoryNonces(0, nil), Now: at(testNow)}
	if _, err := v.Verify(signedRequest(t, priv, "GET", "/tg1/keys", nil, testNow), nil); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("error %v, want ErrUnknownKey", err)
	}
}

// requireEngine serves POST and GET /echo behind Require, echoing the
// verified key id and the body the handler received; limit bounds bodies.
func requireEngine(v *Verifier, limit int64, called *int) *gin.Engine {
	e := gin.New()
	bound := func(c *gin.Context) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	echo := func(c *gin.Context) {
		*called++
		b, _ := io.ReadAll(c.Request.Body)
		c.String(http.StatusOK, KeyID(c)+":"+string(b))
	}
	e.POST("/echo", bound, v.Require(), echo)
	e.GET("/echo", bound, v.Require(), echo)
	return e
}

func TestRequireHandsTheBodyAndKeyIDOn(t *testing.T) {
	pub, priv := newKey(t)
	called := 0
	e := requireEngine(newVerifier(keyring(pub), at(testNow)), 1<<10, &called)
	body := []byte(`{"records":[]}`)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, signedRequest(t, priv, "POST", "/echo?x=1", body, testNow))
	if rec.Code != http.StatusOK || rec.Body.String() != "gateway:"+string(body) {
		t.Errorf("answer %d %q, want the key id and the whole body", rec.Code, rec.Body)
	}
	if called != 1 {
		t.Errorf("handler called %d times", called)
	}
}

func TestRequireRefusesWithProblemJSON(t *testing.T) {
	pub, priv := newKey(t)
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		detail string
	}{
		{"unsigned", func() *http.Request { return httptest.NewRequest("GET", "/echo", nil) }, 401, "requires a signed request"},
		{"unknown key id", func() *http.Request {
			r := signedRequest(t, priv, "GET", "/echo", nil, testNow)
			r.Header.Set(crypto.HeaderKeyID, "nobody")
			return r
		}, 401, "not registered"},
		{"stale", func() *http.Request { return signedRequest(t, priv, "GET", "/echo", nil, testNow.Add(-time.Hour)) }, 401, "300 seconds"},
		{"bad signature", func() *http.Request {
			r := signedRequest(t, priv, "POST", "/echo", []byte("a"), testNow)
			r.Body = io.NopCloser(strings.NewReader("b"))
			return r
		}, 401, "does not verify"},
		{"body over the limit", func() *http.Request {
			body := bytes.Repeat([]byte("x"), 2<<10)
			r := signedRequest(t, priv, "POST", "/echo", body, testNow)
			r.ContentLength = -1 // unknown: the limit trips while reading
			return r
		}, 413, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := 0
			e := requireEngine(newVerifier(keyring(pub), at(testNow)), 1<<10, &called)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, tt.req())
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if called != 0 {
				t.Error("the handler ran for a refused request")
			}
			if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
				t.Errorf("Content-Type %q", ct)
			}
			var d problem.Details
			if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil || d.Status != tt.status || !strings.Contains(d.Detail, tt.detail) {
				t.Errorf("problem %+v (%v), want detail mentioning %q", d, err, tt.detail)
			}
			if www := rec.Header().Get("WWW-Authenticate"); (tt.status == 401) != (www != "") {
				t.Errorf("WWW-Authenticate %q on a %d", www, tt.status)
			}
		})
	}
}

// TestSignedRequestsVerifyOverHTTP sends signed requests through a real
// client and server: what the client signs must be what the server sees,
// escaped paths and queries included.
func TestSignedRequestsVerifyOverHTTP(t *testing.T) {
	pub, priv := newKey(t)
	v := newVerifier(keyring(pub), nil)
	e := gin.New()
	e.Use(v.Require())
	e.NoRoute(func(c *gin.Context) { c.String(http.StatusOK, "verified") })
	srv := httptest.NewServer(e)
	defer srv.Close()
	signer := &Signer{KeyID: "gateway", Key: priv, Audience: testAudience}

	targets := []string{
		"/tg1/keys",
		"/tg1/records/q6urq6urq6urq6urq6urqw",
		"/tg1/buckets/ff?x=1&y=a%20b",
		"/tg1/a%2Fb",
		"/tg1/%C3%A9t%C3%A9",
		"/tg1/été",
		"/tg1/keys?",
		"",
	}
	for _, target := range targets {
		for _, body := range [][]byte{nil, []byte(`{"kid":"k"}`)} {
			method := http.MethodGet
			var reader io.Reader
			if body != nil {
				method, reader = http.MethodPost, bytes.NewReader(body)
			}
			req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+target, reader)
			if err != nil {
				t.Fatal(err)
			}
			if err := signer.Sign(req, body); err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s %q: %d %s", method, target, resp.StatusCode, answer)
			}
		}
	}
}

func FuzzVerifyHeaders(f *testing.F) {
	pub, priv := newKey(f)
	genuine := signedRequest(f, priv, "GET", "/tg1/keys", nil, testNow)
	ts, nonce, sig := genuine.Header.Get(crypto.HeaderTimestamp), genuine.Header.Get(crypto.HeaderNonce), genuine.Header.Get(crypto.HeaderSignature)
	f.Add(ts, nonce, sig)
	f.Add("+"+ts, nonce, sig)
	f.Add(ts, nonce+"A", sig)
	f.Add(ts, nonce, sig+"A")
	f.Add("-1", "", "")
	f.Fuzz(func(t *testing.T, timestamp, n, signature string) {
		v := newVerifier(keyring(pub), at(testNow))
		req := httptest.NewRequest("GET", "/tg1/keys", nil)
		req.Header.Set(crypto.HeaderKeyID, "gateway")
		req.Header.Set(crypto.HeaderTimestamp, timestamp)
		req.Header.Set(crypto.HeaderNonce, n)
		req.Header.Set(crypto.HeaderSignature, signature)
		_, err := v.Verify(req, nil)
		// http.Header.Set keeps values as given (CR/LF aside), so only
		// the genuine triple may verify.
		if err == nil && (req.Header.Get(crypto.HeaderTimestamp) != ts || req.Header.Get(crypto.HeaderNonce) != nonce ||
			req.Header.Get(crypto.HeaderSignature) != sig) {
			t.Fatalf("forged headers verified: %q %q %q", timestamp, n, signature)
		}
	})
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestRequireRefusesUnknownSignersBeforeReadingTheBody(t *testing.T) {
	pub, priv := newKey(t)
	for _, id := range []string{"", "nobody"} {
		called := 0
		e := requireEngine(newVerifier(keyring(pub), at(testNow)), 1<<20, &called)
		req := signedRequest(t, priv, "POST", "/echo", []byte("payload"), testNow)
		req.Header.Set(crypto.HeaderKeyID, id)
		body := &countingReader{r: strings.NewReader("payload")}
		req.Body = io.NopCloser(body)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized || body.n != 0 {
			t.Errorf("key id %q: status %d after reading %d body bytes; want 401 before reading", id, rec.Code, body.n)
		}
	}
}
