package gateway

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/signing/redisnonce"
	"github.com/trackgate/trackgate/gateway/signing/signingtest"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

// TestAttackReplayedPublish: an attacker who captured a courier's signed
// publish sends it again within the 300 s window, to the same gateway or
// to another gateway of the deployment, to bring back what a later
// publish replaced. Revision 1 signed no nonce, so both gateways accepted
// the copy; now the (key id, nonce) pair is remembered in the Redis the
// gateways share and the copy is 401 everywhere.
func TestAttackReplayedPublish(t *testing.T) {
	r := redistest.Single(t)
	shared, err := redisnonce.New(r.Client, r.Prefix(t))
	if err != nil {
		t.Fatal(err)
	}
	var cfg Config
	h := newHarness(t, func(c *Config) { c.Nonces = shared; cfg = *c })
	cfg.Store = h.store     // the records too are shared
	second, err := New(cfg) // another gateway on the same Redis
	if err != nil {
		t.Fatal(err)
	}
	secondSrv := httptest.NewServer(second.Handler())
	defer secondSrv.Close()

	body := mustJSON(t, api.Records{Records: []crypto.SealedRecord{h.sealedFor("alpha", 1)}})
	req := httptest.NewRequest(http.MethodPut, "/v1/couriers/alpha/records", nil)
	req.Header.Set("Content-Type", "application/json")
	if err := h.signers["alpha"].Sign(req, body); err != nil {
		t.Fatal(err)
	}
	captured := signingtest.Capture(req, body)

	if status := captured.SendTo(t, h.srv.URL); status != http.StatusOK {
		t.Fatalf("the genuine publish: %d", status)
	}
	if status := captured.SendTo(t, h.srv.URL); status != http.StatusUnauthorized {
		t.Errorf("the publish replayed to the same gateway: %d, want 401", status)
	}
	if status := captured.SendTo(t, secondSrv.URL); status != http.StatusUnauthorized {
		t.Errorf("the publish replayed to another gateway on the same Redis: %d, want 401", status)
	}
	// A fresh signature of the same body is a new request, and passes.
	if status, answer := h.publish(h.signers["alpha"], "alpha", body); status != http.StatusOK {
		t.Errorf("a fresh publish after the replay: %d %s", status, answer)
	}
}

// TestPublishSignedForAnotherGatewayIsRefused: a publish signed for
// another deployment's gateway (another gateway_id) is not accepted here.
func TestPublishSignedForAnotherGatewayIsRefused(t *testing.T) {
	h := newHarness(t)
	body := mustJSON(t, api.Records{Records: []crypto.SealedRecord{h.sealedFor("alpha", 1)}})
	if status, answer := h.publish(h.signers["alpha"].For("gateway-eu"), "alpha", body); status != http.StatusUnauthorized {
		t.Errorf("publish for another audience: %d %s, want 401", status, answer)
	}
}

// TestPublishIsRefusedWhenTheNonceStoreFails: with Redis down the gateway
// cannot tell a replay, so it refuses the publish with 503 (the courier
// host retries) rather than letting it through.
func TestPublishIsRefusedWhenTheNonceStoreFails(t *testing.T) {
	r := redistest.Stoppable(t)
	nonces, _ := redisnonce.New(r.Client, r.Prefix(t))
	h := newHarness(t, func(c *Config) { c.Nonces = nonces })
	r.Server.Stop(t)
	body := mustJSON(t, api.Records{Records: []crypto.SealedRecord{h.sealedFor("alpha", 1)}})
	if status, answer := h.publish(h.signers["alpha"], "alpha", body); status != http.StatusServiceUnavailable {
		t.Errorf("publish with the nonce store down: %d %s, want 503", status, answer)
	}
}
