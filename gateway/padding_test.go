package gateway

import (
	"bytes"
	cryptorand "crypto/rand"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

func TestSizeClassIsTheSmallestThatFits(t *testing.T) {
	tests := []struct {
		n, blocks, maxDummy int64
		want                int
	}{
		{0, 0, 64, 0},
		{1, 1, 64, 0},
		{7, 7, 64, 0},    // one dummy of 25 blocks
		{8, 32, 64, 0},   // exactly full
		{8, 8, 64, 1},    // no dummy left to take the other 24 blocks
		{7, 31, 64, 0},   // one dummy of one block
		{7, 32, 64, 1},   // one dummy needs a block, and there is none left
		{9, 9, 64, 1},    // more records than class 0 holds
		{1, 64, 64, 1},   // 64 blocks are above class 0's 32
		{7, 7, 8, 1},     // one dummy of at most 8 blocks cannot fill 25
		{31, 31, 8, 2},   // nor can one dummy fill 97 in class 1
		{32, 128, 64, 1}, // class 1 exactly full
		{33, 33, 64, 2},
		{100, 400, 64, 2},
		{100, 500, 64, 3},
	}
	for _, tt := range tests {
		if got := sizeClass(tt.n, tt.blocks, tt.maxDummy); got != tt.want {
			t.Errorf("sizeClass(%d records, %d blocks, dummies ≤ %d) = %d, want %d", tt.n, tt.blocks, tt.maxDummy, got, tt.want)
		}
	}
}

func TestDrawSizesHitTheTotalWithinBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 1 + rng.IntN(40)
		maxSize := 1 + rng.IntN(64)
		total := int64(n + rng.IntN(n*(maxSize-1)+1))
		var real []int
		for range rng.IntN(5) {
			real = append(real, 1+rng.IntN(80))
		}
		sizes := drawSizes(rng, real, n, total, maxSize)
		var sum int64
		for _, k := range sizes {
			if k < 1 || k > maxSize {
				t.Fatalf("size %d outside 1..%d", k, maxSize)
			}
			sum += int64(k)
		}
		if len(sizes) != n || sum != total {
			t.Fatalf("%d sizes summing to %d, want %d summing to %d", len(sizes), sum, n, total)
		}
	}
}

// publicOf seals nothing: a random public record of k blocks in bucket
// b under 4 bucket bits.
func publicOf(b uint32, k int) crypto.PublicRecord {
	r := crypto.PublicRecord{Locator: make([]byte, crypto.LocatorSize), Nonce: make([]byte, crypto.NonceSize), Ciphertext: make([]byte, k*crypto.BlockSize)}
	cryptorand.Read(r.Locator)
	cryptorand.Read(r.Nonce)
	cryptorand.Read(r.Ciphertext)
	r.Locator[0] = byte(b<<4) | r.Locator[0]&0x0f
	return r
}

func TestPadIsDeterministicPerSecretBucketAndHour(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	a := &padder{secret: secret, bucketBits: 4, maxBlocks: 64}
	b := &padder{secret: bytes.Clone(secret), bucketBits: 4, maxBlocks: 64}
	other := &padder{secret: bytes.Repeat([]byte{8}, 32), bucketBits: 4, maxBlocks: 64}
	now := time.Date(2026, 12, 4, 10, 5, 0, 0, time.UTC)
	real := []crypto.PublicRecord{publicOf(5, 2), publicOf(5, 1)}
	encode := func(p *padder, at time.Time, bucket uint32) string {
		recs, _ := p.pad(append([]crypto.PublicRecord(nil), real...), bucket, at)
		body, _ := json.Marshal(api.PublicRecords{Records: recs, Missing: []string{}})
		return string(body)
	}
	first := encode(a, now, 5)
	if encode(b, now.Add(50*time.Minute), 5) != first {
		t.Error("two gateways sharing the secret answer differently within the hour")
	}
	slices.Reverse(real)
	if encode(a, now, 5) != first {
		t.Error("the same records in another order give other dummies")
	}
	if encode(a, now.Add(time.Hour), 5) == first {
		t.Error("the dummies did not change with the hour")
	}
	if encode(other, now, 5) == first {
		t.Error("another secret gives the same dummies")
	}
	recs, _ := a.pad(append([]crypto.PublicRecord(nil), real...), 5, now)
	for i := 1; i < len(recs); i++ {
		if c := bytes.Compare(recs[i-1].Locator, recs[i].Locator); c > 0 || c == 0 && bytes.Compare(recs[i-1].Nonce, recs[i].Nonce) > 0 {
			t.Fatal("records are not sorted by locator, then nonce")
		}
	}
}

// The body of a padded answer with no missing courier has a length that
// depends on its class only, whatever the records in it.
func TestPaddedBodyLengthDependsOnTheClassOnly(t *testing.T) {
	p := &padder{secret: bytes.Repeat([]byte{1}, 32), bucketBits: 4, maxBlocks: 64}
	now := time.Now()
	lengths := map[int]map[int]bool{}
	for i, sizes := range [][]int{nil, {1}, {4}, {1, 1, 1}, {10, 2}, {3, 3, 3, 3, 3, 3, 3}, {20, 1}, {9, 9, 9}} {
		var real []crypto.PublicRecord
		for _, k := range sizes {
			real = append(real, publicOf(uint32(i%16), k))
		}
		recs, class := p.pad(real, uint32(i%16), now)
		body, _ := json.Marshal(api.PublicRecords{Records: recs, Missing: []string{}})
		if lengths[class] == nil {
			lengths[class] = map[int]bool{}
		}
		lengths[class][len(body)] = true
	}
	for class, ls := range lengths {
		if len(ls) != 1 {
			t.Errorf("class %d answers have %d different lengths", class, len(ls))
		}
	}
}
