package gateway

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// Size classes of a bucket answer (docs/protocol.md §7): class i holds
// exactly classEntries(i) records, real and dummy together, each of the
// deployment's record_size, so that the answer's length says nothing but
// its class — and since every record has the one size, nothing in an
// answer tells a dummy from a real record either.
func classEntries(i int) int64 { return 8 << (2 * i) }

// maxClass bounds the search; class 20 holds 8·4^20 entries, beyond any
// bucket a store can hold.
const maxClass = 20

// sizeClass returns the smallest class that holds n records.
func sizeClass(n int64) int {
	for i := range maxClass {
		if n <= classEntries(i) {
			return i
		}
	}
	return maxClass
}

// padder fills bucket answers with dummy records. Dummies are a pure
// function of the secret, the bucket, the hour and the class, so gateways
// sharing the secret answer byte-identical bodies within the hour, and
// reading a bucket twice does not tell dummies from real records.
type padder struct {
	secret     []byte
	bucketBits int
	recordSize int // every record's ciphertext length, dummies' too
}

// pad returns records with the dummies of their size class added, sorted
// by locator and then nonce, and the class. The records must all be of
// recordSize (publish and the pull fetch make sure of it).
func (p *padder) pad(records []crypto.PublicRecord, bucket uint32, now time.Time) ([]crypto.PublicRecord, int) {
	class := sizeClass(int64(len(records)))
	dummies := int(classEntries(class)) - len(records)
	if dummies > 0 {
		fill := rand.NewChaCha8(p.seed(bucket, now, class))
		for range dummies {
			records = append(records, p.dummy(fill, bucket))
		}
	}
	slices.SortFunc(records, comparePublic)
	return records, class
}

// comparePublic orders records by locator, then nonce.
func comparePublic(a, b crypto.PublicRecord) int {
	if c := bytes.Compare(a.Locator, b.Locator); c != 0 {
		return c
	}
	return bytes.Compare(a.Nonce, b.Nonce)
}

// seed is HMAC-SHA256(secret, "tg1 dummy" ‖ uint32_be(bucket) ‖
// uint64_be(hour since epoch) ‖ uint32_be(class)).
func (p *padder) seed(bucket uint32, now time.Time, class int) [32]byte {
	mac := hmac.New(sha256.New, p.secret)
	msg := []byte("tg1 dummy")
	msg = binary.BigEndian.AppendUint32(msg, bucket)
	msg = binary.BigEndian.AppendUint64(msg, uint64(now.Unix()/3600))
	msg = binary.BigEndian.AppendUint32(msg, uint32(class))
	mac.Write(msg)
	return [32]byte(mac.Sum(nil))
}

// dummy draws one dummy of recordSize with a locator inside bucket.
func (p *padder) dummy(fill *rand.ChaCha8, bucket uint32) crypto.PublicRecord {
	buf := make([]byte, crypto.LocatorSize+crypto.NonceSize+p.recordSize)
	_, _ = fill.Read(buf) // ChaCha8.Read never fails
	locator := buf[:crypto.LocatorSize:crypto.LocatorSize]
	if p.bucketBits > 0 {
		shift := 32 - p.bucketBits
		low := binary.BigEndian.Uint32(locator) & (1<<shift - 1)
		binary.BigEndian.PutUint32(locator, bucket<<shift|low)
	}
	return crypto.PublicRecord{
		Locator:    locator,
		Nonce:      buf[crypto.LocatorSize : crypto.LocatorSize+crypto.NonceSize : crypto.LocatorSize+crypto.NonceSize],
		Ciphertext: buf[crypto.LocatorSize+crypto.NonceSize:],
	}
}
