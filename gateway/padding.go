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
// exactly classEntries(i) records of classBlocks(i) blocks in total, real
// records and dummies together, so that the answer's length says nothing
// but its class.
func classEntries(i int) int64 { return 8 << (2 * i) }
func classBlocks(i int) int64  { return 32 << (2 * i) }

// maxClass bounds the search; class 20 holds 8·4^20 entries, beyond any
// bucket a store can hold.
const maxClass = 20

// MinDummyBlocks is the least the largest record (and so the largest
// dummy) may be, in blocks: twice a class's average of 4 blocks, so that
// the dummies can always fill a class at most two above the smallest
// that holds the records. Config refuses a smaller MaxCiphertextBytes.
const MinDummyBlocks = 8

// sizeClass returns the smallest class that holds n real records of
// blocks blocks in total, with room for the dummies: each dummy takes at
// least one block and at most maxDummy blocks (the largest record a
// courier may publish, so that no dummy is larger than a real record could
// be). The design sheet asks only n ≤ N and κ + (N − n) ≤ K; the upper
// bound is needed too, since with no dummy left (n = N) or dummies capped
// in size, the blocks might otherwise not add up to K.
func sizeClass(n, blocks, maxDummy int64) int {
	for i := range maxClass {
		entries, total := classEntries(i), classBlocks(i)
		dummies := entries - n
		if dummies >= 0 && blocks+dummies <= total && total <= blocks+dummies*maxDummy {
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
	maxBlocks  int // largest record, in blocks
}

// pad returns records with the dummies of their size class added, sorted
// by locator and then nonce, and the class.
func (p *padder) pad(records []crypto.PublicRecord, bucket uint32, now time.Time) ([]crypto.PublicRecord, int) {
	// The store and the pull couriers answer in no particular order; the
	// dummies, whose sizes are sampled from the real ones, must not
	// depend on it.
	slices.SortFunc(records, comparePublic)
	var blocks int64
	sizes := make([]int, len(records))
	for i := range records {
		sizes[i] = max(1, crypto.Blocks(len(records[i].Ciphertext)))
		blocks += int64(sizes[i])
	}
	maxDummy := int64(max(MinDummyBlocks, p.maxBlocks))
	class := sizeClass(int64(len(records)), blocks, maxDummy)
	dummies := int(classEntries(class)) - len(records)
	if dummies > 0 {
		// One stream: every size is drawn before any byte is read.
		fill := rand.NewChaCha8(p.seed(bucket, now, class))
		dummySizes := drawSizes(rand.New(fill), sizes, dummies, classBlocks(class)-blocks, int(maxDummy))
		for _, k := range dummySizes {
			records = append(records, p.dummy(fill, bucket, k))
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

// drawSizes draws n dummy sizes like the real ones (sampled from them
// when there are any, else 1–4 blocks), then moves them one block at a
// time until they add up to total, within 1…maxSize each. sizeClass made
// sure that is possible.
func drawSizes(rng *rand.Rand, real []int, n int, total int64, maxSize int) []int {
	out := make([]int, n)
	var sum int64
	for i := range out {
		if len(real) > 0 {
			out[i] = min(real[rng.IntN(len(real))], maxSize)
		} else {
			out[i] = min(1+rng.IntN(4), maxSize)
		}
		sum += int64(out[i])
	}
	// Spread the difference evenly, starting at a random entry, so no
	// position is special.
	for start := rng.IntN(n); sum != total; {
		moved := false
		for j := range n {
			i := (start + j) % n
			switch {
			case sum < total && out[i] < maxSize:
				out[i]++
				sum++
				moved = true
			case sum > total && out[i] > 1:
				out[i]--
				sum--
				moved = true
			}
			if sum == total {
				break
			}
		}
		if !moved {
			break // not reachable when sizeClass chose the class
		}
	}
	return out
}

// dummy draws one dummy of k blocks with a locator inside bucket.
func (p *padder) dummy(fill *rand.ChaCha8, bucket uint32, k int) crypto.PublicRecord {
	buf := make([]byte, crypto.LocatorSize+crypto.NonceSize+k*crypto.BlockSize)
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
