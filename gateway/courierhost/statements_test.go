package courierhost

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/openapi"
)

func newSigningKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return sk
}

func publicOf(sk ed25519.PrivateKey) ed25519.PublicKey { return sk.Public().(ed25519.PublicKey) }

// checkStatements opens what the host served beside its keys and checks
// it states exactly those keys, with the host's mode, factor and bucket
// bits, signed by signedBy, and that the signing-key statements are a
// history ending with signedBy. It returns the signing keys the history
// went through.
func checkStatements(t *testing.T, cfg Config, answer api.KeysResponse, signedBy ed25519.PublicKey) []ed25519.PublicKey {
	t.Helper()
	if len(answer.Statements) != len(answer.Keys) {
		t.Fatalf("%d statements for %d keys", len(answer.Statements), len(answer.Keys))
	}
	history := keystatement.NewHistory(cfg.Courier)
	var went []ed25519.PublicKey
	for i, msg := range answer.SigningKeys {
		s, err := keystatement.OpenSigningKey([]byte(msg))
		if err != nil {
			t.Fatalf("signing-key statement %d: %v", i, err)
		}
		if err := history.Change(s); err != nil {
			t.Fatalf("signing-key statement %d: %v", i, err)
		}
		went = append(went, s.Key)
	}
	if !bytes.Equal(history.Current(), signedBy) {
		t.Fatalf("the signing-key statements end with %s, want the host's key %s", crypto.EncodeB64(history.Current()), crypto.EncodeB64(signedBy))
	}
	for i, msg := range answer.Statements {
		k, err := keystatement.OpenKey([]byte(msg))
		if err != nil {
			t.Fatalf("key statement %d: %v", i, err)
		}
		if err := history.Check(k); err != nil {
			t.Fatalf("key statement %d: %v", i, err)
		}
		want := answer.Keys[i]
		if k.KeyID() != want.KeyID || !bytes.Equal(k.PublicKey, want.PublicKey) || !k.NotBefore.Equal(want.NotBefore) || !k.NotAfter.Equal(want.NotAfter) {
			t.Errorf("statement %d states %s %s–%s, the host lists %s %s–%s", i, k.KeyID(), k.NotBefore, k.NotAfter, want.KeyID, want.NotBefore, want.NotAfter)
		}
		if k.Mode != cfg.Mode || k.Factor != cfg.Factor || k.BucketBits != cfg.BucketBits {
			t.Errorf("statement %d: mode %s factor %s bucket bits %d, the host's are %s %s %d", i, k.Mode, k.Factor, k.BucketBits, cfg.Mode, cfg.Factor, cfg.BucketBits)
		}
	}
	if err := keystatement.CheckOverlap(openKeys(t, answer.Statements)); err != nil {
		t.Errorf("the host's own keys: %v", err)
	}
	return went
}

func openKeys(t *testing.T, statements []string) []keystatement.Key {
	t.Helper()
	var out []keystatement.Key
	for _, msg := range statements {
		k, err := keystatement.OpenKey([]byte(msg))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	return out
}

func TestKeysAnswerStatesEveryKeyOverHTTP(t *testing.T) {
	f := newHTTPFixture(t, func(c *Config) {
		c.Factor = crypto.FactorPhoneLast4
		// A window with fractions of a second: statements and the key
		// list both carry it to the second.
		c.Keys[0].NotBefore = c.Keys[0].NotBefore.Add(300 * time.Millisecond)
	})
	rec := f.do(t, http.MethodGet, "/tg1/keys", nil, true)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /tg1/keys: %d %s", rec.Code, rec.Body)
	}
	validateHostAnswer(t, http.MethodGet, "/tg1/keys", rec.Code, rec.Header(), rec.Body.Bytes())
	var answer api.KeysResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
		t.Fatal(err)
	}
	went := checkStatements(t, f.cfg, answer, f.answerKey)
	if len(went) != 1 {
		t.Errorf("a host that never changed its key serves %d signing-key statements, want its first", len(went))
	}
	if got := answer.Keys[0].NotBefore; got.Nanosecond() != 0 || !got.Equal(f.cfg.Keys[0].NotBefore.Truncate(time.Second)) {
		t.Errorf("not_before %s, want the configured one to the second", got)
	}
}

func validateHostAnswer(t *testing.T, method, path string, status int, header http.Header, body []byte) {
	t.Helper()
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	v, err := openapi.NewValidator(doc)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(method, path, nil)
	if err := v.ValidateResponse(req, status, header, body); err != nil {
		t.Errorf("the answer does not match openapi/tg1.yaml: %v", err)
	}
}

