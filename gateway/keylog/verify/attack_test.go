package verify_test

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/keylog"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

const day = 24 * time.Hour

// scene is an honest log with two couriers: sim-swift's first signing
// key (entry 0), its current key a (1) and next key b (2); sim-other's
// first signing key (3) and key a (4).
type scene struct {
	g            *gateway
	swift, other *keylogtest.Courier
}

func newScene(t *testing.T, witnesses map[string]ed25519.PublicKey) *scene {
	s := &scene{g: newGateway(t, witnesses), swift: keylogtest.NewCourier(t, "sim-swift"), other: keylogtest.NewCourier(t, "sim-other")}
	s.g.add(
		s.swift.First(), s.swift.Key("a", -10*day, 20*day), s.swift.Key("b", 10*day, 60*day),
		s.other.First(), s.other.Key("a", -10*day, 20*day),
	)
	return s
}

// swiftAsShown is what an honest gateway shows of sim-swift now.
func (s *scene) swiftAsShown() verify.Courier {
	return s.g.show("sim-swift", []int64{0}, []int64{1, 2})
}

// TestEachAttackIsCaughtWithItsOwnError is issue 12's list of attacks at
// the library level: what a dishonest gateway (or anyone between it and
// the courier host) can show a client, and the sentinel the client's
// Verifier answers with.
func TestEachAttackIsCaughtWithItsOwnError(t *testing.T) {
	tests := []struct {
		name   string
		attack func(t *testing.T, s *scene, client *verify.Verifier) error
		want   error
	}{
		// 1. A substituted key: the gateway's own OPRF key in place of
		// the courier's, so that it could evaluate and read numbers.
		{"a substituted key not in the log, at a real statement's index", func(t *testing.T, s *scene, client *verify.Verifier) error {
			s.g.mustUpdate(client)
			shown := s.swiftAsShown()
			shown.Keys[0].Entry = forgedKey(t, s)
			_, err := client.VerifyCourier(shown, keylogtest.Now)
			return err
		}, verify.ErrNotIncluded},
		{"a substituted key not in the log, past its end", func(t *testing.T, s *scene, client *verify.Verifier) error {
			s.g.mustUpdate(client)
			shown := s.swiftAsShown()
			shown.Keys = append(shown.Keys, verify.Proven{Index: s.g.size(), Entry: forgedKey(t, s)})
			_, err := client.VerifyCourier(shown, keylogtest.Now)
			return err
		}, verify.ErrNotIncluded},
		{"the courier's statement with another public key", func(t *testing.T, s *scene, client *verify.Verifier) error {
			s.g.mustUpdate(client)
			shown := s.swiftAsShown()
			k, err := keystatement.OpenKey(shown.Keys[0].Entry)
			if err != nil {
				t.Fatal(err)
			}
			// Same signature, other key and kid lines.
			forged := s.swift.Statement("gateway's", -10*day, 20*day)
			forged.SigningKey = k.SigningKey
			text, _ := forged.Text()
			sig := shown.Keys[0].Entry[len(mustText(t, k)):]
			shown.Keys[0].Entry = append([]byte(text), sig...)
			_, err = client.VerifyCourier(shown, keylogtest.Now)
			return err
		}, verify.ErrNotIncluded},
		{"a substituted key the gateway appended to the log itself", func(t *testing.T, s *scene, client *verify.Verifier) error {
			i := s.g.add(forgedKey(t, s))[0]
			s.g.mustUpdate(client)
			_, err := client.VerifyCourier(s.g.show("sim-swift", []int64{0}, []int64{1, i}), keylogtest.Now)
			return err
		}, verify.ErrSigningKeyChanged},
		{"another courier's real key", func(t *testing.T, s *scene, client *verify.Verifier) error {
			s.g.mustUpdate(client)
			_, err := client.VerifyCourier(s.g.show("sim-swift", []int64{0}, []int64{4}), keylogtest.Now)
			return err
		}, verify.ErrWrongCourier},
		{"a key statement shown as a signing-key statement", func(t *testing.T, s *scene, client *verify.Verifier) error {
			s.g.mustUpdate(client)
			_, err := client.VerifyCourier(s.g.show("sim-swift", []int64{0, 1}, []int64{2}), keylogtest.Now)
			return err
		}, verify.ErrMalformed},
		{"a statement shown with a signature that does not verify", func(t *testing.T, s *scene, client *verify.Verifier) error {
			// The log holds it (a dishonest log does not check), so only
			// its signature is wrong.
			bad := s.swift.Key("c", 30*day, 90*day)
			bad[len(bad)-10] ^= 1
			i := s.g.force(bad)
			s.g.mustUpdate(client)
			_, err := client.VerifyCourier(s.g.show("sim-swift", []int64{0}, []int64{1, i}), keylogtest.Now)
			return err
		}, verify.ErrBadSignature},

		// 2. A log forked for one client.
		{"a fork: the same size with another root", func(t *testing.T, s *scene, client *verify.Verifier) error {
			s.g.mustUpdate(client)
			fork := newGateway(t, nil)
			fork.add(s.swift.First(), forgedKey(t, s), s.swift.Key("b", 10*day, 60*day), s.other.First(), s.other.Key("a", -10*day, 20*day))
			_, err := fork.update(client)
			return err
		}, verify.ErrFork},
		{"a fork: a larger log that does not contain the one seen", func(t *testing.T, s *scene, client *verify.Verifier) error {
			s.g.mustUpdate(client)
			fork := newGateway(t, nil)
			fork.add(s.swift.First(), forgedKey(t, s), s.swift.Key("b", 10*day, 60*day))
			fork.add(s.other.First(), s.other.Key("a", -10*day, 20*day), s.other.Key("b", 10*day, 60*day), s.other.Rotate())
			_, err := fork.update(client) // a proof from 5 to 7 in the fork
			return err
		}, verify.ErrFork},
		{"a fork: a larger log shown without a proof", func(t *testing.T, s *scene, client *verify.Verifier) error {
			s.g.mustUpdate(client)
			s.g.add(s.swift.Key("c", 50*day, 100*day))
			cp, err := s.g.log.Checkpoint(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.Update(cp, nil)
			return err
		}, verify.ErrFork},

		// 3. A rolled-back checkpoint: an older, genuine one, hiding what
		// came after.
		{"a rolled-back checkpoint", func(t *testing.T, s *scene, client *verify.Verifier) error {
			older, err := s.g.log.Checkpoint(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			s.g.add(s.swift.Rotate())
			s.g.mustUpdate(client)
			_, err = client.Update(older, nil)
			return err
		}, verify.ErrRollback},
		{"a rolled-back checkpoint after the client restarted", func(t *testing.T, s *scene, client *verify.Verifier) error {
			older, err := s.g.log.Checkpoint(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			s.g.add(s.swift.Rotate())
			s.g.mustUpdate(client)
			restarted := restart(t, client, verify.Config{})
			_, err = restarted.Update(older, nil)
			return err
		}, verify.ErrRollback},

		// 4. Three live keys: enough to tell clients apart.
		{"three live keys", func(t *testing.T, s *scene, client *verify.Verifier) error {
			i := s.g.add(s.swift.Key("c", -1*day, 30*day))[0]
			s.g.mustUpdate(client)
			_, err := client.VerifyCourier(s.g.show("sim-swift", []int64{0}, []int64{1, 2, i}), keylogtest.Now.Add(11*day))
			return err
		}, verify.ErrTooManyLiveKeys},

		// 5. A changed signing key: whoever holds the new key speaks for
		// the courier.
		{"a signing key changed with only the new key's signature", func(t *testing.T, s *scene, client *verify.Verifier) error {
			gatewayKey := keylogtest.SigningKey("gateway")
			change := dropLastSignature(mustSignChange(t, "sim-swift", gatewayKey, s.swift.Signing))
			ci := s.g.force(change)
			forged := s.swift.Statement("gateway's", -1*day, 30*day)
			forged.SigningKey = keylogtest.Public(gatewayKey)
			ki := s.g.add(keylogtest.SignKey(t, forged, gatewayKey))[0]
			s.g.mustUpdate(client)
			_, err := client.VerifyCourier(s.g.show("sim-swift", []int64{0, ci}, []int64{ki}), keylogtest.Now)
			return err
		}, verify.ErrSigningKeyChanged},
		{"a signing key restarted as a first key", func(t *testing.T, s *scene, client *verify.Verifier) error {
			gatewayKey := keylogtest.SigningKey("gateway")
			first, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: "sim-swift", Key: keylogtest.Public(gatewayKey)}, gatewayKey, nil)
			if err != nil {
				t.Fatal(err)
			}
			ci := s.g.add(first)[0]
			s.g.mustUpdate(client)
			_, err = client.VerifyCourier(s.g.show("sim-swift", []int64{0, ci}, []int64{1}), keylogtest.Now)
			return err
		}, verify.ErrSigningKeyChanged},
		{"a history without the key pinned on first sight", func(t *testing.T, s *scene, client *verify.Verifier) error {
			s.g.mustUpdate(client)
			if _, err := client.VerifyCourier(s.swiftAsShown(), keylogtest.Now); err != nil {
				t.Fatal(err)
			}
			// Another history, from a first key of the gateway's.
			impostor := keylogtest.NewCourier(t, "sim-swift")
			impostor.Signing = keylogtest.SigningKey("gateway")
			idx := s.g.add(impostor.First(), impostor.Key("x", -1*day, 30*day))
			s.g.mustUpdate(client)
			_, err := client.VerifyCourier(s.g.show("sim-swift", idx[:1], idx[1:]), keylogtest.Now)
			return err
		}, verify.ErrSigningKeyChanged},
		{"a history without the configured pin", func(t *testing.T, s *scene, _ *verify.Verifier) error {
			client := newClient(t, verify.Config{Pins: map[string]ed25519.PublicKey{"sim-swift": keylogtest.Public(keylogtest.SigningKey("the real one"))}})
			s.g.mustUpdate(client)
			_, err := client.VerifyCourier(s.swiftAsShown(), keylogtest.Now)
			return err
		}, verify.ErrSigningKeyChanged},
		{"a rotation hidden from a client that saw it", func(t *testing.T, s *scene, client *verify.Verifier) error {
			ri := s.g.add(s.swift.Rotate())[0]
			s.g.mustUpdate(client)
			if _, err := client.VerifyCourier(s.g.show("sim-swift", []int64{0, ri}, nil), keylogtest.Now); err != nil {
				t.Fatal(err)
			}
			_, err := client.VerifyCourier(s.g.show("sim-swift", []int64{0}, []int64{1}), keylogtest.Now)
			return err
		}, verify.ErrSigningKeyChanged},
		{"a key added by a retired signing key", func(t *testing.T, s *scene, client *verify.Verifier) error {
			retired := s.swift.Signing
			ri := s.g.add(s.swift.Rotate())[0]
			stale := s.swift.Statement("stolen", -1*day, 30*day)
			stale.SigningKey = keylogtest.Public(retired)
			ki := s.g.add(keylogtest.SignKey(t, stale, retired))[0]
			s.g.mustUpdate(client)
			_, err := client.VerifyCourier(s.g.show("sim-swift", []int64{0, ri}, []int64{ki}), keylogtest.Now)
			return err
		}, verify.ErrSigningKeyChanged},

		// The checkpoint itself.
		{"a checkpoint signed by another key", func(t *testing.T, s *scene, client *verify.Verifier) error {
			other, err := keylog.New(keylog.NewMemory(), keylog.Config{Origin: keylogtest.Origin, Key: keylogtest.SigningKey("gateway")})
			if err != nil {
				t.Fatal(err)
			}
			cp, err := other.Checkpoint(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.Update(cp, nil)
			return err
		}, verify.ErrBadSignature},
		{"a statement with no checkpoint trusted", func(t *testing.T, s *scene, client *verify.Verifier) error {
			_, err := client.VerifyCourier(s.swiftAsShown(), keylogtest.Now)
			return err
		}, verify.ErrNotIncluded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScene(t, nil)
			err := tt.attack(t, s, newClient(t, verify.Config{}))
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			// Each attack has its own error, and no other sentinel.
			for _, other := range sentinels {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("%v is also %v", err, other)
				}
			}
		})
	}
}

