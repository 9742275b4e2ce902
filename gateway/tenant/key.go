package tenant

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
)

// KeyPrefix begins every API key, so a key is recognisable in a page's
// source and never mistaken for another secret.
const KeyPrefix = "tg1pk_"

// keySize is the number of random bytes in a key.
const keySize = 32

// keyPattern is the form of a key: the prefix and b64 of keySize bytes.
var keyPattern = regexp.MustCompile(`^tg1pk_[A-Za-z0-9_-]{43}$`)

// ErrMalformedKey is a value that cannot be an API key.
var ErrMalformedKey = errors.New("malformed API key")

// NewKey returns a fresh API key drawn from random (crypto/rand.Reader).
func NewKey(random io.Reader) (string, error) {
	b := make([]byte, keySize)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("draw an API key: %w", err)
	}
	return KeyPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// WellFormed reports whether key has the form of an API key.
func WellFormed(key string) bool { return keyPattern.MatchString(key) }

// Hash is the SHA-256 of an API key: all the gateway keeps of it.
type Hash [sha256.Size]byte

// HashKey returns the hash of key, or ErrMalformedKey.
func HashKey(key string) (Hash, error) {
	if !WellFormed(key) {
		return Hash{}, ErrMalformedKey
	}
	return sha256.Sum256([]byte(key)), nil
}

// String is the hash in lower-case hex, as sha256sum prints it and the
// gateway's configuration holds it.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ParseHash reads a hash written by Hash.String (upper case accepted).
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != hex.EncodedLen(len(h)) {
		return h, fmt.Errorf("%d characters, want %d hex digits (the SHA-256 of the key)", len(s), hex.EncodedLen(len(h)))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("not hex: %w", err)
	}
	return h, nil
}