func TestStatementsFollowRotationsWithoutARestart(t *testing.T) {
	clk := newClock()
	cfg := testConfig(t, clk.Now(), newFakeSource())
	cfg.Now = clk.Now
	first := newSigningKey(t)
	cfg.SigningKey = first
	h := mustNew(t, cfg)
	answer, err := h.KeysAnswer(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	checkStatements(t, cfg, answer, publicOf(first))
	before := answer.SigningKeys

	// An OPRF key rotation: the new set is stated at once.
	now := clk.Now().UTC().Truncate(time.Second)
	old := cfg.Keys[0]
	old.NotAfter = now.Add(time.Hour)
	next := KeyConfig{Key: newTestKey(t), NotBefore: now, NotAfter: now.Add(90 * 24 * time.Hour)}
	if err := h.SetKeys([]KeyConfig{old, next}); err != nil {
		t.Fatal(err)
	}
	answer, err = h.KeysAnswer(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	checkStatements(t, cfg, answer, publicOf(first))
	if len(answer.Statements) != 2 || openKeys(t, answer.Statements)[1].KeyID() != next.Key.Public().KeyID() {
		t.Fatalf("after the rotation the host states %d keys, want the old one and %s", len(answer.Statements), next.Key.Public().KeyID())
	}

	// A signing key change: stated by the old key and the new one, and
	// every key statement signed by the new one.
	second := newSigningKey(t)
	if err := h.SetSigningKey(second); err != nil {
		t.Fatal(err)
	}
	answer, err = h.KeysAnswer(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	went := checkStatements(t, cfg, answer, publicOf(second))
	if len(went) != 2 || !bytes.Equal(went[0], publicOf(first)) || answer.SigningKeys[0] != before[0] {
		t.Fatalf("the history %d keys long, want the first key's statement as before and then the change", len(went))
	}
	change, err := keystatement.OpenSigningKey([]byte(answer.SigningKeys[1]))
	if err != nil || !bytes.Equal(change.Previous, publicOf(first)) {
		t.Fatalf("the change: %+v, %v; want it signed by the previous key too", change, err)
	}

	// Setting the same key again changes nothing.
	if err := h.SetSigningKey(second); err != nil {
		t.Fatal(err)
	}
	again, _ := h.KeysAnswer(t.Context())
	if len(again.SigningKeys) != 2 {
		t.Errorf("the same key set again made %d statements", len(again.SigningKeys))
	}
}

func TestSigningKeyStatementsFromConfiguration(t *testing.T) {
	a, b, c := newSigningKey(t), newSigningKey(t), newSigningKey(t)
	sign := func(s keystatement.SigningKey, key, previous ed25519.PrivateKey) []byte {
		t.Helper()
		msg, err := keystatement.SignSigningKey(s, key, previous)
		if err != nil {
			t.Fatal(err)
		}
		return msg
	}
	firstA := sign(keystatement.SigningKey{Courier: testCourier, Key: publicOf(a)}, a, nil)
	aToB := sign(keystatement.SigningKey{Courier: testCourier, Key: publicOf(b), Previous: publicOf(a)}, b, a)
	bToC := sign(keystatement.SigningKey{Courier: testCourier, Key: publicOf(c), Previous: publicOf(b)}, c, b)
	firstB := sign(keystatement.SigningKey{Courier: testCourier, Key: publicOf(b)}, b, nil)
	otherCourier := sign(keystatement.SigningKey{Courier: "other-post", Key: publicOf(a)}, a, nil)
	// A change signed by the new key alone: what a thief of the name
	// would write.
	unsigned, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: testCourier, Key: publicOf(c)}, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		key        ed25519.PrivateKey
		statements [][]byte
		served     int // signing-key statements served; 0: refused
	}{
		{"the chain to the key", b, [][]byte{firstA, aToB}, 2},
		{"a chain past the key, its file not yet replaced", b, [][]byte{firstA, aToB, bToC}, 2},
		{"a chain that never reaches the key", c, [][]byte{firstA, aToB}, 0},
		{"a second first key", b, [][]byte{firstA, firstB}, 0},
		{"a gap", c, [][]byte{firstA, bToC}, 0},
		{"a change signed by the new key alone", c, [][]byte{firstA, unsigned}, 0},
		{"another courier's", a, [][]byte{otherCourier}, 0},
		{"not a statement", a, [][]byte{[]byte("tg1 signing key\n")}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, time.Now(), newFakeSource())
			cfg.SigningKey, cfg.SigningKeyStatements = tt.key, tt.statements
			h, err := New(cfg)
			if tt.served == 0 {
				if !errors.Is(err, ErrConfig) {
					t.Fatalf("New: %v, want ErrConfig", err)
				}
				if err := CheckSigningKeyStatements(testCourier, tt.key, tt.statements); !errors.Is(err, ErrConfig) {
					t.Errorf("CheckSigningKeyStatements: %v, want ErrConfig", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			answer, err := h.KeysAnswer(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if len(answer.SigningKeys) != tt.served {
				t.Fatalf("%d signing-key statements served, want %d", len(answer.SigningKeys), tt.served)
			}
			checkStatements(t, cfg, answer, publicOf(tt.key))
			// The same statements given again while the host runs change
			// nothing; a refused set leaves them as they were.
			if err := h.SetSigningKey(tt.key, tt.statements...); err != nil {
				t.Fatal(err)
			}
			if err := h.SetSigningKey(c, firstA); !errors.Is(err, ErrConfig) {
				t.Errorf("statements that do not reach the key: %v, want ErrConfig", err)
			}
			again, _ := h.KeysAnswer(t.Context())
			if len(again.SigningKeys) != tt.served || again.SigningKeys[0] != answer.SigningKeys[0] {
				t.Errorf("the statements changed after a refused change")
			}
		})
	}
}

func TestAHostWithoutASigningKeyStatesNothing(t *testing.T) {
	h := mustNew(t, testConfig(t, time.Now(), newFakeSource()))
	answer, err := h.KeysAnswer(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(answer.Keys) != 1 || answer.Statements == nil || len(answer.Statements) != 0 || answer.SigningKeys == nil || len(answer.SigningKeys) != 0 {
		t.Fatalf("answer %+v, want the key and empty (not null) statements", answer)
	}
	cfg := testConfig(t, time.Now(), newFakeSource())
	cfg.SigningKeyStatements = [][]byte{[]byte("x")}
	if _, err := New(cfg); !errors.Is(err, ErrConfig) {
		t.Errorf("statements without a signing key: %v, want ErrConfig", err)
	}
}
