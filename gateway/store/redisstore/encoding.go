package redisstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// The stored form of a record (the value of its field in the bucket's
// hash; the field is the 16 raw locator bytes):
//
//	offset  size  what
//	0       1     format, 1
//	1       8     version, uint64 big-endian
//	9       12    expires_at: expiryKey (unix seconds with the sign bit
//	              flipped, uint64 big-endian, then nanoseconds, uint32
//	              big-endian), so byte order is time order
//	21      1     n, the length of the courier id
//	22      n     courier id
//	22+n    8     kid
//	30+n    12    nonce
//	42+n    rest  ciphertext
//
// The version rule is decided in Lua on the first 22+n bytes alone:
// version and expiry compare as byte strings, exactly, where Lua numbers
// (doubles) would lose precision above 2^53.
const (
	formatV1      = 1
	offVersion    = 1
	offExpiry     = offVersion + 8
	offCourierLen = offExpiry + expiryKeySize
	offCourier    = offCourierLen + 1
	expiryKeySize = 12
)

// errCorrupt reports a stored value this package did not write.
var errCorrupt = errors.New("malformed stored record")

// encodeRecord writes r in the stored form. r must have passed Check.
func encodeRecord(r *crypto.SealedRecord) []byte {
	b := make([]byte, 0, offCourier+len(r.Courier)+len(r.KeyID)+len(r.Nonce)+len(r.Ciphertext))
	b = append(b, formatV1)
	b = binary.BigEndian.AppendUint64(b, r.Version)
	b = appendExpiryKey(b, r.ExpiresAt)
	b = append(b, byte(len(r.Courier)))
	b = append(b, r.Courier...)
	b = append(b, r.KeyID...)
	b = append(b, r.Nonce...)
	return append(b, r.Ciphertext...)
}

// decodeRecord reads the record stored at locator. The result owns its
// memory and has passed Check.
func decodeRecord(locator, b []byte) (crypto.SealedRecord, error) {
	if len(b) < offCourier || b[0] != formatV1 {
		return crypto.SealedRecord{}, fmt.Errorf("%w: no format-%d header", errCorrupt, formatV1)
	}
	n := int(b[offCourierLen])
	body := b[offCourier:]
	if len(body) < n+crypto.KeyIDSize+crypto.NonceSize {
		return crypto.SealedRecord{}, fmt.Errorf("%w: %d bytes are too short", errCorrupt, len(b))
	}
	expires, err := parseExpiryKey(b[offExpiry : offExpiry+expiryKeySize])
	if err != nil {
		return crypto.SealedRecord{}, err
	}
	r := crypto.SealedRecord{
		Courier:    string(body[:n]),
		Locator:    append(crypto.B64(nil), locator...),
		KeyID:      append(crypto.B64(nil), body[n:n+crypto.KeyIDSize]...),
		Version:    binary.BigEndian.Uint64(b[offVersion:]),
		Nonce:      append(crypto.B64(nil), body[n+crypto.KeyIDSize:n+crypto.KeyIDSize+crypto.NonceSize]...),
		Ciphertext: append(crypto.B64(nil), body[n+crypto.KeyIDSize+crypto.NonceSize:]...),
		ExpiresAt:  expires,
	}
	if err := r.Check(); err != nil {
		return crypto.SealedRecord{}, fmt.Errorf("%w: %w", errCorrupt, err)
	}
	return r, nil
}

// appendExpiryKey appends t as 12 bytes whose byte order is time order,
// for every time a time.Time can hold.
func appendExpiryKey(b []byte, t time.Time) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(t.Unix())^1<<63)
	return binary.BigEndian.AppendUint32(b, uint32(t.Nanosecond()))
}

func parseExpiryKey(k []byte) (time.Time, error) {
	sec := int64(binary.BigEndian.Uint64(k) ^ 1<<63)
	nsec := binary.BigEndian.Uint32(k[8:])
	if nsec >= uint32(time.Second) {
		return time.Time{}, fmt.Errorf("%w: %d nanoseconds", errCorrupt, nsec)
	}
	return time.Unix(sec, int64(nsec)).UTC(), nil
}

// maxScore keeps expiry scores where a float64 holds every millisecond.
const maxScore = 1 << 53

// expiryScore is the expiry as the score of the bucket's sorted set: unix
// milliseconds, rounded down, so that a score below the current
// millisecond always means expired.
func expiryScore(t time.Time) int64 {
	return min(max(t.UnixMilli(), -maxScore), maxScore)
}
