package crypto

import (
	"crypto/sha256"
	"fmt"
	"io"

	"github.com/cloudflare/circl/oprf"
)

// Suite is the only OPRF suite tg1 uses: RFC 9497 ristretto255-SHA512 in
// verifiable mode.
const Suite = "ristretto255-SHA512"

var suite = oprf.SuiteRistretto255

// Sizes of the tg1 primitives (§2).
const (
	ElementSize    = 32
	ScalarSize     = 32
	ProofSize      = 64
	OutputSize     = 64
	KeyIDSize      = 8
	MaxBatch       = 8  // elements per courier in one evaluation
	MaxCouriers    = 16 // couriers in one gateway evaluation request
	MaxBucketBits  = 24
	MaxPublishSize = 1000 // records in one publish
)

// PrivateKey is a courier's OPRF key. It never leaves the courier host.
type PrivateKey struct {
	k   *oprf.PrivateKey
	pub *PublicKey
}

// PublicKey is a courier's validated OPRF public key, as listed in the
// directory.
type PublicKey struct {
	k   *oprf.PublicKey
	raw []byte
	kid string
}

// GenerateKey makes a new OPRF key from rand.
func GenerateKey(rand io.Reader) (*PrivateKey, error) {
	k, err := oprf.GenerateKey(suite, rand)
	if err != nil {
		return nil, fmt.Errorf("generate oprf key: %w", err)
	}
	return newPrivateKey(k)
}

// DeriveKey derives a key deterministically from a 32-byte seed and info
// (RFC 9497 §3.2.1 DeriveKeyPair, verifiable mode). Test vectors use it.
func DeriveKey(seed, info []byte) (*PrivateKey, error) {
	k, err := oprf.DeriveKey(suite, oprf.VerifiableMode, seed, info)
	if err != nil {
		return nil, fmt.Errorf("%w: derive: %v", ErrInvalidKey, err)
	}
	return newPrivateKey(k)
}

// ParsePrivateKey decodes a 32-byte scalar written by PrivateKey.Bytes.
func ParsePrivateKey(b []byte) (*PrivateKey, error) {
	if len(b) != ScalarSize {
		return nil, fmt.Errorf("%w: private key is %d bytes, want %d", ErrInvalidKey, len(b), ScalarSize)
	}
	k := new(oprf.PrivateKey)
	if err := k.UnmarshalBinary(suite, b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	return newPrivateKey(k)
}

func newPrivateKey(k *oprf.PrivateKey) (*PrivateKey, error) {
	raw, err := k.Public().MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("encode public key: %w", err)
	}
	pub, err := ParsePublicKey(raw)
	if err != nil {
		return nil, err
	}
	return &PrivateKey{k: k, pub: pub}, nil
}

// Bytes returns the 32-byte encoding of the private scalar.
func (k *PrivateKey) Bytes() []byte {
	b, err := k.k.MarshalBinary()
	if err != nil {
		panic("crypto: marshal oprf scalar: " + err.Error()) // cannot happen for a valid key
	}
	return b
}

// Public returns the key's public half.
func (k *PrivateKey) Public() *PublicKey { return k.pub }

// ParsePublicKey decodes and validates a 32-byte public key: it must be a
// canonical encoding of a group element other than the identity.
func ParsePublicKey(b []byte) (*PublicKey, error) {
	if err := ValidateElement(b); err != nil {
		return nil, fmt.Errorf("%w: public key: %v", ErrInvalidKey, err)
	}
	k := new(oprf.PublicKey)
	if err := k.UnmarshalBinary(suite, b); err != nil {
		return nil, fmt.Errorf("%w: public key: %v", ErrInvalidKey, err)
	}
	raw := append([]byte(nil), b...)
	return &PublicKey{k: k, raw: raw, kid: KeyID(raw)}, nil
}

// Bytes returns the 32-byte encoding of the public key.
func (k *PublicKey) Bytes() []byte { return append([]byte(nil), k.raw...) }

// KeyID returns the key's kid.
func (k *PublicKey) KeyID() string { return k.kid }

// KeyID computes kid = b64(SHA-256(pk)[0:8]) for an encoded public key (§3).
func KeyID(pk []byte) string { return EncodeB64(KeyIDBytes(pk)) }

// KeyIDBytes is the raw 8-byte kid that sealed records carry in their AAD.
func KeyIDBytes(pk []byte) []byte {
	sum := sha256.Sum256(pk)
	return sum[:KeyIDSize]
}