var sentinels = []error{
	verify.ErrMalformed, verify.ErrBadSignature, verify.ErrNotWitnessed, verify.ErrRollback, verify.ErrFork,
	verify.ErrNotIncluded, verify.ErrSigningKeyChanged, verify.ErrTooManyLiveKeys, verify.ErrWrongCourier,
}

func TestAnHonestLogPasses(t *testing.T) {
	s := newScene(t, nil)
	client := newClient(t, verify.Config{})
	s.g.mustUpdate(client)
	keys, err := client.VerifyCourier(s.swiftAsShown(), keylogtest.Now)
	if err != nil || len(keys) != 2 || keys[0].KeyID() != s.swift.Statement("a", 0, 1).KeyID() || keys[1].KeyID() != s.swift.Statement("b", 0, 1).KeyID() {
		t.Fatalf("VerifyCourier = %v, %v; want keys a and b", keys, err)
	}
	// The courier rotates its signing key and publishes a key with the
	// new one; the client, restarted from its saved state, follows.
	ri := s.g.add(s.swift.Rotate())[0]
	ki := s.g.add(s.swift.Key("c", 50*day, 100*day))[0]
	client = restart(t, client, verify.Config{})
	s.g.mustUpdate(client)
	keys, err = client.VerifyCourier(s.g.show("sim-swift", []int64{0, ri}, []int64{1, 2, ki}), keylogtest.Now)
	if err != nil || len(keys) != 3 {
		t.Fatalf("after a rotation: %v, %v", keys, err)
	}
	if pin := client.State().Pins["sim-swift"]; string(pin) != string(keylogtest.Public(s.swift.Signing)) {
		t.Errorf("pinned %x, want the current signing key", pin)
	}
	// A configured pin of the first key still holds after the rotation.
	pinned := newClient(t, verify.Config{Pins: map[string]ed25519.PublicKey{"sim-swift": keylogtest.Public(keylogtest.SigningKey("sim-swift 0"))}})
	s.g.mustUpdate(pinned)
	if _, err := pinned.VerifyCourier(s.g.show("sim-swift", []int64{0, ri}, []int64{ki}), keylogtest.Now); err != nil {
		t.Errorf("with a configured pin: %v", err)
	}
	if st := pinned.State(); len(st.Pins) != 0 {
		t.Errorf("a configured pin was saved as seen: %v", st.Pins)
	}
}

