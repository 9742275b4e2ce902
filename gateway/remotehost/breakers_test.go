package remotehost

import (
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/telemetry"
)

func TestBreakerStatesReportTheBreakerOpening(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	c := New(srv.URL, &signing.Signer{KeyID: "gateway", Key: key, Audience: testCourier}, testAnswerPub, nil)
	if got := c.BreakerStates(); !slices.Equal(got, []telemetry.BreakerState{telemetry.BreakerClosed}) {
		t.Fatalf("a new client's breakers: %v, want one closed", got)
	}
	for range breakerTrip {
		_, _ = c.Keys(t.Context())
	}
	if got := c.BreakerStates(); !slices.Equal(got, []telemetry.BreakerState{telemetry.BreakerOpen}) {
		t.Fatalf("after %d failures: %v, want one open", breakerTrip, got)
	}
}
