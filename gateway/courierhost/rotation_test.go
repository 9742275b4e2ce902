package courierhost

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

func TestSetKeysRotatesWhileTheHostRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		const tn = "SW111111111111"
		var logs syncBuffer
		cfg := testConfig(t, now, newFakeSource(testParcel(tn, 1, now)))
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		h := mustNew(t, cfg)
		defer runHost(t, h)()
		synctest.Wait()
		old := cfg.Keys[0]
		oldRecord := clientLookup(t, h, old.Key, tn, "")

		// keys rotate: a new key valid from now, the old one shortened to
		// the overlap.
		next := KeyConfig{Key: newTestKey(t), NotBefore: now, NotAfter: now.Add(90 * 24 * time.Hour)}
		old.NotAfter = now.Add(time.Hour)
		if err := h.SetKeys([]KeyConfig{old, next}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the parcels are sealed under the new key at once, not at the next sweep

		keys, _ := h.Keys(t.Context())
		if len(keys) != 2 || !keys[0].NotAfter.Equal(old.NotAfter) || keys[1].KeyID != next.Key.Public().KeyID() {
			t.Fatalf("keys after the rotation: %+v", keys)
		}
		d := clientLookup(t, h, next.Key, tn, "") // evaluated under the new kid
		if rec, err := h.Record(t.Context(), d.Locator); err != nil || openView(t, d, rec).TrackingNumber != tn {
			t.Fatalf("the parcel under the new key: %v", err)
		}
		// The overlap: clients with the old directory are still answered.
		if rec, err := h.Record(t.Context(), oldRecord.Locator); err != nil || !rec.ExpiresAt.Equal(old.NotAfter) {
			t.Fatalf("the parcel under the old key during the overlap: %+v, %v; want it, expiring with the key", rec, err)
		}
		line := logs.String()
		if !strings.Contains(line, "OPRF keys changed") || !strings.Contains(line, next.Key.Public().KeyID()) {
			t.Errorf("the rotation is not logged by kid:\n%s", line)
		}

		// The old key retired: no longer served, its records gone.
		if err := h.SetKeys([]KeyConfig{next}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		b, _ := crypto.Blind(old.Key.Public(), [][]byte{crypto.Input(testCourier, tn, "")})
		if _, _, err := h.Evaluate(t.Context(), old.Key.Public().KeyID(), b.Elements); !errors.Is(err, api.ErrUnknownKey) {
			t.Errorf("evaluate under a removed key: %v, want ErrUnknownKey", err)
		}
		if _, err := h.Record(t.Context(), oldRecord.Locator); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("a record under a removed key: %v, want ErrNotFound", err)
		}
	})
}

func TestSetKeysRefusesABadSetAndKeepsTheKeys(t *testing.T) {
	now := time.Now()
	h := mustNew(t, testConfig(t, now, newFakeSource()))
	before, _ := h.Keys(context.Background())
	k := newTestKey(t)
	for name, keys := range map[string][]KeyConfig{
		"none":          nil,
		"empty window":  {{Key: k, NotBefore: now, NotAfter: now}},
		"a key twice":   {{Key: k, NotBefore: now, NotAfter: now.Add(time.Hour)}, {Key: k, NotBefore: now, NotAfter: now.Add(2 * time.Hour)}},
		"a missing key": {{NotBefore: now, NotAfter: now.Add(time.Hour)}},
	} {
		if err := h.SetKeys(keys); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
		}
	}
	if after, _ := h.Keys(context.Background()); len(after) != 1 || after[0].KeyID != before[0].KeyID {
		t.Errorf("keys after refused sets: %+v, want the first ones", after)
	}
}

func TestSetSigningKeySignsTheNextAnswers(t *testing.T) {
	var logs syncBuffer
	f := newHTTPFixture(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.host.SetSigningKey(priv); err != nil {
		t.Fatal(err)
	}
	f.answerKey = pub // checkAnswerSignature now wants the new key
	if rec := f.do(t, http.MethodGet, "/tg1/keys", nil, true); rec.Code != http.StatusOK {
		t.Fatalf("GET /tg1/keys: %d", rec.Code)
	}
	if line := logs.String(); !strings.Contains(line, "signing key changed") || !strings.Contains(line, crypto.EncodeB64(pub)) {
		t.Errorf("the new public key is not logged:\n%s", line)
	}
	if strings.Contains(logs.String(), crypto.EncodeB64(priv.Seed())) {
		t.Error("the private key is logged")
	}
	if err := f.host.SetSigningKey(ed25519.PrivateKey{1, 2}); !errors.Is(err, ErrConfig) {
		t.Errorf("a short key: %v, want ErrConfig", err)
	}
}
