package config

import (
	"context"
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/keylog"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

func TestKeyLogSectionErrorsNameTheirField(t *testing.T) {
	f := newFixture(t)
	witness := keylogtest.Public(keylogtest.SigningKey("witness"))
	witnessKey, err := keystatement.VerifierKey("witness.example", witness)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		path      string
		value     any
		wantField string
		wantText  string
	}{
		{"no section", "key_log", nil, "key_log", "keys gen"},
		{"no origin", "key_log.origin", "", "key_log.origin", "trackgate.example/log"},
		{"an origin with a space", "key_log.origin", "my log", "key_log.origin", "without spaces"},
		{"no key", "key_log.key", nil, "key_log.key", "keys gen"},
		{"a missing key file", "key_log.key", "nowhere.key", "key_log.key", "does not exist"},
		{"the gateway's own key", "key_log.key", "gateway-signing.key", "key_log.key", "signing_key"},
		{"an OPRF key", "key_log.key", "single-oprf.key", "key_log.key", "OPRF key"},
		{"a witness key that is not one", "key_log.witnesses", []any{map[string]any{"name": "w", "key": "w+00000000+AAAA"}}, "key_log.witnesses[0].key", "verifier key"},
		{"a witness named otherwise than its key", "key_log.witnesses", []any{map[string]any{"name": "other", "key": witnessKey}}, "key_log.witnesses[0].key", "witness.example"},
		{"a witness twice", "key_log.witnesses", []any{map[string]any{"name": "witness.example", "key": witnessKey}, map[string]any{"name": "witness.example", "key": witnessKey}}, "key_log.witnesses[1].name", "twice"},
		{"a quorum above the witnesses", "key_log.quorum", 1, "key_log.quorum", "from 0 to the 0 witnesses"},
		{"an unknown field", "key_log.witness", "x", "key_log.witness", "witnesses"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := f.gatewayDoc()
			edit(t, doc, tt.path, tt.value)
			_, err := parseGateway(marshal(t, doc), f.dir, f.opts())
			if err == nil {
				t.Fatal("accepted")
			}
			fe := fieldOf(t, err)
			if fe.Field != tt.wantField || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("error %q, want field %s and %q", err, tt.wantField, tt.wantText)
			}
		})
	}

	doc := f.gatewayDoc()
	edit(t, doc, "key_log.witnesses", []any{map[string]any{"name": "witness.example", "key": witnessKey}})
	edit(t, doc, "key_log.quorum", 1)
	g, err := parseGateway(marshal(t, doc), f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	if !g.KeyLog.witnesses["witness.example"].Equal(witness) || g.KeyLog.Quorum != 1 || !g.KeyLog.key.Public().(ed25519.PublicKey).Equal(f.logPub) {
		t.Fatalf("key log %+v", g.KeyLog)
	}
}

// TestConfiguredKeyLogIsSharedThroughRedis: two gateways built from one
// file keep one key log in Redis, under the store's key prefix, signed
// with the file's key.
func TestConfiguredKeyLogIsSharedThroughRedis(t *testing.T) {
	r := redistest.Single(t)
	f := newFixture(t)
	doc := f.gatewayDoc()
	handlers := twoGatewaysOnRedis(t, f, doc, r)
	logKey, err := keyfile.LoadSigning(f.dir + "/log-signing.key")
	if err != nil {
		t.Fatal(err)
	}
	prefix := doc["redis"].(map[string]any)["key_prefix"].(string)
	l, err := keylog.New(keylog.NewRedis(r.Client, keylog.WithKeyPrefix(prefix)), keylog.Config{Origin: "trackgate.example/log", Key: logKey})
	if err != nil {
		t.Fatal(err)
	}
	c := keylogtest.NewCourier(t, "sim-panda")
	if _, err := l.Append(context.Background(), c.First()); err != nil {
		t.Fatal(err)
	}
	want, err := l.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range handlers {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/log/checkpoint", nil))
		if rec.Code != http.StatusOK || rec.Body.String() != string(want) {
			t.Errorf("gateway %d serves %d %q, want the checkpoint of the log in Redis, %q", i, rec.Code, rec.Body, want)
		}
	}
}
