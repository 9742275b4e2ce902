package transparency

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/trackgate/trackgate/gateway/tenant"
)

// ReaderKeyPrefix begins every report reader key: a secret that lets its
// holder (a regulator, an auditor) read the transparency report and
// nothing else. The gateway keeps only its SHA-256, as for API keys.
const ReaderKeyPrefix = "tg1rk_"

// readerKeyPattern is the prefix and b64 of 32 random bytes.
var readerKeyPattern = regexp.MustCompile(`^tg1rk_[A-Za-z0-9_-]{43}$`)

// ErrMalformedReaderKey is a value that cannot be a report reader key.
var ErrMalformedReaderKey = errors.New("malformed report reader key")

// NewReaderKey returns a fresh reader key drawn from random
// (crypto/rand.Reader).
func NewReaderKey(random io.Reader) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("draw a report reader key: %w", err)
	}
	return ReaderKeyPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// WellFormedReaderKey reports whether key has the form of a reader key.
func WellFormedReaderKey(key string) bool { return readerKeyPattern.MatchString(key) }

// HashReaderKey returns the SHA-256 of key, or ErrMalformedReaderKey.
func HashReaderKey(key string) (tenant.Hash, error) {
	if !WellFormedReaderKey(key) {
		return tenant.Hash{}, ErrMalformedReaderKey
	}
	return sha256.Sum256([]byte(key)), nil
}

// Readers are the hashes of the reader keys a gateway accepts.
type Readers []tenant.Hash

// Allow reports whether key is one of the readers' keys. It compares the
// key's hash with every hash in constant time, all of them whatever
// matches.
func (rs Readers) Allow(key string) bool {
	h, err := HashReaderKey(key)
	if err != nil {
		return false
	}
	found := 0
	for _, known := range rs {
		found |= subtle.ConstantTimeCompare(h[:], known[:])
	}
	return found == 1
}
