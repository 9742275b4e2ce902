package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// getRecords fetches a bucket or record route and decodes the public answer.
func (h *harness) getRecords(path string) api.PublicRecords {
	h.t.Helper()
	status, _, body := h.do(http.MethodGet, path, nil, nil)
	if status != http.StatusOK {
		h.t.Fatalf("GET %s: status %d: %s", path, status, body)
	}
	var recs api.PublicRecords
	if err := json.Unmarshal(body, &recs); err != nil {
		h.t.Fatal(err)
	}
	if recs.Records == nil || recs.Missing == nil {
		h.t.Fatalf("GET %s: records or missing is not an array: %s", path, body)
	}
	return recs
}

// holds reports whether recs carries r in public form.
func holds(recs []crypto.PublicRecord, r *crypto.SealedRecord) bool {
	for _, p := range recs {
		if bytes.Equal(p.Locator, r.Locator) && bytes.Equal(p.Nonce, r.Nonce) && bytes.Equal(p.Ciphertext, r.Ciphertext) {
			return true
		}
	}
	return false
}

func TestBucketMergesStoreAndPullCouriers(t *testing.T) {
	h := newHarness(t)
	pushed := h.sealedFor("alpha", 1)
	if status, body := h.publish(h.signers["alpha"], "alpha", mustJSON(t, api.Records{Records: []crypto.SealedRecord{pushed}})); status != http.StatusOK {
		t.Fatalf("publish: %d %s", status, body)
	}
	bucket := crypto.Bucket(pushed.Locator, testBucketBits)
	pulled := h.sealedFor("gamma", 1)
	pulled.Locator = append(crypto.B64(nil), pushed.Locator...)
	pulled.Locator[15] ^= 1 // same bucket, another locator
	if err := crypto.Seal(make([]byte, 32), &pulled, []byte("{}"), crypto.DefaultRecordSize, strings.NewReader(strings.Repeat("n", 12))); err != nil {
		t.Fatal(err)
	}
	impostor := h.sealedFor("alpha", 1) // served by gamma under alpha's name
	impostor.Locator = append(crypto.B64(nil), pushed.Locator...)
	impostor.Locator[14] ^= 1
	oversized := h.sealedFor("gamma", 1) // gamma's own, but not of record_size
	oversized.Locator = append(crypto.B64(nil), pushed.Locator...)
	oversized.Locator[13] ^= 1
	oversized.Ciphertext = append(oversized.Ciphertext, make([]byte, crypto.BlockSize)...)
	h.hosts["gamma"].bucket = []crypto.SealedRecord{pulled, impostor, oversized}

	recs := h.getRecords("/v1/buckets/" + crypto.FormatBucket(bucket))
	if !holds(recs.Records, &pushed) || !holds(recs.Records, &pulled) || holds(recs.Records, &impostor) || holds(recs.Records, &oversized) {
		t.Fatalf("bucket answer lacks the pushed or the pulled record, or carries the impostor or the record of another size")
	}
	if len(recs.Missing) != 0 {
		t.Errorf("missing = %v, want none", recs.Missing)
	}
	for _, r := range recs.Records {
		if crypto.Bucket(r.Locator, testBucketBits) != bucket {
			t.Fatalf("a record (or dummy) outside bucket %d", bucket)
		}
	}
}

func TestRecordFetchFindsPushedAndPulledRecords(t *testing.T) {
	h := newHarness(t)
	pushed := h.sealedFor("alpha", 1)
	h.publish(h.signers["alpha"], "alpha", mustJSON(t, api.Records{Records: []crypto.SealedRecord{pushed}}))
	pulled := h.sealedFor("gamma", 1)
	h.hosts["gamma"].bucket = []crypto.SealedRecord{pulled}
	for _, r := range []crypto.SealedRecord{pushed, pulled} {
		recs := h.getRecords("/v1/records/" + crypto.EncodeB64(r.Locator))
		if len(recs.Records) != 1 || !holds(recs.Records, &r) {
			t.Fatalf("%s record: got %d records, want exactly it", r.Courier, len(recs.Records))
		}
	}
	unknown := h.sealedFor("alpha", 1)
	if recs := h.getRecords("/v1/records/" + crypto.EncodeB64(unknown.Locator)); len(recs.Records) != 0 {
		t.Fatalf("unknown locator: %d records, want none", len(recs.Records))
	}
	if n := h.hosts["gamma"].locators; n != 0 {
		t.Errorf("the gateway asked the pull courier for a locator %d times; it must read buckets only", n)
	}
}

