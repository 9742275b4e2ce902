package keystatement

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// algEd25519 is the algorithm byte of note's Ed25519 keys.
const algEd25519 = 0x01

// NewVerifier returns the note verifier of an Ed25519 public key under
// name. Its key hash is note's: the first four bytes of
// SHA-256(name ‖ "\n" ‖ 0x01 ‖ key).
func NewVerifier(name string, pk ed25519.PublicKey) (note.Verifier, error) {
	if len(pk) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("note verifier %q: public key is %d bytes, want %d", name, len(pk), ed25519.PublicKeySize)
	}
	vkey, err := note.NewEd25519VerifierKey(name, pk)
	if err != nil {
		return nil, fmt.Errorf("note verifier %q: %w", name, err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("note verifier %q: %w", name, err)
	}
	return v, nil
}

// NewSigner returns the note signer of an Ed25519 private key under name,
// through note's own encoding of a signer key,
// "PRIVATE+KEY+<name>+<hash>+<base64(0x01 ‖ seed)>".
func NewSigner(name string, sk ed25519.PrivateKey) (note.Signer, error) {
	if len(sk) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("note signer %q: private key is %d bytes, want %d", name, len(sk), ed25519.PrivateKeySize)
	}
	v, err := NewVerifier(name, sk.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	skey := fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, v.KeyHash(),
		base64.StdEncoding.EncodeToString(append([]byte{algEd25519}, sk.Seed()...)))
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("note signer %q: %w", name, err)
	}
	return s, nil
}

// VerifierKey is the text form of a note verifier key,
// "<name>+<hash>+<base64(0x01 ‖ key)>", which configuration files and
// command lines can carry.
func VerifierKey(name string, pk ed25519.PublicKey) (string, error) {
	if len(pk) != ed25519.PublicKeySize {
		return "", fmt.Errorf("note verifier %q: public key is %d bytes, want %d", name, len(pk), ed25519.PublicKeySize)
	}
	return note.NewEd25519VerifierKey(name, pk)
}

// ParseVerifierKey decodes a VerifierKey: the name and the Ed25519 public
// key, after checking the hash.
func ParseVerifierKey(vkey string) (name string, pk ed25519.PublicKey, err error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return "", nil, fmt.Errorf("verifier key: %w", err)
	}
	// note.NewVerifier checked the name, the hash and the algorithm; the
	// key is what follows the second '+'.
	raw, err := base64.StdEncoding.DecodeString(vkey[len(v.Name())+1+8+1:])
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != algEd25519 {
		return "", nil, fmt.Errorf("verifier key %q: not an Ed25519 key", v.Name())
	}
	return v.Name(), ed25519.PublicKey(raw[1:]), nil
}