// restart saves v's state as JSON and starts a new Verifier from it.
func restart(t *testing.T, v *verify.Verifier, cfg verify.Config) *verify.Verifier {
	t.Helper()
	saved, err := json.Marshal(v.State())
	if err != nil {
		t.Fatal(err)
	}
	var st verify.State
	if err := json.Unmarshal(saved, &st); err != nil {
		t.Fatal(err)
	}
	cfg.Origin, cfg.LogKey = keylogtest.Origin, keylogtest.Public(logKey)
	restarted, err := verify.New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	return restarted
}

// forgedKey is a key statement for sim-swift made by the gateway: its
// own OPRF key, signed by its own key, which it names.
func forgedKey(t *testing.T, s *scene) []byte {
	gatewayKey := keylogtest.SigningKey("gateway")
	k := s.swift.Statement("gateway's", -10*day, 20*day)
	k.SigningKey = keylogtest.Public(gatewayKey)
	return keylogtest.SignKey(t, k, gatewayKey)
}

func mustText(t *testing.T, k keystatement.Key) string {
	text, err := k.Text()
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// mustSignChange is a change of courier's signing key from previous to
// next, signed by both.
func mustSignChange(t *testing.T, courier string, next, previous ed25519.PrivateKey) []byte {
	msg, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: courier, Key: keylogtest.Public(next), Previous: keylogtest.Public(previous)}, next, previous)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// dropLastSignature removes a signed note's last signature line.
func dropLastSignature(msg []byte) []byte {
	body := msg[:len(msg)-1]
	for i := len(body) - 1; i >= 0; i-- {
		if body[i] == '\n' {
			return msg[:i+1]
		}
	}
	return msg
}
