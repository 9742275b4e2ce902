package crypto

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
)

// Sizes of the values derived from y (§4).
const (
	LocatorSize   = 16
	RecordKeySize = 32
)

// Derived is what a client or courier derives from an OPRF output y.
type Derived struct {
	Locator   []byte // 16 bytes: names the record in the store
	RecordKey []byte // 32 bytes: the AES-256-GCM key of the record
}

// Derive computes the locator and record key from y with HKDF-SHA256,
// empty salt (§4).
func Derive(y []byte) (Derived, error) {
	loc, err := hkdf.Key(sha256.New, y, nil, "tg1 locator", LocatorSize)
	if err != nil {
		return Derived{}, fmt.Errorf("derive locator: %w", err)
	}
	key, err := hkdf.Key(sha256.New, y, nil, "tg1 record key", RecordKeySize)
	if err != nil {
		return Derived{}, fmt.Errorf("derive record key: %w", err)
	}
	return Derived{Locator: loc, RecordKey: key}, nil
}

// Bucket returns the bucket of a 16-byte locator for a deployment's
// bucket_bits (0..24): uint32_be(locator[0:4]) >> (32 - bits).
func Bucket(locator []byte, bits int) uint32 {
	if bits == 0 {
		return 0
	}
	return binary.BigEndian.Uint32(locator[:4]) >> (32 - bits)
}

// CheckBucketBits reports whether bits is a valid bucket_bits (0..24).
func CheckBucketBits(bits int) error {
	if bits < 0 || bits > MaxBucketBits {
		return fmt.Errorf("%w: bucket_bits %d must be between 0 and %d", ErrInvalidBucket, bits, MaxBucketBits)
	}
	return nil
}

// FormatBucket writes a bucket as it appears in URLs: lowercase hex, no
// leading zeros ("0" for 0).
func FormatBucket(b uint32) string { return strconv.FormatUint(uint64(b), 16) }

// ParseBucket parses a bucket from a URL and checks that it exists for
// bits: the canonical form only, and below 2^bits.
func ParseBucket(s string, bits int) (uint32, error) {
	if err := CheckBucketBits(bits); err != nil {
		return 0, err
	}
	if s == "" || len(s) > 8 {
		return 0, fmt.Errorf("%w: %q is not 1 to 8 lowercase hex digits", ErrInvalidBucket, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return 0, fmt.Errorf("%w: %q is not lowercase hex", ErrInvalidBucket, s)
		}
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("%w: %q has leading zeros", ErrInvalidBucket, s)
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: %q: %v", ErrInvalidBucket, s, err)
	}
	if v>>bits != 0 {
		return 0, fmt.Errorf("%w: %q is above the %d buckets of this deployment", ErrInvalidBucket, s, uint64(1)<<bits)
	}
	return uint32(v), nil
}

// ParseLocator decodes a locator from a URL or JSON: b64 of exactly 16 bytes.
func ParseLocator(s string) ([]byte, error) {
	b, err := DecodeB64(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidLocator, err)
	}
	if len(b) != LocatorSize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrInvalidLocator, len(b), LocatorSize)
	}
	return b, nil
}
