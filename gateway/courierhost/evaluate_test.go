package courierhost

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// validElement is a valid, non-identity group element: a public key is one.
func validElement(t testing.TB) []byte {
	t.Helper()
	return newTestKey(t).Public().Bytes()
}

func TestEvaluateRejectsInvalidRequests(t *testing.T) {
	clk := newClock()
	cfg := testConfig(t, clk.Now(), newFakeSource())
	expired := KeyConfig{Key: newTestKey(t), NotBefore: clk.Now().Add(-48 * time.Hour), NotAfter: clk.Now().Add(-time.Hour)}
	future := KeyConfig{Key: newTestKey(t), NotBefore: clk.Now().Add(time.Hour), NotAfter: clk.Now().Add(48 * time.Hour)}
	cfg.Keys = append(cfg.Keys, expired, future)
	cfg.Now = clk.Now
	h := mustNew(t, cfg)
	kid := cfg.Keys[0].Key.Public().KeyID()
	good := validElement(t)
	nine := make([][]byte, crypto.MaxBatch+1)
	for i := range nine {
		nine[i] = good
	}
	notOnCurve := make([]byte, crypto.ElementSize)
	for i := range notOnCurve {
		notOnCurve[i] = 0xff
	}

	tests := []struct {
		name    string
		kid     string
		blinded [][]byte
		want    error
	}{
		{"identity element", kid, [][]byte{make([]byte, crypto.ElementSize)}, crypto.ErrInvalidElement},
		{"short element", kid, [][]byte{good[:31]}, crypto.ErrInvalidElement},
		{"long element", kid, [][]byte{append(append([]byte(nil), good...), 0)}, crypto.ErrInvalidElement},
		{"undecodable element", kid, [][]byte{notOnCurve}, crypto.ErrInvalidElement},
		{"one bad element among good", kid, [][]byte{good, make([]byte, crypto.ElementSize)}, crypto.ErrInvalidElement},
		{"too many elements", kid, nine, crypto.ErrBatchTooLarge},
		{"no elements", kid, nil, crypto.ErrEmptyBatch},
		{"unknown kid", "AAAAAAAAAAA", [][]byte{good}, api.ErrUnknownKey},
		{"empty kid", "", [][]byte{good}, api.ErrUnknownKey},
		{"expired kid", expired.Key.Public().KeyID(), [][]byte{good}, api.ErrUnknownKey},
		{"kid not valid yet", future.Key.Public().KeyID(), [][]byte{good}, api.ErrUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, proof, err := h.Evaluate(t.Context(), tt.kid, tt.blinded)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if errors.Is(tt.want, api.ErrUnknownKey) == errors.Is(err, api.ErrInvalidInput) {
				t.Errorf("error %v: a bad element must be ErrInvalidInput, a bad kid not", err)
			}
			if ev != nil || proof != nil {
				t.Error("an error came with evaluated elements")
			}
		})
	}
}

func TestEvaluateRateLimitRefusesAtOnce(t *testing.T) {
	clk := newClock()
	cfg := testConfig(t, clk.Now(), newFakeSource())
	cfg.EvaluateRate = 1 // one element per second
	cfg.EvaluateBurst = crypto.MaxBatch
	cfg.Now = clk.Now // frozen: a host that waited for tokens would hang here
	h := mustNew(t, cfg)
	kid := cfg.Keys[0].Key.Public().KeyID()
	batch := make([][]byte, crypto.MaxBatch)
	for i := range batch {
		batch[i] = validElement(t)
	}

	if _, _, err := h.Evaluate(t.Context(), kid, batch); err != nil {
		t.Fatalf("first full batch: %v", err)
	}
	_, _, err := h.Evaluate(t.Context(), kid, batch[:1])
	if !errors.Is(err, api.ErrRateLimited) {
		t.Fatalf("past the burst: %v, want ErrRateLimited", err)
	}
	if got := RetryAfter(err); got != time.Second {
		t.Errorf("RetryAfter = %v, want 1s for one element at 1/s", got)
	}
	// A refused request takes no tokens: after 2 s exactly 2 elements pass.
	clk.Advance(2 * time.Second)
	if _, _, err := h.Evaluate(t.Context(), kid, batch[:2]); err != nil {
		t.Errorf("after refilling 2 tokens, 2 elements: %v", err)
	}
	if _, _, err := h.Evaluate(t.Context(), kid, batch[:1]); !errors.Is(err, api.ErrRateLimited) {
		t.Errorf("third element after 2 s: %v, want ErrRateLimited", err)
	}
}

func TestEvaluateInvalidRequestsSpendNoTokens(t *testing.T) {
	clk := newClock()
	cfg := testConfig(t, clk.Now(), newFakeSource())
	cfg.EvaluateRate = 1
	cfg.EvaluateBurst = crypto.MaxBatch
	cfg.Now = clk.Now
	h := mustNew(t, cfg)
	kid := cfg.Keys[0].Key.Public().KeyID()
	bad := make([][]byte, crypto.MaxBatch)
	for i := range bad {
		bad[i] = make([]byte, crypto.ElementSize)
	}
	for range 3 {
		if _, _, err := h.Evaluate(t.Context(), kid, bad); !errors.Is(err, api.ErrInvalidInput) {
			t.Fatalf("identity batch: %v", err)
		}
	}
	if _, _, err := h.Evaluate(t.Context(), kid, [][]byte{validElement(t)}); err != nil {
		t.Errorf("valid element after refused ones: %v", err)
	}
}

func TestEvaluateHonoursACancelledContext(t *testing.T) {
	cfg := testConfig(t, time.Now(), newFakeSource())
	h := mustNew(t, cfg)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := h.Evaluate(ctx, cfg.Keys[0].Key.Public().KeyID(), [][]byte{validElement(t)}); err == nil {
		t.Error("evaluated under a cancelled context")
	}
}