// A record answer for a pull courier goes through the bucket cache, like
// a bucket answer: a client cannot make the gateway send a courier a
// locator, nor a request per locator.
func TestRecordFetchReadsPullCouriersThroughTheBucketCache(t *testing.T) {
	var counter *countingHost
	h := newHarness(t, func(c *Config) {
		counter = &countingHost{scriptedHost: c.Couriers[2].Host.(*scriptedHost)}
		c.Couriers[2].Host = counter
		c.PullCacheTTL = time.Minute
	})
	pulled := h.sealedFor("gamma", 1)
	h.hosts["gamma"].bucket = []crypto.SealedRecord{pulled}
	h.getRecords("/v1/buckets/" + crypto.FormatBucket(crypto.Bucket(pulled.Locator, testBucketBits)))
	if recs := h.getRecords("/v1/records/" + crypto.EncodeB64(pulled.Locator)); !holds(recs.Records, &pulled) {
		t.Fatal("record answer lacks the pulled record")
	}
	if n := counter.buckets.Load(); n != 1 {
		t.Errorf("the pull courier was asked %d times for one bucket, want 1 (cached)", n)
	}
}

func TestBucketAnswerIsPaddedToItsClass(t *testing.T) {
	h := newHarness(t)
	recs := h.getRecords("/v1/buckets/3")
	for _, r := range recs.Records {
		if err := r.Check(); err != nil {
			t.Fatalf("dummy is not a well-formed public record: %v", err)
		}
		if len(r.Ciphertext) != crypto.DefaultRecordSize {
			t.Fatalf("dummy of %d bytes, want record_size %d", len(r.Ciphertext), crypto.DefaultRecordSize)
		}
	}
	if len(recs.Records) != 8 {
		t.Errorf("empty bucket: %d records, want class 0: 8", len(recs.Records))
	}
	again := h.getRecords("/v1/buckets/3")
	if !slices.EqualFunc(recs.Records, again.Records, func(a, b crypto.PublicRecord) bool { return bytes.Equal(a.Ciphertext, b.Ciphertext) }) {
		t.Error("a second read within the hour changed the dummies")
	}
	other := h.getRecords("/v1/buckets/4")
	if bytes.Equal(other.Records[0].Ciphertext, recs.Records[0].Ciphertext) {
		t.Error("two buckets share their dummies")
	}
}

func TestFetchRejectsBadBucketsAndLocators(t *testing.T) {
	h := newHarness(t)
	cases := []string{
		"/v1/buckets/10",    // 16 is above 2^4 buckets
		"/v1/buckets/0a",    // leading zero
		"/v1/buckets/A",     // upper case
		"/v1/buckets/xyz",   // not hex
		"/v1/buckets/-1",    // sign
		"/v1/records/short", // not 16 bytes
		"/v1/records/" + strings.Repeat("A", 23),
		"/v1/records/" + strings.Repeat("A", 21) + "=",
		"/v1/records/" + strings.Repeat("+", 22),
	}
	for _, path := range cases {
		t.Run(path, func(t *testing.T) {
			status, header, body := h.do(http.MethodGet, path, nil, nil)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", status, body)
			}
			assertProblem(t, header, body, status)
		})
	}
}

// countingHost counts the bucket requests a pull courier receives.
type countingHost struct {
	*scriptedHost
	buckets atomic.Int32
}

func (c *countingHost) Bucket(ctx context.Context, b uint32) ([]crypto.SealedRecord, error) {
	c.buckets.Add(1)
	return c.scriptedHost.Bucket(ctx, b)
}

func TestPullBucketsAreCachedBriefly(t *testing.T) {
	var counter *countingHost
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	h := newHarness(t, func(c *Config) {
		counter = &countingHost{scriptedHost: c.Couriers[2].Host.(*scriptedHost)}
		c.Couriers[2].Host = counter
		c.PullCacheTTL = time.Minute
		c.Now = clock
	})
	for range 3 {
		if status, _, body := h.do(http.MethodGet, "/v1/buckets/3", nil, nil); status != http.StatusOK {
			t.Fatalf("status %d: %s", status, body)
		}
	}
	if n := counter.buckets.Load(); n != 1 {
		t.Fatalf("the pull courier was asked %d times within the cache TTL, want 1", n)
	}
	now.Add(int64(2 * time.Minute))
	h.do(http.MethodGet, "/v1/buckets/3", nil, nil)
	if n := counter.buckets.Load(); n != 2 {
		t.Fatalf("after the TTL the pull courier was asked %d times in all, want 2", n)
	}
}
