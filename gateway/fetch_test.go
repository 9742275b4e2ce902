package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

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
	if err := crypto.Seal(make([]byte, 32), &pulled, []byte("{}"), strings.NewReader(strings.Repeat("n", 12))); err != nil {
		t.Fatal(err)
	}
	impostor := h.sealedFor("alpha", 1) // served by gamma under alpha's name
	h.hosts["gamma"].bucket = []crypto.SealedRecord{pulled, impostor}

	status, _, body := h.do(http.MethodGet, "/v1/buckets/"+crypto.FormatBucket(bucket), nil, nil)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var recs api.Records
	if err := json.Unmarshal(body, &recs); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range recs.Records {
		got[r.Courier+"/"+crypto.EncodeB64(r.Locator)] = true
	}
	if len(recs.Records) != 2 || !got["alpha/"+crypto.EncodeB64(pushed.Locator)] || !got["gamma/"+crypto.EncodeB64(pulled.Locator)] {
		t.Fatalf("bucket served %v, want exactly the pushed and the pulled record", got)
	}
}

func TestRecordFetchFindsPushedAndPulledRecords(t *testing.T) {
	h := newHarness(t)
	pushed := h.sealedFor("alpha", 1)
	h.publish(h.signers["alpha"], "alpha", mustJSON(t, api.Records{Records: []crypto.SealedRecord{pushed}}))
	pulled := h.sealedFor("gamma", 1)
	h.hosts["gamma"].bucket = []crypto.SealedRecord{pulled}
	for _, r := range []crypto.SealedRecord{pushed, pulled} {
		status, _, body := h.do(http.MethodGet, "/v1/records/"+crypto.EncodeB64(r.Locator), nil, nil)
		if status != http.StatusOK || !strings.Contains(string(body), crypto.EncodeB64(r.Ciphertext)) {
			t.Fatalf("%s record: %d %s", r.Courier, status, body)
		}
	}
	missing := h.sealedFor("alpha", 1)
	status, header, body := h.do(http.MethodGet, "/v1/records/"+crypto.EncodeB64(missing.Locator), nil, nil)
	if status != http.StatusNotFound {
		t.Fatalf("unknown locator: status %d", status)
	}
	assertProblem(t, header, body, status)
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
