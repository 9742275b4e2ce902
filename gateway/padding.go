package gateway

import (
	"bytes"
	"container/list"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
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
	// dummies keeps the dummies of recently read buckets in public form:
	// drawing and encoding them costs more than the rest of a read.
	dummies dummyCache
}

func newPadder(secret []byte, bucketBits, recordSize int) *padder {
	return &padder{secret: secret, bucketBits: bucketBits, recordSize: recordSize,
		dummies: dummyCache{maxBytes: maxDummyCacheBytes}}
}

// pad returns records with the dummies of their size class added, sorted
// by locator and then nonce, and the class. The records must all be of
// recordSize (publish and the pull fetch make sure of it).
func (p *padder) pad(records []store.PublicRecord, bucket uint32, now time.Time) ([]store.PublicRecord, int) {
	class := sizeClass(int64(len(records)))
	if n := int(classEntries(class)) - len(records); n > 0 {
		records = append(records, p.dummiesOf(bucket, now, class, n)...)
	}
	slices.SortFunc(records, comparePublic)
	return records, class
}

// comparePublic orders records by locator, then nonce.
func comparePublic(a, b store.PublicRecord) int {
	if c := bytes.Compare(a.Locator, b.Locator); c != 0 {
		return c
	}
	return bytes.Compare(a.Nonce, b.Nonce)
}

// dummiesOf returns the first n dummies of the bucket's stream for the
// hour of now and class, from the cache or drawn anew. The caller must
// not change them.
func (p *padder) dummiesOf(bucket uint32, now time.Time, class, n int) []store.PublicRecord {
	key := dummyKey{bucket: bucket, hour: now.Unix() / 3600, class: class}
	if d, ok := p.dummies.get(key, n); ok {
		return d
	}
	fill := rand.NewChaCha8(p.seed(key))
	d := p.draw(fill, bucket, n)
	p.dummies.put(key, d)
	return d
}

// seed is HMAC-SHA256(secret, "tg1 dummy" ‖ uint32_be(bucket) ‖
// uint64_be(hour since epoch) ‖ uint32_be(class)).
func (p *padder) seed(k dummyKey) [32]byte {
	mac := hmac.New(sha256.New, p.secret)
	msg := []byte("tg1 dummy")
	msg = binary.BigEndian.AppendUint32(msg, k.bucket)
	msg = binary.BigEndian.AppendUint64(msg, uint64(k.hour))
	msg = binary.BigEndian.AppendUint32(msg, uint32(k.class))
	mac.Write(msg)
	return [32]byte(mac.Sum(nil))
}

// draw draws n dummies of recordSize with locators inside bucket: each
// one locator, nonce and ciphertext from fill, in that order, written in
// public form.
func (p *padder) draw(fill *rand.ChaCha8, bucket uint32, n int) []store.PublicRecord {
	const idSize = crypto.LocatorSize + crypto.NonceSize
	raw := make([]byte, idSize+p.recordSize)
	ids := make([]byte, n*idSize) // the locators and nonces kept
	wire := make([]byte, 0, n*crypto.PublicJSONSize(p.recordSize))
	out := make([]store.PublicRecord, n)
	for i := range out {
		_, _ = fill.Read(raw) // ChaCha8.Read never fails
		locator := raw[:crypto.LocatorSize]
		if p.bucketBits > 0 {
			shift := 32 - p.bucketBits
			low := binary.BigEndian.Uint32(locator) & (1<<shift - 1)
			binary.BigEndian.PutUint32(locator, bucket<<shift|low)
		}
		id := ids[i*idSize : (i+1)*idSize : (i+1)*idSize]
		copy(id, raw[:idSize])
		pub := crypto.PublicRecord{Locator: id[:crypto.LocatorSize], Nonce: id[crypto.LocatorSize:], Ciphertext: raw[idSize:]}
		start := len(wire)
		wire = pub.AppendJSON(wire)
		out[i] = store.PublicRecord{Locator: pub.Locator, Nonce: pub.Nonce, JSON: wire[start:len(wire):len(wire)]}
	}
	return out
}

// maxDummyCacheBytes bounds the dummies kept: about a thousand buckets'
// worth at the default record_size.
const maxDummyCacheBytes = 64 << 20

// dummyKey names the dummies of one bucket for one hour and class.
type dummyKey struct {
	bucket uint32
	hour   int64
	class  int
}

// dummyCache keeps the dummies of recently read buckets, dropping the
// least recently read past maxBytes. It changes no answer — dummies are a
// pure function of their key — only what a read costs.
type dummyCache struct {
	maxBytes int

	mu      sync.Mutex
	bytes   int
	entries map[dummyKey]*list.Element // of *dummyEntry
	recent  list.List                  // most recently read first
}

type dummyEntry struct {
	key     dummyKey
	records []store.PublicRecord
	size    int
}

// get returns the first n dummies kept under k, if that many are kept.
func (c *dummyCache) get(k dummyKey, n int) ([]store.PublicRecord, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[k]
	if !ok {
		return nil, false
	}
	e := el.Value.(*dummyEntry)
	if len(e.records) < n {
		return nil, false
	}
	c.recent.MoveToFront(el)
	return e.records[:n:n], true
}

// put keeps records under k, replacing what was kept there.
func (c *dummyCache) put(k dummyKey, records []store.PublicRecord) {
	size := 0
	for _, r := range records {
		size += len(r.JSON)
	}
	if size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[dummyKey]*list.Element{}
	}
	if el, ok := c.entries[k]; ok {
		c.remove(el)
	}
	c.entries[k] = c.recent.PushFront(&dummyEntry{key: k, records: records, size: size})
	c.bytes += size
	for c.bytes > c.maxBytes {
		c.remove(c.recent.Back())
	}
}

func (c *dummyCache) remove(el *list.Element) {
	e := c.recent.Remove(el).(*dummyEntry)
	delete(c.entries, e.key)
	c.bytes -= e.size
}
