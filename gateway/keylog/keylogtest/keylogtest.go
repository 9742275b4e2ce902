// Package keylogtest makes couriers, keys and statements for the tests
// of the key log and its clients: deterministic Ed25519 and OPRF keys
// named by labels, and a Courier that signs statements the way a courier
// host does.
package keylogtest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
)

// Now is a fixed clock for tests of key windows.
var Now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// Origin is the origin of test logs.
const Origin = "trackgate.example/log"

// SigningKey is a deterministic Ed25519 key named by label.
func SigningKey(label string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("keylogtest signing " + label))
	return ed25519.NewKeyFromSeed(seed[:])
}

// Public is sk's public key.
func Public(sk ed25519.PrivateKey) ed25519.PublicKey { return sk.Public().(ed25519.PublicKey) }

// OPRFKey is a deterministic OPRF public key named by label.
func OPRFKey(t testing.TB, label string) []byte {
	t.Helper()
	seed := sha256.Sum256([]byte("keylogtest oprf " + label))
	k, err := crypto.DeriveKey(seed[:], []byte("keylogtest"))
	if err != nil {
		t.Fatal(err)
	}
	return k.Public().Bytes()
}

// Courier signs statements as a courier host does, with its current
// signing key.
type Courier struct {
	ID       string
	Signing  ed25519.PrivateKey
	t        testing.TB
	rotation int
}

// NewCourier returns courier id with its first signing key.
func NewCourier(t testing.TB, id string) *Courier {
	return &Courier{ID: id, Signing: SigningKey(id + " 0"), t: t}
}

// First is the signing-key statement of the courier's first key.
func (c *Courier) First() []byte {
	c.t.Helper()
	msg, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: c.ID, Key: Public(c.Signing)}, c.Signing, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return msg
}

// Rotate moves the courier to a new signing key and returns the
// statement of the change, signed by the new key and the old.
func (c *Courier) Rotate() []byte {
	c.t.Helper()
	c.rotation++
	next := SigningKey(fmt.Sprintf("%s %d", c.ID, c.rotation))
	s := keystatement.SigningKey{Courier: c.ID, Key: Public(next), Previous: Public(c.Signing)}
	msg, err := keystatement.SignSigningKey(s, next, c.Signing)
	if err != nil {
		c.t.Fatal(err)
	}
	c.Signing = next
	return msg
}

// Key returns a key statement for the OPRF key named label, live from
// Now+from to Now+to, signed by the current signing key.
func (c *Courier) Key(label string, from, to time.Duration) []byte {
	c.t.Helper()
	return SignKey(c.t, c.Statement(label, from, to), c.Signing)
}

// Statement is the key statement Key signs.
func (c *Courier) Statement(label string, from, to time.Duration) keystatement.Key {
	c.t.Helper()
	return keystatement.Key{
		Courier:    c.ID,
		PublicKey:  OPRFKey(c.t, c.ID+" "+label),
		NotBefore:  Now.Add(from).Truncate(time.Second),
		NotAfter:   Now.Add(to).Truncate(time.Second),
		Mode:       keystatement.ModePush,
		Factor:     crypto.FactorNone,
		BucketBits: 8,
		SigningKey: Public(c.Signing),
	}
}

// SignKey signs k with sk, which must be k's signing key: a forgery sets
// k.SigningKey to Public(sk) first.
func SignKey(t testing.TB, k keystatement.Key, sk ed25519.PrivateKey) []byte {
	t.Helper()
	msg, err := keystatement.SignKey(k, sk)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}
