package gateway

import (
	"bytes"
	cryptorand "crypto/rand"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
)

func TestSizeClassIsTheSmallestThatFits(t *testing.T) {
	tests := []struct {
		n    int64
		want int
	}{
		{0, 0}, {1, 0}, {8, 0}, {9, 1}, {32, 1}, {33, 2}, {128, 2}, {129, 3},
	}
	for _, tt := range tests {
		if got := sizeClass(tt.n); got != tt.want {
			t.Errorf("sizeClass(%d records) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

func TestDummiesHaveTheRecordSizeAndLieInTheBucket(t *testing.T) {
	p := &padder{secret: bytes.Repeat([]byte{3}, 32), bucketBits: 4, recordSize: 3 * crypto.BlockSize}
	for _, n := range []int{0, 1, 3, 8, 9, 31} {
		var real []crypto.PublicRecord
		for range n {
			real = append(real, publicOf(9, 3))
		}
		recs, class := p.pad(real, 9, time.Now())
		if int64(len(recs)) != classEntries(class) || class != sizeClass(int64(n)) {
			t.Errorf("%d records padded to %d in class %d", n, len(recs), class)
		}
		for _, r := range recs {
			if len(r.Ciphertext) != 3*crypto.BlockSize || len(r.Nonce) != crypto.NonceSize || crypto.Bucket(r.Locator, 4) != 9 {
				t.Fatalf("%d records: an entry of %d bytes, nonce %d, bucket %d; want %d bytes in bucket 9",
					n, len(r.Ciphertext), len(r.Nonce), crypto.Bucket(r.Locator, 4), 3*crypto.BlockSize)
			}
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
	a := &padder{secret: secret, bucketBits: 4, recordSize: 2 * crypto.BlockSize}
	b := &padder{secret: bytes.Clone(secret), bucketBits: 4, recordSize: 2 * crypto.BlockSize}
	other := &padder{secret: bytes.Repeat([]byte{8}, 32), bucketBits: 4, recordSize: 2 * crypto.BlockSize}
	now := time.Date(2026, 12, 4, 10, 5, 0, 0, time.UTC)
	real := []crypto.PublicRecord{publicOf(5, 2), publicOf(5, 2)}
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
	p := &padder{secret: bytes.Repeat([]byte{1}, 32), bucketBits: 4, recordSize: 2 * crypto.BlockSize}
	now := time.Now()
	lengths := map[int]map[int]bool{}
	for i, n := range []int{0, 1, 2, 3, 7, 8, 9, 20, 32} {
		var real []crypto.PublicRecord
		for range n {
			real = append(real, publicOf(uint32(i%16), 2))
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
	if len(lengths) != 2 {
		t.Errorf("answers of 0 to 32 records fell in %d classes, want 2", len(lengths))
	}
}

func TestNewRefusesARecordSizeNotOfWholeBlocks(t *testing.T) {
	for _, size := range []int{6000, -384, crypto.MaxRecordSize + crypto.BlockSize} {
		_, err := New(Config{BucketBits: 4, RecordSize: size, Store: memory.New(store.Limits{BucketBits: 4})})
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "record_size") {
			t.Errorf("record_size %d: New error = %v, want ErrConfig naming record_size", size, err)
		}
	}
}
