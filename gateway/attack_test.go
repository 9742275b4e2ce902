package gateway

// Regression tests for the attacks of issue 7 ("tg1 revision 2"). Each
// says what the attack was and why revision-1 code would fail it.

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
	"github.com/trackgate/trackgate/gateway/store"
)

const victimNumber = "VICTIM123456"

// sealParcel seals a real record of tn for courier, as its host would:
// the locator and record key come from the courier's OPRF key, so the
// SDK finds and opens it, sealed at the gateway's record_size.
func (h *harness) sealParcel(courier, tn string, version uint64, expires time.Time) crypto.SealedRecord {
	h.t.Helper()
	key := h.hosts[courier].key
	y, err := key.FullEvaluate(crypto.Input(courier, tn, ""))
	if err != nil {
		h.t.Fatal(err)
	}
	d, err := crypto.Derive(y)
	if err != nil {
		h.t.Fatal(err)
	}
	view, _ := json.Marshal(clienttest.View(courier, tn,
		clienttest.Event("2026-11-20T09:00:00Z", adapters.StatusInTransit, "Departed facility", "Lyon", "", "FR")))
	r := crypto.SealedRecord{
		Courier: courier, Locator: d.Locator, KeyID: crypto.KeyIDBytes(key.Public().Bytes()),
		Version: version, ExpiresAt: expires,
	}
	if err := crypto.Seal(d.RecordKey, &r, view, h.gw.cfg.RecordSize, rand.Reader); err != nil {
		h.t.Fatal(err)
	}
	return r
}

// publishBatch publishes a batch for courier and decodes the answer.
func (h *harness) publishBatch(courier string, batch api.Records) (int, api.PublishResponse) {
	h.t.Helper()
	if batch.Records == nil {
		batch.Records = []crypto.SealedRecord{} // as Go publishers send it: the schema has no null array
	}
	status, body := h.publish(h.signers[courier], courier, mustJSON(h.t, batch))
	var res api.PublishResponse
	if status == http.StatusOK {
		if err := json.Unmarshal(body, &res); err != nil {
			h.t.Fatalf("publish answer %s: %v", body, err)
		}
	}
	return status, res
}

func (h *harness) track(courier, tn string, private bool) (*client.Result, error) {
	h.t.Helper()
	c, err := client.New(h.srv.URL, client.WithPrivateFetch(private))
	if err != nil {
		h.t.Fatal(err)
	}
	return c.Track(h.t.Context(), tn, client.TrackOptions{Courier: courier})
}

// Attack: another courier publishes first at a victim's locator with a
// huge version and an expiry in year 9999. Revision 1 kept one record per
// locator, so the victim's publish was "stale" for ever and its clients
// got the squatter's record; revision 2 keeps records per (courier,
// locator), caps the expiry and the version.
func TestAttackLocatorSquatting(t *testing.T) {
	h := newHarness(t)
	victim := h.sealParcel("alpha", victimNumber, 1, time.Now().Add(24*time.Hour).UTC().Truncate(time.Second))
	squat := h.sealedFor("beta", crypto.MaxVersion)
	squat.Locator = victim.Locator
	squat.ExpiresAt = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	if status, res := h.publishBatch("beta", api.Records{Records: []crypto.SealedRecord{squat}}); status != http.StatusOK || res.Stored != 1 {
		t.Fatalf("squatter's publish: %d %+v", status, res)
	}
	if status, res := h.publishBatch("alpha", api.Records{Records: []crypto.SealedRecord{victim}}); status != http.StatusOK || res.Stored != 1 {
		t.Fatalf("victim's publish after the squatter: %d %+v, want stored", status, res)
	}
	held, err := h.store.Locator(t.Context(), victim.Locator, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range held {
		if r.ExpiresAt.After(time.Now().Add(store.DefaultMaxRecordTTL + time.Minute)) {
			t.Errorf("%s's record expires %v: not capped to max_record_ttl", r.Courier, r.ExpiresAt)
		}
	}
	for _, private := range []bool{true, false} {
		res, err := h.track("alpha", victimNumber, private)
		if err != nil || len(res.Legs) != 1 || res.Legs[0].View.TrackingNumber != victimNumber {
			t.Errorf("private=%v: the victim's client did not find its parcel: %+v, %v", private, res, err)
		}
	}
}

// Attack: a courier fills a bucket with records until answers for it
// are too large to serve, crowding out the other couriers' parcels.
// Revision 1 had no quota: every record was stored. Revision 2 refuses
// what passes courier_bucket_bytes, naming the limit, and the other
// couriers' records stay readable.
func TestAttackBucketInflation(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.RecordLimits.CourierBucketBytes = 8 * crypto.DefaultRecordSize
	})
	victim := h.sealParcel("alpha", victimNumber, 1, time.Now().Add(time.Hour))
	bucket := crypto.Bucket(victim.Locator, testBucketBits)
	var flood []crypto.SealedRecord
	for range 40 {
		r := h.sealedFor("beta", 1)
		r.Locator[0] = victim.Locator[0] // same bucket
		flood = append(flood, r)
	}
	status, res := h.publishBatch("beta", api.Records{Records: flood})
	if status != http.StatusOK || res.Refused == 0 || res.Stored+res.Stale+res.Refused != len(flood) {
		t.Fatalf("flood: %d %+v, want some refused", status, res)
	}
	for _, r := range res.Results {
		if r.Status == api.ItemRefused && r.Limit != store.LimitCourierBucketBytes {
			t.Errorf("refusal names limit %q, want %q", r.Limit, store.LimitCourierBucketBytes)
		}
	}
	if status, res := h.publishBatch("alpha", api.Records{Records: []crypto.SealedRecord{victim}}); status != http.StatusOK || res.Stored != 1 {
		t.Fatalf("victim's publish into the flooded bucket: %d %+v, want stored", status, res)
	}
	if recs := h.getRecords("/v1/buckets/" + crypto.FormatBucket(bucket)); !holds(recs.Records, &victim) {
		t.Error("the flooded bucket's answer lacks the victim's record")
	}
	if res, err := h.track("alpha", victimNumber, true); err != nil || len(res.Legs) != 1 {
		t.Errorf("the victim's client did not find its parcel: %v", err)
	}
}

