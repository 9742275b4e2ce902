package remotehost

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/signing/redisnonce"
	"github.com/trackgate/trackgate/gateway/signing/signingtest"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

// recorder is a transport that records every request it carries.
type recorder struct {
	mu   sync.Mutex
	reqs []signingtest.Captured
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, signingtest.Capture(req, body))
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recorder) last(t *testing.T) signingtest.Captured {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("no request recorded")
	}
	return r.reqs[len(r.reqs)-1]
}

// recordingClient is a client of the host at baseURL, as the gateway
// signs for courier, whose requests rec records.
func recordingClient(baseURL, courier string, rec *recorder) *Client {
	signer := &signing.Signer{KeyID: "gateway", Key: testGatewayKey, Audience: courier}
	return New(baseURL, signer, testAnswerPub, &http.Client{Transport: rec, Timeout: 5 * time.Second})
}

// blindedFor is one blinded element for the fixture's courier key.
func blindedFor(t *testing.T, f *remoteFixture) [][]byte {
	t.Helper()
	b, err := crypto.Blind(f.key.Public(), [][]byte{crypto.Input(testCourier, "SW123456789012", "")})
	if err != nil {
		t.Fatal(err)
	}
	return b.Elements
}

// TestAttackReplayedEvaluate: an attacker who captured the gateway's
// signed POST /tg1/evaluate sends it again within the 300 s window, to
// the same courier host or to another replica of it, to have the courier
// evaluate it again (spending its rate budget, or timing its answers).
// Revision 1 signed no nonce, so every copy was served; now each
// (key id, nonce) pair is served once, and replicas sharing Redis refuse
// a copy served by another replica.
func TestAttackReplayedEvaluate(t *testing.T) {
	f := newRemoteFixture(t, nil)
	kid := f.key.Public().KeyID()

	t.Run("one host, nonces in memory", func(t *testing.T) {
		rec := &recorder{}
		c := recordingClient(f.srv.URL, testCourier, rec)
		if _, _, err := c.Evaluate(t.Context(), kid, blindedFor(t, f)); err != nil {
			t.Fatalf("the genuine evaluation: %v", err)
		}
		if status := rec.last(t).SendTo(t, f.srv.URL); status != http.StatusUnauthorized {
			t.Errorf("the evaluation replayed: %d, want 401", status)
		}
	})

	t.Run("two replicas sharing Redis", func(t *testing.T) {
		r := redistest.Single(t)
		shared, err := redisnonce.New(r.Client, r.Prefix(t))
		if err != nil {
			t.Fatal(err)
		}
		replica1 := httptest.NewServer(f.host.Handler(gatewayVerifier(shared), testAnswerKey))
		defer replica1.Close()
		replica2 := httptest.NewServer(f.host.Handler(gatewayVerifier(shared), testAnswerKey))
		defer replica2.Close()
		rec := &recorder{}
		c := recordingClient(replica1.URL, testCourier, rec)
		if _, _, err := c.Evaluate(t.Context(), kid, blindedFor(t, f)); err != nil {
			t.Fatalf("the genuine evaluation: %v", err)
		}
		captured := rec.last(t)
		if status := captured.SendTo(t, replica2.URL); status != http.StatusUnauthorized {
			t.Errorf("the evaluation replayed to the other replica: %d, want 401", status)
		}
		if status := captured.SendTo(t, replica1.URL); status != http.StatusUnauthorized {
			t.Errorf("the evaluation replayed to the same replica: %d, want 401", status)
		}
		// The gateway's own requests go on: each is signed afresh.
		if _, _, err := recordingClient(replica2.URL, testCourier, &recorder{}).Evaluate(t.Context(), kid, blindedFor(t, f)); err != nil {
			t.Errorf("a fresh evaluation at the other replica: %v", err)
		}
	})
}

// TestAttackRedirectedToAnotherHost: every courier host knows the one
// gateway key under the id "gateway", so in revision 1 a request the
// gateway signed for courier A's host was just as good at courier B's
// host: whoever sat on A's link (or ran A's host) could replay it to B.
// Now the request signs its audience, A's courier id, and B refuses it.
func TestAttackRedirectedToAnotherHost(t *testing.T) {
	a := newRemoteFixture(t, nil)
	b := newRemoteFixture(t, func(c *courierhost.Config) {
		c.Courier = "other-courier"
		c.Source = listSource{}
	})
	rec := &recorder{}
	if _, _, err := recordingClient(a.srv.URL, testCourier, rec).Evaluate(t.Context(), a.key.Public().KeyID(), blindedFor(t, a)); err != nil {
		t.Fatalf("the genuine evaluation at A: %v", err)
	}
	if status := rec.last(t).SendTo(t, b.srv.URL); status != http.StatusUnauthorized {
		t.Errorf("A's evaluation sent to B: %d, want 401", status)
	}
	if _, err := recordingClient(a.srv.URL, testCourier, rec).Keys(t.Context()); err != nil {
		t.Fatal(err)
	}
	if status := rec.last(t).SendTo(t, b.srv.URL); status != http.StatusUnauthorized {
		t.Errorf("A's key request sent to B: %d, want 401", status)
	}
	// B still serves requests signed for B.
	if _, err := b.client.Keys(t.Context()); err != nil {
		t.Errorf("B's own key request: %v", err)
	}
}

