package redisstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// The stored form. A bucket's records hash maps a locator (16 raw bytes)
// to what every courier keeps there: one or more entries, each
// uint32_be(length) ‖ entry. An entry is
//
//	offset  size  what
//	0       1     kind: 1 record, 2 tombstone
//	1       8     version, uint64 big-endian
//	9       12    expiry key: the record's expires_at, or until when the
//	              tombstone is kept (unix seconds with the sign bit
//	              flipped, uint64 big-endian, then nanoseconds, uint32
//	              big-endian), so byte order is time order
//	21      1     n, the length of the courier id
//	22      n     courier id
//
// and, for a record only,
//
//	22+n    8     kid
//	30+n    12    nonce
//	42+n    rest  ciphertext
//
// The store rule is decided in Lua on the first 22+n bytes alone:
// versions and expiries compare as byte strings, exactly, where Lua
// numbers (doubles) would lose precision above 2^53.
const (
	kindRecord    = 1
	kindTombstone = 2
	offVersion    = 1
	offExpiry     = offVersion + 8
	offCourierLen = offExpiry + expiryKeySize
	offCourier    = offCourierLen + 1
	expiryKeySize = 12
	lengthSize    = 4
)

// errCorrupt reports a stored value this package did not write.
var errCorrupt = errors.New("malformed stored value")

// entry is one courier's record or tombstone at a locator, decoded.
type entry struct {
	tombstone bool
	// record: for a tombstone only Courier, Locator, Version and ExpiresAt
	// (until when it is kept) are set.
	record crypto.SealedRecord
}

// encodeRecord writes r, expiring at expires, as an entry. r must have
// passed Check.
func encodeRecord(r *crypto.SealedRecord, expires time.Time) []byte {
	b := make([]byte, 0, offCourier+len(r.Courier)+len(r.KeyID)+len(r.Nonce)+len(r.Ciphertext))
	b = appendHeader(b, kindRecord, r.Courier, r.Version, expires)
	b = append(b, r.KeyID...)
	b = append(b, r.Nonce...)
	return append(b, r.Ciphertext...)
}

// encodeFramedRecord is encodeValue(encodeRecord(r, expires)) in one
// buffer: a put's value when its courier is alone at its locator.
func encodeFramedRecord(r *crypto.SealedRecord, expires time.Time) []byte {
	n := offCourier + len(r.Courier) + len(r.KeyID) + len(r.Nonce) + len(r.Ciphertext)
	b := make([]byte, 0, lengthSize+n)
	b = binary.BigEndian.AppendUint32(b, uint32(n))
	b = appendHeader(b, kindRecord, r.Courier, r.Version, expires)
	b = append(b, r.KeyID...)
	b = append(b, r.Nonce...)
	return append(b, r.Ciphertext...)
}

// headOf is the head of an entry whose expiry score is score, as the
// bucket's heads hash keeps it: the entry's first 22+n bytes (kind,
// version, expiry, courier), the ciphertext bytes it counts (uint32
// big-endian, 0 for a tombstone), and the score as the expiry set has it
// (a length byte and the decimal; empty when unknown). A locator's field
// there holds the heads of its entries, in the order of the entries, so
// that the script decides the store rule without reading kilobytes
// (script.go).
func headOf(entry []byte, score string) []byte {
	n := offCourier + int(entry[offCourierLen])
	counted := 0
	if entry[0] == kindRecord {
		counted = len(entry) - n - crypto.KeyIDSize - crypto.NonceSize
	}
	h := make([]byte, 0, n+5+len(score))
	h = binary.BigEndian.AppendUint32(append(h, entry[:n]...), uint32(counted))
	return append(append(h, byte(len(score))), score...)
}

// encodeTombstone writes a tombstone as an entry, as the script does.
func encodeTombstone(courier string, version uint64, kept time.Time) []byte {
	return appendHeader(make([]byte, 0, offCourier+len(courier)), kindTombstone, courier, version, kept)
}

func appendHeader(b []byte, kind byte, courier string, version uint64, expiry time.Time) []byte {
	b = append(b, kind)
	b = binary.BigEndian.AppendUint64(b, version)
	b = appendExpiryKey(b, expiry)
	b = append(b, byte(len(courier)))
	return append(b, courier...)
}

// encodeValue joins entries into the value of a locator's field.
func encodeValue(entries ...[]byte) []byte {
	var b []byte
	for _, e := range entries {
		b = binary.BigEndian.AppendUint32(b, uint32(len(e)))
		b = append(b, e...)
	}
	return b
}