// Attack: anyone reading buckets learns each courier's volume, key
// rotation and update rate from the courier, kid, version and expiry of
// every record. Revision 1 served the courier records as published;
// revision 2 serves locator, nonce and ciphertext only.
func TestAttackCourierVolumesPublic(t *testing.T) {
	h := newHarness(t)
	pushed := h.sealedFor("alpha", 7)
	h.publishBatch("alpha", api.Records{Records: []crypto.SealedRecord{pushed}})
	pulled := h.sealedFor("gamma", 9)
	pulled.Locator[0] = pushed.Locator[0]
	h.hosts["gamma"].bucket = []crypto.SealedRecord{pulled}
	for _, path := range []string{
		"/v1/buckets/" + crypto.FormatBucket(crypto.Bucket(pushed.Locator, testBucketBits)),
		"/v1/records/" + crypto.EncodeB64(pushed.Locator),
		"/v1/records/" + crypto.EncodeB64(pulled.Locator),
	} {
		status, _, body := h.do(http.MethodGet, path, nil, nil)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, status)
		}
		var answer struct{ Records []map[string]json.RawMessage }
		if err := json.Unmarshal(body, &answer); err != nil || len(answer.Records) == 0 {
			t.Fatalf("GET %s: %v, %d records", path, err, len(answer.Records))
		}
		for _, r := range answer.Records {
			if len(r) != 3 || r["locator"] == nil || r["nonce"] == nil || r["ciphertext"] == nil {
				t.Errorf("GET %s: a record has fields %v, want locator, nonce, ciphertext only", path, keys(r))
			}
		}
		for _, leak := range []string{"alpha", "gamma", `"kid"`, `"version"`, `"expires_at"`, `"courier"`, crypto.EncodeB64(pushed.KeyID)} {
			if strings.Contains(string(body), leak) {
				t.Errorf("GET %s: the answer carries %s", path, leak)
			}
		}
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Attack: an observer of (encrypted) traffic or of the gateway's logs
// tells which bucket a client read from the size of the answer. Revision
// 1 answered exactly the bucket's records, so sizes told buckets apart;
// revision 2 pads answers to a few size classes of records all of the
// deployment's record_size, and logs only those. Buckets of 0 to 20
// records (classes 0 and 1) answer at most 2 distinct lengths.
func TestAttackBucketSizeIdentifiesBucket(t *testing.T) {
	const bits = 8
	h := newHarness(t, func(c *Config) {
		c.BucketBits = bits
		c.RecordSize = 4 * crypto.BlockSize // small records keep the test quick; any size would do
	})
	var batches = map[string][]crypto.SealedRecord{}
	for b := range 256 {
		n := (b * 7) % 21 // 0 to 20 records, in no order of b
		for i := range n {
			courier := []string{"alpha", "beta"}[(b+i)%2]
			r := h.sealedFor(courier, uint64(1+i))
			r.Locator[0] = byte(b)
			batches[courier] = append(batches[courier], r)
		}
	}
	for courier, batch := range batches {
		for len(batch) > 0 {
			n := min(len(batch), crypto.MaxPublishSize)
			if status, res := h.publishBatch(courier, api.Records{Records: batch[:n]}); status != http.StatusOK || res.Stored != n {
				t.Fatalf("publish: %d %+v", status, res)
			}
			batch = batch[n:]
		}
	}
	sizes := map[int]int{}
	for b := range 256 {
		status, _, body := h.do(http.MethodGet, "/v1/buckets/"+crypto.FormatBucket(uint32(b)), nil, nil)
		if status != http.StatusOK {
			t.Fatalf("bucket %d: %d", b, status)
		}
		sizes[len(body)]++
	}
	if len(sizes) > 2 {
		t.Errorf("256 buckets answered %d distinct sizes %v, want at most 2 (their classes)", len(sizes), sizes)
	}
	logged := map[string]bool{}
	line := regexp.MustCompile(`route=/v1/buckets/:bucket status=200 bytes=(\d+)`)
	for _, m := range line.FindAllStringSubmatch(h.logText(), -1) {
		logged[m[1]] = true
	}
	if len(logged) == 0 || len(logged) > 2 {
		t.Errorf("the logs carry %d distinct bucket answer sizes, want 1 or 2", len(logged))
	}
}