// keyListProxy sits on the link between the gateway and a courier host:
// it passes everything through, except that forge rewrites the answer to
// GET /tg1/keys.
func keyListProxy(t *testing.T, host *httptest.Server, forge func(w http.ResponseWriter, genuine *http.Response, body []byte)) *httptest.Server {
	t.Helper()
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out, _ := http.NewRequestWithContext(r.Context(), r.Method, host.URL+r.URL.RequestURI(), r.Body)
		out.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if r.URL.Path == "/tg1/keys" {
			forge(w, resp, body)
			return
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
	}))
	t.Cleanup(p.Close)
	return p
}

// TestAttackInjectedHostKeys: a man in the middle on the gateway–host
// link (plain HTTP, or a bad certificate) serves the gateway a key list
// of his own, so that clients blind their tracking numbers to a key he
// holds, and he learns which numbers they track. Revision 1 believed any
// well-formed answer; now an answer must carry the courier's signature
// over its status, its body and this request's nonce, and the gateway
// lists no key from an answer that does not.
func TestAttackInjectedHostKeys(t *testing.T) {
	f := newRemoteFixture(t, nil)
	attackerKey, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	forgedList, _ := json.Marshal(api.KeysResponse{Keys: []api.Key{{
		KeyID: attackerKey.Public().KeyID(), PublicKey: attackerKey.Public().Bytes(),
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
	}}})
	_, attackerSigning, _ := ed25519.GenerateKey(rand.Reader)
	otherCourier := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x77}, ed25519.SeedSize))
	var firstGenuine struct {
		sync.Mutex
		body, sig []byte
	}
	serve := func(w http.ResponseWriter, body []byte, sig string) {
		w.Header().Set("Content-Type", "application/json")
		if sig != "" {
			w.Header().Set(crypto.HeaderSignature, sig)
		}
		_, _ = w.Write(body)
	}
	nonceOf := func(resp *http.Response) string { return resp.Request.Header.Get(crypto.HeaderNonce) }

	attacks := []struct {
		name  string
		forge func(w http.ResponseWriter, genuine *http.Response, body []byte)
	}{
		{"unsigned key list", func(w http.ResponseWriter, _ *http.Response, _ []byte) { serve(w, forgedList, "") }},
		{"key list signed by the attacker", func(w http.ResponseWriter, g *http.Response, _ []byte) {
			serve(w, forgedList, crypto.SignAnswer(attackerSigning, testCourier, 200, nonceOf(g), forgedList))
		}},
		{"key list signed by another courier", func(w http.ResponseWriter, g *http.Response, _ []byte) {
			serve(w, forgedList, crypto.SignAnswer(otherCourier, "other-courier", 200, nonceOf(g), forgedList))
		}},
		{"the genuine signature over the forged list", func(w http.ResponseWriter, g *http.Response, _ []byte) {
			serve(w, forgedList, g.Header.Get(crypto.HeaderSignature))
		}},
		{"an earlier genuine answer replayed", func(w http.ResponseWriter, g *http.Response, body []byte) {
			firstGenuine.Lock()
			defer firstGenuine.Unlock()
			if firstGenuine.body == nil {
				firstGenuine.body, firstGenuine.sig = body, []byte(g.Header.Get(crypto.HeaderSignature))
			}
			serve(w, firstGenuine.body, string(firstGenuine.sig))
		}},
		{"a genuine 200 turned into a 503", func(w http.ResponseWriter, g *http.Response, body []byte) {
			w.Header().Set(crypto.HeaderSignature, g.Header.Get(crypto.HeaderSignature))
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write(body)
		}},
	}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			proxy := keyListProxy(t, f.srv, a.forge)
			client := recordingClient(proxy.URL, testCourier, &recorder{})
			if a.name == "an earlier genuine answer replayed" {
				// The first answer is genuine and fresh; the replay is the second.
				if _, err := client.Keys(t.Context()); err != nil {
					t.Fatalf("the genuine answer: %v", err)
				}
			}
			keys, err := client.Keys(t.Context())
			if !errors.Is(err, api.ErrUnavailable) || keys != nil {
				t.Fatalf("Keys through the man in the middle = %v, %v; want nothing and ErrUnavailable", keys, err)
			}

			gw, err := gateway.New(gateway.Config{
				BucketBits: 8, Store: memory.New(store.Limits{BucketBits: 8}),
				Couriers: []gateway.Courier{{
					ID: testCourier, Name: "Test", Factor: crypto.FactorNone, Mode: api.ModePull,
					Patterns: []api.Pattern{{Regex: `^SW[0-9]{12}$`}}, Host: client, SigningKey: testAnswerPub,
				}},
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			if err := gw.Refresh(ctx); err == nil {
				t.Error("the directory assembled through the man in the middle without complaint")
			}
			rec := httptest.NewRecorder()
			gw.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/couriers", nil))
			if strings.Contains(rec.Body.String(), attackerKey.Public().KeyID()) {
				t.Errorf("the directory lists the attacker's key: %s", rec.Body)
			}
		})
	}
}
