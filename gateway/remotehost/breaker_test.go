package remotehost

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/signing"
)

func TestBreakerStopsAskingAFailingHost(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	c := New(srv.URL, &signing.Signer{KeyID: "gateway", Key: key, Audience: testCourier}, testAnswerPub, nil)
	for i := 0; i < breakerTrip; i++ {
		if _, err := c.Keys(t.Context()); !errors.Is(err, api.ErrUnavailable) {
			t.Fatalf("call %d: err %v, want ErrUnavailable", i, err)
		}
	}
	_, err := c.Keys(t.Context())
	if !errors.Is(err, api.ErrUnavailable) || !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("after %d failures: err %v, want ErrUnavailable wrapping ErrCircuitOpen", breakerTrip, err)
	}
	if n := hits.Load(); n != breakerTrip {
		t.Fatalf("the host was asked %d times, want %d: the open breaker must not ask it", n, breakerTrip)
	}
}

func TestBreakerIgnoresAnswersThatAreNotFailures(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	c := New(srv.URL, &signing.Signer{KeyID: "gateway", Key: key, Audience: testCourier}, testAnswerPub, nil)
	for i := 0; i < 2*breakerTrip; i++ {
		c.Keys(t.Context())
	}
	if n := hits.Load(); n != 2*breakerTrip {
		t.Fatalf("the host was asked %d times, want %d: 429 answers must not open the breaker", n, 2*breakerTrip)
	}
}