// Attack: reading one bucket answer tells the dummies from the real
// records by their sizes, and so the number of real records — what
// padding was to hide. The first revision-2 padding filled each class to
// a fixed total of blocks, so 3 real records of 8 blocks left the 5
// dummies of class 0 2 blocks each; now every record of a deployment,
// dummies too, has the one record_size, and a publish of another size is
// refused. (Here record_size is 8 blocks, the case that leaked.)
func TestAttackDummiesToldApartBySize(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.RecordSize = 8 * crypto.BlockSize })
	var real []crypto.SealedRecord
	for i := range 3 {
		r := h.sealedFor("alpha", 1)
		r.Locator[0] = 0x40 | byte(i) // one bucket
		real = append(real, r)
	}
	if status, res := h.publishBatch("alpha", api.Records{Records: real}); status != http.StatusOK || res.Stored != 3 {
		t.Fatalf("publish: %d %+v", status, res)
	}
	recs := h.getRecords("/v1/buckets/" + crypto.FormatBucket(crypto.Bucket(real[0].Locator, testBucketBits)))
	if len(recs.Records) != 8 {
		t.Fatalf("the answer has %d records, want 8 (class 0)", len(recs.Records))
	}
	sizes := map[int]int{}
	for _, r := range recs.Records {
		sizes[len(r.Ciphertext)]++
	}
	if len(sizes) != 1 || sizes[8*crypto.BlockSize] != 8 {
		t.Errorf("ciphertext sizes in one answer: %v, want all 8 of %d bytes", sizes, 8*crypto.BlockSize)
	}
}

// Attack (of the courier against itself): a parcel published by mistake,
// or whose factor changed, stays readable until it expires, and an older
// version can come back. Revision 1 had no withdrawal; revision 2 leaves a
// tombstone that hides the record and keeps older versions out.
func TestAttackNoTombstone(t *testing.T) {
	h := newHarness(t)
	v3 := h.sealedFor("alpha", 3)
	path := "/v1/records/" + crypto.EncodeB64(v3.Locator)
	h.publishBatch("alpha", api.Records{Records: []crypto.SealedRecord{v3}})
	status, res := h.publishBatch("alpha", api.Records{Withdraw: []api.Withdrawal{{Locator: v3.Locator, Version: 3}}})
	if status != http.StatusOK || len(res.Results) != 1 || res.Results[0].Status != api.ItemStored {
		t.Fatalf("withdrawal: %d %+v, want stored", status, res)
	}
	if recs := h.getRecords(path); len(recs.Records) != 0 {
		t.Fatal("the withdrawn record is still served")
	}
	v2 := h.sealedFor("alpha", 2)
	v2.Locator = v3.Locator
	if _, res := h.publishBatch("alpha", api.Records{Records: []crypto.SealedRecord{v2}}); res.Stale != 1 {
		t.Errorf("an older version after the withdrawal: %+v, want stale", res)
	}
	v4 := h.sealedFor("alpha", 4)
	v4.Locator = v3.Locator
	if _, res := h.publishBatch("alpha", api.Records{Records: []crypto.SealedRecord{v4}}); res.Stored != 1 {
		t.Errorf("a newer version after the withdrawal: %+v, want stored", res)
	}
	if recs := h.getRecords(path); len(recs.Records) != 1 || !holds(recs.Records, &v4) {
		t.Error("the newer version does not bring the parcel back")
	}
}

