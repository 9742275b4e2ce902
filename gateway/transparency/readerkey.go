package transparency

import (
	"crypto/subtle"
	"errors"
	"io"

	"github.com/trackgate/trackgate/gateway/tenant"
)

// ReaderKeyPrefix begins every report reader key: a secret that lets its
// holder (a regulator, an auditor) read the transparency report and
// nothing else. The gateway keeps only its SHA-256, as for API keys; the
// key kind itself is tenant.ReportReader.
const ReaderKeyPrefix = tenant.ReportKeyPrefix

// ErrMalformedReaderKey is a value that cannot be a report reader key.
var ErrMalformedReaderKey = errors.New("malformed report reader key")

// NewReaderKey returns a fresh reader key drawn from random
// (crypto/rand.Reader).
func NewReaderKey(random io.Reader) (string, error) { return tenant.ReportReader.New(random) }

// WellFormedReaderKey reports whether key has the form of a reader key.
func WellFormedReaderKey(key string) bool { return tenant.ReportReader.WellFormed(key) }

// HashReaderKey returns the SHA-256 of key, or ErrMalformedReaderKey.
func HashReaderKey(key string) (tenant.Hash, error) {
	h, err := tenant.ReportReader.Hash(key)
	if err != nil {
		return tenant.Hash{}, ErrMalformedReaderKey
	}
	return h, nil
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
