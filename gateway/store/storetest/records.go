package storetest

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// Record builds a valid sealed record of one block for courier at a
// random locator whose bucket (under BucketBits) is bucket; the
// ciphertext is random bytes of the right shape, since a store never
// opens records.
func Record(t testing.TB, courier string, bucket uint32, version uint64, expires time.Time) crypto.SealedRecord {
	t.Helper()
	return RecordOfBlocks(t, courier, bucket, version, expires, 1)
}

// RecordOfBlocks is Record with a ciphertext of blocks padding blocks.
func RecordOfBlocks(t testing.TB, courier string, bucket uint32, version uint64, expires time.Time, blocks int) crypto.SealedRecord {
	t.Helper()
	r := crypto.SealedRecord{
		Courier:    courier,
		Locator:    Locator(t, bucket),
		KeyID:      bytes.Repeat([]byte{7}, crypto.KeyIDSize),
		Version:    version,
		Nonce:      make([]byte, crypto.NonceSize),
		Ciphertext: make([]byte, CiphertextSize(t, blocks)),
		ExpiresAt:  expires,
	}
	if _, err := rand.Read(r.Ciphertext); err != nil {
		t.Fatal(err)
	}
	if _, err := rand.Read(r.Nonce); err != nil {
		t.Fatal(err)
	}
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	return r
}

// Locator returns a random locator in bucket (under BucketBits).
func Locator(t testing.TB, bucket uint32) []byte {
	t.Helper()
	loc := make([]byte, crypto.LocatorSize)
	if _, err := rand.Read(loc); err != nil {
		t.Fatal(err)
	}
	first := binary.BigEndian.Uint32(loc[:4])
	first = bucket<<(32-BucketBits) | first&(1<<(32-BucketBits)-1)
	binary.BigEndian.PutUint32(loc[:4], first)
	return loc
}

// maxBlocks bounds the ciphertext sizes the suite uses.
const maxBlocks = 8

var ciphertextSizes = sync.OnceValue(func() []int {
	probe := crypto.SealedRecord{
		Courier: "sim-swift", Locator: make([]byte, crypto.LocatorSize),
		KeyID: make([]byte, crypto.KeyIDSize), Version: 1,
		Nonce: make([]byte, crypto.NonceSize), ExpiresAt: time.Unix(1, 0),
	}
	var sizes []int
	buf := make([]byte, 1<<16)
	for n := 1; len(sizes) < maxBlocks && n <= len(buf); n++ {
		probe.Ciphertext = buf[:n]
		if probe.Check() == nil {
			sizes = append(sizes, n)
		}
	}
	return sizes
})

// CiphertextSize is the length of a ciphertext of blocks padding blocks
// (1 … 8). It asks crypto's own Check which lengths are valid, so the
// suite follows the padding of docs/protocol.md §5 without restating it.
func CiphertextSize(t testing.TB, blocks int) int {
	t.Helper()
	sizes := ciphertextSizes()
	if blocks < 1 || blocks > len(sizes) {
		t.Fatalf("storetest: no ciphertext size of %d blocks (crypto accepts %d sizes up to 64 KiB)", blocks, len(sizes))
	}
	return sizes[blocks-1]
}

// withVersion is r at another version, with a ciphertext of its own.
func withVersion(r crypto.SealedRecord, v uint64) crypto.SealedRecord {
	r.Version = v
	r.Ciphertext = bytes.Clone(r.Ciphertext)
	r.Ciphertext[0] ^= byte(v) | 1
	return r
}

// withExpiry is r expiring at t.
func withExpiry(r crypto.SealedRecord, t time.Time) crypto.SealedRecord {
	r.ExpiresAt = t
	return r
}

// withCourier is r published by courier.
func withCourier(r crypto.SealedRecord, courier string) crypto.SealedRecord {
	r.Courier = courier
	return r
}
