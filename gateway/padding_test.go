package gateway

import (
	"bytes"
	"crypto/hmac"
	cryptorand "crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/rand/v2"
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
	p := newPadder(bytes.Repeat([]byte{3}, 32), 4, 3*crypto.BlockSize)
	for _, n := range []int{0, 1, 3, 8, 9, 31} {
		var real []store.PublicRecord
		for range n {
			real = append(real, publicOf(9, 3))
		}
		recs, class := p.pad(real, 9, time.Now())
		if int64(len(recs)) != classEntries(class) || class != sizeClass(int64(n)) {
			t.Errorf("%d records padded to %d in class %d", n, len(recs), class)
		}
		for _, pub := range recs {
			r := decodePublic(t, pub)
			if len(r.Ciphertext) != 3*crypto.BlockSize || len(r.Nonce) != crypto.NonceSize || crypto.Bucket(r.Locator, 4) != 9 {
				t.Fatalf("%d records: an entry of %d bytes, nonce %d, bucket %d; want %d bytes in bucket 9",
					n, len(r.Ciphertext), len(r.Nonce), crypto.Bucket(r.Locator, 4), 3*crypto.BlockSize)
			}
		}
	}
}

// publicOf seals nothing: a random public record of k blocks in bucket
// b under 4 bucket bits.
func publicOf(b uint32, k int) store.PublicRecord {
	r := crypto.SealedRecord{Locator: make([]byte, crypto.LocatorSize), Nonce: make([]byte, crypto.NonceSize), Ciphertext: make([]byte, k*crypto.BlockSize)}
	cryptorand.Read(r.Locator)
	cryptorand.Read(r.Nonce)
	cryptorand.Read(r.Ciphertext)
	r.Locator[0] = byte(b<<4) | r.Locator[0]&0x0f
	return store.NewPublicRecord(&r)
}

// decodePublic decodes a record's public form, which must be consistent
// with the locator and nonce it is ordered by.
func decodePublic(t *testing.T, p store.PublicRecord) crypto.PublicRecord {
	t.Helper()
	var r crypto.PublicRecord
	if err := json.Unmarshal(p.JSON, &r); err != nil {
		t.Fatalf("a record's public form does not decode: %v", err)
	}
	if !bytes.Equal(r.Locator, p.Locator) || !bytes.Equal(r.Nonce, p.Nonce) {
		t.Fatal("a record's locator or nonce is not that of its public form")
	}
	return r
}

// answerOf is the body of a bucket answer of recs with no missing courier.
func answerOf(recs []store.PublicRecord) string {
	return string(appendAnswer(nil, recs, []string{}))
}

func TestPadIsDeterministicPerSecretBucketAndHour(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	a := newPadder(secret, 4, 2*crypto.BlockSize)
	b := newPadder(bytes.Clone(secret), 4, 2*crypto.BlockSize)
	other := newPadder(bytes.Repeat([]byte{8}, 32), 4, 2*crypto.BlockSize)
	now := time.Date(2026, 12, 4, 10, 5, 0, 0, time.UTC)
	real := []store.PublicRecord{publicOf(5, 2), publicOf(5, 2)}
	encode := func(p *padder, at time.Time, bucket uint32) string {
		recs, _ := p.pad(slices.Clone(real), bucket, at)
		return answerOf(recs)
	}
	first := encode(a, now, 5)
	if encode(a, now.Add(time.Minute), 5) != first {
		t.Error("the dummies kept from the first read answer differently")
	}
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
	recs, _ := a.pad(slices.Clone(real), 5, now)
	for i := 1; i < len(recs); i++ {
		if c := bytes.Compare(recs[i-1].Locator, recs[i].Locator); c > 0 || c == 0 && bytes.Compare(recs[i-1].Nonce, recs[i].Nonce) > 0 {
			t.Fatal("records are not sorted by locator, then nonce")
		}
	}
}

