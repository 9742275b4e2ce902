package signing

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newKey(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func TestSignerAddsHeadersThatVerify(t *testing.T) {
	pub, priv := newKey(t)
	s := &Signer{KeyID: "gateway", Key: priv, Audience: "sim-east", Now: func() time.Time { return testNow }}
	body := []byte(`{"kid":"x"}`)
	req := httptest.NewRequest(http.MethodPost, "http://courier.example/tg1/evaluate?v=1", nil)
	if err := s.Sign(req, body); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get(crypto.HeaderKeyID); got != "gateway" {
		t.Errorf("TG-Key-Id %q", got)
	}
	ts := req.Header.Get(crypto.HeaderTimestamp)
	if ts != strconv.FormatInt(testNow.Unix(), 10) {
		t.Errorf("TG-Timestamp %q, want %d", ts, testNow.Unix())
	}
	nonce := req.Header.Get(crypto.HeaderNonce)
	signed := crypto.SignedRequest{Method: http.MethodPost, Audience: "sim-east", PathAndQuery: "/tg1/evaluate?v=1",
		Timestamp: ts, Nonce: nonce, KeyID: "gateway", Body: body}
	if err := crypto.VerifyRequest(pub, signed, req.Header.Get(crypto.HeaderSignature), testNow); err != nil {
		t.Errorf("signature does not verify over method, audience, path and query, timestamp, nonce, key id and body: %v", err)
	}
	if err := s.Sign(req, body); err != nil || req.Header.Get(crypto.HeaderNonce) == nonce {
		t.Errorf("signing again kept the nonce %q (%v)", nonce, err)
	}
}

func TestSignerUsesTheWallClockByDefault(t *testing.T) {
	_, priv := newKey(t)
	req := httptest.NewRequest(http.MethodGet, "/tg1/keys", nil)
	before := time.Now().Unix()
	if err := (&Signer{KeyID: "gateway", Key: priv, Audience: "sim-east"}).Sign(req, nil); err != nil {
		t.Fatal(err)
	}
	ts, err := strconv.ParseInt(req.Header.Get(crypto.HeaderTimestamp), 10, 64)
	if err != nil || ts < before || ts > time.Now().Unix() {
		t.Errorf("timestamp %d not from the wall clock", ts)
	}
}

func TestSignerRefusesWithoutAKey(t *testing.T) {
	_, priv := newKey(t)
	tests := []struct {
		name   string
		signer *Signer
	}{
		{"nil signer", nil},
		{"no key id", &Signer{Key: priv, Audience: "sim-east"}},
		{"no key", &Signer{KeyID: "gateway", Audience: "sim-east"}},
		{"a public key", &Signer{KeyID: "gateway", Key: priv[:32], Audience: "sim-east"}},
		{"no audience", &Signer{KeyID: "gateway", Key: priv}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/tg1/records/AAAAAAAAAAAAAAAAAAAAAA", nil)
			err := tt.signer.Sign(req, nil)
			if !errors.Is(err, ErrNoSigningKey) {
				t.Fatalf("error %v, want ErrNoSigningKey", err)
			}
			if req.Header.Get(crypto.HeaderSignature) != "" || req.Header.Get(crypto.HeaderKeyID) != "" {
				t.Error("headers set although signing failed")
			}
			if want := "AAAAAAAAAAAAAAAAAAAAAA"; strings.Contains(err.Error(), want) {
				t.Errorf("error %q names the path, which may carry a locator", err)
			}
		})
	}
}
