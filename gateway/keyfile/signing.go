package keyfile

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"

	"github.com/trackgate/trackgate/crypto"
)

// signingFile is the JSON form of a signing key file. The private key is
// the 32-byte RFC 8032 seed.
type signingFile struct {
	Kind       string     `json:"kind"`
	Algorithm  string     `json:"algorithm"`
	KeyID      string     `json:"kid"` // b64(SHA-256(public_key)[0:8]), a fingerprint for humans
	PublicKey  crypto.B64 `json:"public_key"`
	PrivateKey crypto.B64 `json:"private_key"`
}

const algorithmEd25519 = "Ed25519"

// SaveSigning writes an Ed25519 signing key to path with mode 0600. It
// refuses to replace an existing file unless Overwrite is given.
func SaveSigning(path string, sk ed25519.PrivateKey, opts ...SaveOption) error {
	if len(sk) != ed25519.PrivateKeySize {
		return fmt.Errorf("save %s: signing key is %d bytes, want %d", path, len(sk), ed25519.PrivateKeySize)
	}
	seed := sk.Seed()
	if !bytes.Equal(ed25519.NewKeyFromSeed(seed), sk) {
		return fmt.Errorf("save %s: signing key's public half does not match its seed", path)
	}
	pub := sk.Public().(ed25519.PublicKey)
	data, err := json.MarshalIndent(signingFile{
		Kind: KindSigning, Algorithm: algorithmEd25519,
		KeyID: crypto.KeyID(pub), PublicKey: crypto.B64(pub), PrivateKey: seed,
	}, "", "  ")
	if err != nil {
		return fmt.Errorf("save %s: encode: %w", path, err)
	}
	return write(path, append(data, '\n'), opts)
}

// LoadSigning reads a signing key file written by SaveSigning, with the
// same checks as LoadOPRF.
func LoadSigning(path string) (ed25519.PrivateKey, error) {
	data, err := read(path)
	if err != nil {
		return nil, err
	}
	sk, err := decodeSigning(data)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return sk, nil
}

func decodeSigning(data []byte) (ed25519.PrivateKey, error) {
	var f signingFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidFile, err)
	}
	if f.Kind != KindSigning {
		return nil, fmt.Errorf("%w: kind %q, want %q", ErrInvalidFile, f.Kind, KindSigning)
	}
	if f.Algorithm != algorithmEd25519 {
		return nil, fmt.Errorf("%w: algorithm %q, want %q", ErrInvalidFile, f.Algorithm, algorithmEd25519)
	}
	if len(f.PrivateKey) != ed25519.SeedSize {
		return nil, fmt.Errorf("%w: private_key is %d bytes, want a %d-byte seed", ErrInvalidFile, len(f.PrivateKey), ed25519.SeedSize)
	}
	sk := ed25519.NewKeyFromSeed(f.PrivateKey)
	pub := sk.Public().(ed25519.PublicKey)
	if !bytes.Equal(f.PublicKey, pub) || f.KeyID != crypto.KeyID(pub) {
		return nil, fmt.Errorf("%w: public_key or kid does not belong to private_key", ErrInvalidFile)
	}
	return sk, nil
}
