package keystatement

import (
	"bytes"
	"crypto/ed25519"
	"fmt"

	"golang.org/x/mod/sumdb/note"

	"github.com/trackgate/trackgate/crypto"
)

// SigningKeyHeader is the first line of a signing-key statement.
const SigningKeyHeader = "tg1 signing key"

// noPrevious is the previous line of a courier's first signing key.
const noPrevious = "none"

// SigningKey is a signing-key statement: a courier's signing key and the
// one it replaces. Its text is, line by line:
//
//	tg1 signing key
//	courier <courier id>
//	signing-key <b64 Ed25519 public key>
//	previous <b64 Ed25519 public key>|none
//
// signed under SignerName(Courier) by Key and then, when Previous
// is set, by Previous: a change of key carries both signatures, so only
// the holder of the old key can hand the courier's name to a new one.
type SigningKey struct {
	Courier  string
	Key      ed25519.PublicKey
	Previous ed25519.PublicKey // nil for the courier's first signing key
}

// Text checks s and returns its statement text.
func (s SigningKey) Text() (string, error) {
	if err := crypto.CheckCourierID(s.Courier); err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if err := checkSigningKey("signing-key", s.Key); err != nil {
		return "", err
	}
	previous := noPrevious
	if s.Previous != nil {
		if err := checkSigningKey("previous", s.Previous); err != nil {
			return "", err
		}
		if bytes.Equal(s.Previous, s.Key) {
			return "", fmt.Errorf("%w: previous is the signing-key itself", ErrMalformed)
		}
		previous = crypto.EncodeB64(s.Previous)
	}
	return render(SigningKeyHeader, []field{
		{"courier", s.Courier},
		{"signing-key", crypto.EncodeB64(s.Key)},
		{"previous", previous},
	}), nil
}

// SignSigningKey returns s's signed statement, signed by key (the private
// half of s.Key) and, when s.Previous is set, by previous (its private
// half; nil otherwise).
func SignSigningKey(s SigningKey, key, previous ed25519.PrivateKey) ([]byte, error) {
	text, err := s.Text()
	if err != nil {
		return nil, err
	}
	if !holds(key, s.Key) {
		return nil, fmt.Errorf("sign signing-key statement: the private key is not the statement's signing-key")
	}
	signer, err := NewSigner(SignerName(s.Courier), key)
	if err != nil {
		return nil, err
	}
	signers := []note.Signer{signer}
	switch {
	case s.Previous == nil && previous != nil:
		return nil, fmt.Errorf("sign signing-key statement: a previous private key, but the statement has no previous key")
	case s.Previous != nil && !holds(previous, s.Previous):
		return nil, fmt.Errorf("sign signing-key statement: the previous private key is not the statement's previous key")
	case s.Previous != nil:
		ps, err := NewSigner(SignerName(s.Courier), previous)
		if err != nil {
			return nil, err
		}
		signers = append(signers, ps)
	}
	msg, err := note.Sign(&note.Note{Text: text}, signers...)
	if err != nil {
		return nil, fmt.Errorf("sign signing-key statement: %w", err)
	}
	return msg, nil
}

func holds(sk ed25519.PrivateKey, pk ed25519.PublicKey) bool {
	return len(sk) == ed25519.PrivateKeySize && bytes.Equal(sk.Public().(ed25519.PublicKey), pk)
}

// OpenSigningKey parses a signed signing-key statement and verifies it:
// the canonical text of a valid SigningKey, signed by its signing-key
// and, when it names a previous key, by that key too, in that order, and
// by nothing else. A change of key that the previous key did not sign is
// ErrSigningKeyChanged: it is what a monitor must alert on.
func OpenSigningKey(msg []byte) (SigningKey, error) {
	text, err := peek(msg)
	if err != nil {
		return SigningKey{}, err
	}
	s, err := parseSigningKey(text)
	if err != nil {
		return SigningKey{}, err
	}
	name := SignerName(s.Courier)
	v, err := NewVerifier(name, s.Key)
	if err != nil {
		return SigningKey{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	verifiers := []note.Verifier{v}
	if s.Previous != nil {
		pv, err := NewVerifier(name, s.Previous)
		if err != nil {
			return SigningKey{}, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		verifiers = append(verifiers, pv)
	}
	unsigned, err := open(msg, verifiers...)
	if err != nil {
		return SigningKey{}, err
	}
	for _, u := range unsigned {
		if u == v {
			return SigningKey{}, fmt.Errorf("%w: signing-key statement of %s is not signed by its signing-key", ErrBadSignature, s.Courier)
		}
	}
	if len(unsigned) > 0 {
		return SigningKey{}, fmt.Errorf("%w: %s's new signing key %s is not signed by its previous key %s",
			ErrSigningKeyChanged, s.Courier, crypto.EncodeB64(s.Key), crypto.EncodeB64(s.Previous))
	}
	return s, nil
}

// parseSigningKey reads a signing-key statement's text, which must be
// exactly the text SigningKey.Text writes for what it holds.
func parseSigningKey(text string) (SigningKey, error) {
	v, err := split(text, SigningKeyHeader, "courier", "signing-key", "previous")
	if err != nil {
		return SigningKey{}, err
	}
	s := SigningKey{Courier: v[0]}
	if s.Key, err = parseEd25519("signing-key", v[1]); err != nil {
		return SigningKey{}, err
	}
	if v[2] != noPrevious {
		if s.Previous, err = parseEd25519("previous", v[2]); err != nil {
			return SigningKey{}, err
		}
	}
	again, err := s.Text()
	if err != nil {
		return SigningKey{}, err
	}
	if again != text {
		return SigningKey{}, fmt.Errorf("%w: not in canonical form", ErrMalformed)
	}
	return s, nil
}