// Attack: to keep a parcel alive a courier had to seal it again under a
// higher version, so readers saw a "change" where there was none (and a
// same-version republish with a later expiry was stale, letting the record
// lapse). Revision 1 had no extension; revision 2's extend moves the
// expiry of the same sealed record.
func TestAttackExpiryNeedsVersionBump(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	h := newHarness(t, func(c *Config) { c.Now = clock })
	r := h.sealedFor("alpha", 5) // expires in an hour
	path := "/v1/records/" + crypto.EncodeB64(r.Locator)
	h.publishBatch("alpha", api.Records{Records: []crypto.SealedRecord{r}})
	later := clock().Add(48 * time.Hour).UTC().Truncate(time.Second)
	status, res := h.publishBatch("alpha", api.Records{Extend: []api.Extension{{Locator: r.Locator, Version: 5, ExpiresAt: later}}})
	if status != http.StatusOK || res.Stored != 1 {
		t.Fatalf("extension: %d %+v, want stored", status, res)
	}
	if _, res := h.publishBatch("alpha", api.Records{Extend: []api.Extension{{Locator: r.Locator, Version: 4, ExpiresAt: later}}}); res.Stale != 1 {
		t.Errorf("extension of another version: %+v, want stale", res)
	}
	now.Add(int64(2 * time.Hour))
	if recs := h.getRecords(path); len(recs.Records) != 1 || !holds(recs.Records, &r) {
		t.Error("two hours on, the extended record is not served unchanged")
	}
}

// Attack: a version above 2^53 − 1 is read inexactly by JavaScript
// clients and, at 2^64 − 1, can never be superseded. Revision 1 accepted
// any uint64; revision 2 refuses the whole batch (400 from the schema
// check, 422 from the gateway's own).
func TestAttackVersionAbove2p53(t *testing.T) {
	h := newHarness(t)
	for _, v := range []uint64{crypto.MaxVersion + 1, 1<<64 - 1} {
		good := h.sealedFor("alpha", 1)
		bad := h.sealedFor("alpha", v)
		for name, batch := range map[string]api.Records{
			"record":     {Records: []crypto.SealedRecord{good, bad}},
			"extension":  {Records: []crypto.SealedRecord{good}, Extend: []api.Extension{{Locator: good.Locator, Version: v, ExpiresAt: good.ExpiresAt}}},
			"withdrawal": {Records: []crypto.SealedRecord{good}, Withdraw: []api.Withdrawal{{Locator: good.Locator, Version: v}}},
		} {
			status, body := h.publish(h.signers["alpha"], "alpha", mustJSON(t, batch))
			if status != http.StatusBadRequest && status != http.StatusUnprocessableEntity {
				t.Errorf("%s of version %d: status %d %s, want 400 or 422", name, v, status, body)
			}
			// In process, without the HTTP schema check in front.
			if _, err := (LocalPublisher{Gateway: h.gw, Courier: "alpha"}).Publish(t.Context(), batch); !errors.Is(err, ErrUnprocessableRecord) {
				t.Errorf("%s of version %d in process: %v, want ErrUnprocessableRecord", name, v, err)
			}
			if n := h.store.Len(); n != 0 {
				t.Fatalf("%s of version %d: a refused batch stored %d records", name, v, n)
			}
		}
	}
}

// Attack: make a pull courier's host fail (or wait for it to), so that a
// client's lookup says "not found" and the user gives up on a parcel that
// exists. Revision 1 left the courier out of the answer silently;
// revision 2 names it in missing, and the SDK says "unavailable".
func TestAttackPartialAnswerLooksNotFound(t *testing.T) {
	h := newHarness(t)
	h.hosts["gamma"].bucket = []crypto.SealedRecord{h.sealParcel("gamma", victimNumber, 1, time.Now().Add(time.Hour))}
	h.hosts["gamma"].bucketFail = fmt.Errorf("host down: %w", api.ErrUnavailable)
	if recs := h.getRecords("/v1/buckets/1"); len(recs.Missing) != 1 || recs.Missing[0] != "gamma" {
		t.Fatalf("missing = %v, want [gamma]", recs.Missing)
	}
	for _, private := range []bool{true, false} {
		res, err := h.track("gamma", victimNumber, private)
		if errors.Is(err, client.ErrNotFound) || !errors.Is(err, client.ErrUnavailable) {
			t.Errorf("private=%v: err = %v, want unavailable, not not-found", private, err)
		}
		if res == nil || len(res.Couriers) != 1 || res.Couriers[0].Status != api.StatusUnavailable {
			t.Errorf("private=%v: outcomes %+v, want gamma unavailable", private, res)
		}
	}
}