// The dummies are those docs/protocol.md §7.3 describes: the seed is
// HMAC-SHA256(padding_secret, "tg1 dummy" ‖ bucket ‖ hour ‖ class), and
// each dummy takes its locator (moved into the bucket), nonce and
// ciphertext from the ChaCha8 stream in turn — whether the padder draws
// them anew or answers from its cache, and however many it drew before.
func TestDummiesAreTheStreamOfTheSeed(t *testing.T) {
	secret := bytes.Repeat([]byte{9}, 32)
	const bits, bucket, size = 6, 41, 2 * crypto.BlockSize
	now := time.Date(2026, 12, 4, 10, 5, 0, 0, time.UTC)
	want := func(class, n int) []string {
		msg := []byte("tg1 dummy")
		msg = binary.BigEndian.AppendUint32(msg, bucket)
		msg = binary.BigEndian.AppendUint64(msg, uint64(now.Unix()/3600))
		msg = binary.BigEndian.AppendUint32(msg, uint32(class))
		mac := hmac.New(sha256.New, secret)
		mac.Write(msg)
		stream := rand.NewChaCha8([32]byte(mac.Sum(nil)))
		var out []string
		for range n {
			r := crypto.PublicRecord{Locator: make([]byte, crypto.LocatorSize), Nonce: make([]byte, crypto.NonceSize), Ciphertext: make([]byte, size)}
			stream.Read(r.Locator)
			stream.Read(r.Nonce)
			stream.Read(r.Ciphertext)
			r.Locator[0] = bucket<<2 | r.Locator[0]&0x03
			b, _ := json.Marshal(r)
			out = append(out, string(b))
		}
		slices.Sort(out)
		return out
	}
	p := newPadder(secret, bits, size)
	for _, tt := range []struct{ real, class, dummies int }{{5, 0, 3}, {0, 0, 8}, {2, 0, 6}, {9, 1, 23}} {
		var real []store.PublicRecord
		for range tt.real {
			real = append(real, publicOf(0, 2)) // outside the bucket: told apart below
		}
		recs, class := p.pad(real, bucket, now)
		var got []string
		for _, r := range recs {
			if crypto.Bucket(r.Locator, bits) == bucket {
				got = append(got, string(r.JSON))
			}
		}
		slices.Sort(got)
		if class != tt.class || !slices.Equal(got, want(tt.class, tt.dummies)) {
			t.Errorf("%d real records: class %d and %d dummies, not the %d of the seed's stream in class %d",
				tt.real, class, len(got), tt.dummies, tt.class)
		}
	}
}

// The body of a padded answer with no missing courier has a length that
// depends on its class only, whatever the records in it.
func TestPaddedBodyLengthDependsOnTheClassOnly(t *testing.T) {
	p := newPadder(bytes.Repeat([]byte{1}, 32), 4, 2*crypto.BlockSize)
	now := time.Now()
	lengths := map[int]map[int]bool{}
	for i, n := range []int{0, 1, 2, 3, 7, 8, 9, 20, 32} {
		var real []store.PublicRecord
		for range n {
			real = append(real, publicOf(uint32(i%16), 2))
		}
		recs, class := p.pad(real, uint32(i%16), now)
		body := answerOf(recs)
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

// An answer written by concatenation is what encoding/json writes for
// api.PublicRecords of the same records, byte for byte, and of the length
// answerSize says.
func TestAnswerIsTheJSONEncodingOfPublicRecords(t *testing.T) {
	for _, tt := range []struct {
		records int
		missing []string
	}{{0, []string{}}, {1, []string{}}, {3, []string{"sim-panda"}}, {8, []string{"a1", "sim-global", "z-9"}}} {
		var recs []store.PublicRecord
		doc := api.PublicRecords{Records: []crypto.PublicRecord{}, Missing: tt.missing}
		for range tt.records {
			r := publicOf(3, 1)
			recs = append(recs, r)
			doc.Records = append(doc.Records, decodePublic(t, r))
		}
		want, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		got := appendAnswer(nil, recs, tt.missing)
		if !bytes.Equal(got, want) {
			t.Errorf("%d records, missing %v:\n got  %.120s…\n want %.120s…", tt.records, tt.missing, got, want)
		}
		if n := answerSize(recs, tt.missing); n != len(got) {
			t.Errorf("%d records, missing %v: answerSize %d, the answer is %d bytes", tt.records, tt.missing, n, len(got))
		}
	}
}

func TestDummyCacheKeepsTheMostRecentlyReadWithinItsBound(t *testing.T) {
	dummies := func(n, size int) []store.PublicRecord {
		out := make([]store.PublicRecord, n)
		for i := range out {
			out[i].JSON = make([]byte, size)
		}
		return out
	}
	c := dummyCache{maxBytes: 1000}
	key := func(b uint32) dummyKey { return dummyKey{bucket: b, hour: 1, class: 0} }
	c.put(key(1), dummies(4, 100))
	c.put(key(2), dummies(4, 100))
	if got, ok := c.get(key(1), 3); !ok || len(got) != 3 || cap(got) != 3 {
		t.Fatalf("get 3 of 4 kept: %d (cap %d), %v", len(got), cap(got), ok)
	}
	if _, ok := c.get(key(2), 5); ok {
		t.Fatal("get 5 of the 4 kept answered")
	}
	c.put(key(3), dummies(4, 100)) // 1200 bytes: bucket 2, the least recently read, goes
	if _, ok := c.get(key(2), 1); ok {
		t.Error("the least recently read bucket was kept past the bound")
	}
	for _, b := range []uint32{1, 3} {
		if _, ok := c.get(key(b), 4); !ok {
			t.Errorf("bucket %d was dropped", b)
		}
	}
	c.put(key(1), dummies(8, 100)) // replaces bucket 1's 4, and drops bucket 3
	if c.bytes != 800 || len(c.entries) != 1 || c.recent.Len() != 1 {
		t.Errorf("after replacing: %d bytes in %d entries (%d in order), want 800 in 1", c.bytes, len(c.entries), c.recent.Len())
	}
	c.put(key(4), dummies(11, 100)) // larger than the whole cache: not kept
	if _, ok := c.get(key(4), 1); ok || c.bytes > c.maxBytes {
		t.Errorf("a set larger than the bound was kept (%d bytes)", c.bytes)
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