// decodeValue reads the entries stored at locator. The records returned
// own their memory and have passed Check.
func decodeValue(locator, value []byte) ([]entry, error) {
	views, err := viewValue(locator, value)
	if err != nil {
		return nil, err
	}
	entries := make([]entry, len(views))
	for i := range views {
		v := &views[i].record
		entries[i] = entry{tombstone: views[i].tombstone, record: crypto.SealedRecord{
			Courier:   v.Courier,
			Locator:   append(crypto.B64(nil), locator...),
			Version:   v.Version,
			ExpiresAt: v.ExpiresAt,
		}}
		if !views[i].tombstone {
			r := &entries[i].record
			r.KeyID = append(crypto.B64(nil), v.KeyID...)
			r.Nonce = append(crypto.B64(nil), v.Nonce...)
			r.Ciphertext = append(crypto.B64(nil), v.Ciphertext...)
		}
	}
	return entries, nil
}

// viewValue reads the entries stored at locator as decodeValue does, and
// checks them as strictly, but copies nothing: the records' byte fields
// share the memory of locator and value.
func viewValue(locator, value []byte) ([]entry, error) {
	if len(value) == 0 {
		return nil, fmt.Errorf("%w: empty", errCorrupt)
	}
	var entries []entry
	for rest := value; len(rest) > 0; {
		if len(rest) < lengthSize {
			return nil, fmt.Errorf("%w: %d bytes left after the last entry", errCorrupt, len(rest))
		}
		n := binary.BigEndian.Uint32(rest)
		rest = rest[lengthSize:]
		if uint64(n) > uint64(len(rest)) {
			return nil, fmt.Errorf("%w: an entry of %d bytes in %d", errCorrupt, n, len(rest))
		}
		e, err := viewEntry(locator, rest[:n])
		if err != nil {
			return nil, err
		}
		for _, other := range entries {
			if other.record.Courier == e.record.Courier {
				return nil, fmt.Errorf("%w: two entries of one courier", errCorrupt)
			}
		}
		entries = append(entries, e)
		rest = rest[n:]
	}
	return entries, nil
}

// viewEntry reads one entry, sharing b's memory (and locator's).
func viewEntry(locator, b []byte) (entry, error) {
	if len(b) < offCourier || (b[0] != kindRecord && b[0] != kindTombstone) {
		return entry{}, fmt.Errorf("%w: no entry header", errCorrupt)
	}
	n := int(b[offCourierLen])
	body := b[offCourier:]
	if len(body) < n {
		return entry{}, fmt.Errorf("%w: %d bytes are too short", errCorrupt, len(b))
	}
	expires, err := parseExpiryKey(b[offExpiry : offExpiry+expiryKeySize])
	if err != nil {
		return entry{}, err
	}
	e := entry{record: crypto.SealedRecord{
		Courier:   string(body[:n]),
		Locator:   locator,
		Version:   binary.BigEndian.Uint64(b[offVersion:]),
		ExpiresAt: expires,
	}}
	if err := crypto.CheckCourierID(e.record.Courier); err != nil || e.record.Version == 0 {
		return entry{}, fmt.Errorf("%w: courier %q, version %d", errCorrupt, e.record.Courier, e.record.Version)
	}
	if b[0] == kindTombstone {
		if len(body) != n {
			return entry{}, fmt.Errorf("%w: a tombstone with a body", errCorrupt)
		}
		e.tombstone = true
		return e, nil
	}
	body = body[n:]
	if len(body) < crypto.KeyIDSize+crypto.NonceSize {
		return entry{}, fmt.Errorf("%w: %d bytes are too short", errCorrupt, len(b))
	}
	e.record.KeyID = body[:crypto.KeyIDSize:crypto.KeyIDSize]
	e.record.Nonce = body[crypto.KeyIDSize : crypto.KeyIDSize+crypto.NonceSize : crypto.KeyIDSize+crypto.NonceSize]
	e.record.Ciphertext = body[crypto.KeyIDSize+crypto.NonceSize:]
	if err := e.record.Check(); err != nil {
		return entry{}, fmt.Errorf("%w: %w", errCorrupt, err)
	}
	return e, nil
}

// encodeEntry writes e back (the inverse of decodeEntry).
func encodeEntry(e *entry) []byte {
	if e.tombstone {
		return encodeTombstone(e.record.Courier, e.record.Version, e.record.ExpiresAt)
	}
	return encodeRecord(&e.record, e.record.ExpiresAt)
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

// expiryScore is an expiry as the score of the bucket's sorted set: unix
// milliseconds, rounded down, so that a score below the current
// millisecond always means expired.
func expiryScore(t time.Time) int64 {
	return min(max(t.UnixMilli(), -maxScore), maxScore)
}
