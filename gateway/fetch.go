package gateway

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/telemetry"
	"github.com/trackgate/trackgate/gateway/transparency"
)

// handleBucket serves GET /v1/buckets/{bucket}: every live record of the
// bucket in public form — from the store (push couriers, all of them) and,
// live, from every pull-mode courier — padded with dummies to its size
// class (docs/protocol.md §7). A pull courier that cannot answer in time
// is named in missing, so that a client does not take its parcel for a
// missing one.
func (g *Gateway) handleBucket(c *gin.Context) {
	bucket, err := crypto.ParseBucket(c.Param("bucket"), g.cfg.BucketBits)
	if err != nil {
		problem.Abort(c, http.StatusBadRequest, "The bucket must be lowercase hex without leading zeros, below 2^bucket_bits of the directory.")
		return
	}
	ctx := c.Request.Context()
	now := g.cfg.Now()
	start := time.Now()
	records, err := g.cfg.Store.PublicBucket(ctx, bucket, now)
	g.cfg.Metrics.StoreOperation(telemetry.StoreBucket, start, err)
	if err != nil {
		g.storeFailed(c, err)
		return
	}
	pulled, missing := g.pullBuckets(ctx, bucket, now)
	for _, recs := range pulled {
		records = append(records, recs...)
	}
	records, _ = g.padder.pad(records, bucket, now)
	g.countFetch(c)
	g.writeRecords(c, records, missing)
}

// handleRecord serves GET /v1/records/{locator}: every live record at the
// locator, of any courier, unpadded. For pull couriers the gateway reads
// the courier's bucket of that locator through the bucket cache and never
// sends the locator itself: a client cannot make the gateway hand a
// courier the locator it looks up.
func (g *Gateway) handleRecord(c *gin.Context) {
	locator, err := crypto.ParseLocator(c.Param("locator"))
	if err != nil {
		problem.Abort(c, http.StatusBadRequest, "The locator must be 16 bytes in unpadded base64url (22 characters).")
		return
	}
	ctx := c.Request.Context()
	now := g.cfg.Now()
	start := time.Now()
	records, err := g.cfg.Store.PublicLocator(ctx, locator, now)
	g.cfg.Metrics.StoreOperation(telemetry.StoreLocator, start, err)
	if err != nil {
		g.storeFailed(c, err)
		return
	}
	pulled, missing := g.pullBuckets(ctx, crypto.Bucket(locator, g.cfg.BucketBits), now)
	for _, recs := range pulled {
		for _, r := range recs {
			if bytes.Equal(r.Locator, locator) {
				records = append(records, r)
			}
		}
	}
	slices.SortFunc(records, func(a, b store.PublicRecord) int { return bytes.Compare(a.Nonce, b.Nonce) })
	g.countFetch(c)
	g.writeRecords(c, records, missing)
}

// writeRecords answers 200 with the records and the missing couriers
// (appendAnswer), written at once from a reused buffer.
func (g *Gateway) writeRecords(c *gin.Context, records []store.PublicRecord, missing []string) {
	buf := g.answers.get(answerSize(records, missing))
	defer g.answers.put(buf)
	*buf = appendAnswer(*buf, records, missing)
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Length", strconv.Itoa(len(*buf)))
	c.Data(http.StatusOK, "application/json; charset=utf-8", *buf)
}

// appendAnswer appends {"records":[…],"missing":[…]}: what encoding/json
// writes for api.PublicRecords, byte for byte, but made by concatenating
// the records' public forms as the store keeps them.
func appendAnswer(dst []byte, records []store.PublicRecord, missing []string) []byte {
	dst = append(dst, `{"records":[`...)
	for i, r := range records {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, r.JSON...)
	}
	dst = append(dst, `],"missing":[`...)
	for i, id := range missing {
		if i > 0 {
			dst = append(dst, ',')
		}
		// Courier ids are lowercase letters, digits and '-' (§3): nothing
		// to escape.
		dst = append(dst, '"')
		dst = append(dst, id...)
		dst = append(dst, '"')
	}
	return append(dst, "]}"...)
}

// answerSize is the length of appendAnswer's answer.
func answerSize(records []store.PublicRecord, missing []string) int {
	n := len(`{"records":[],"missing":[]}`) + max(len(records)-1, 0) + max(len(missing)-1, 0)
	for _, r := range records {
		n += len(r.JSON)
	}
	for _, id := range missing {
		n += len(id) + 2
	}
	return n
}

// maxKeptAnswer bounds the answer buffers kept for reuse: a bucket of
// class 2 (128 records at the default record_size) is about 1 MiB.
const maxKeptAnswer = 4 << 20

// bufferPool is a sync.Pool of byte buffers that keeps none larger than
// maxKept, so one huge answer does not stay in memory.
type bufferPool struct {
	pool    sync.Pool
	maxKept int
}

// get returns an empty buffer of at least size bytes of capacity.
func (p *bufferPool) get(size int) *[]byte {
	if b, ok := p.pool.Get().(*[]byte); ok && cap(*b) >= size {
		*b = (*b)[:0]
		return b
	}
	b := make([]byte, 0, size)
	return &b
}

func (p *bufferPool) put(b *[]byte) {
	if cap(*b) <= p.maxKept {
		p.pool.Put(b)
	}
}

func (g *Gateway) storeFailed(c *gin.Context, err error) {
	g.cfg.Logger.ErrorContext(c.Request.Context(), "store failed", "route", c.FullPath(), "error", err)
	g.unavailable(c, "Records cannot be read right now; try again shortly.")
}

func (g *Gateway) pullCouriers() []*Courier {
	var out []*Courier
	for i := range g.cfg.Couriers {
		if co := &g.cfg.Couriers[i]; co.Mode == api.ModePull {
			out = append(out, co)
		}
	}
	return out
}

// pullBuckets asks every pull courier for a bucket at once, through a
// short cache and singleflight so a burst of clients costs each courier
// one request. It returns the live records of the couriers that answered,
// in public form, and the ids of those that did not (never nil), in
// configuration order.
func (g *Gateway) pullBuckets(ctx context.Context, bucket uint32, now time.Time) ([][]store.PublicRecord, []string) {
	couriers := g.pullCouriers()
	out := make([][]store.PublicRecord, len(couriers))
	failed := make([]bool, len(couriers))
	var wg sync.WaitGroup
	for i, co := range couriers {
		wg.Go(func() {
			recs, err := g.pullBucket(ctx, co, bucket)
			if err != nil {
				// The bucket is never logged: with the courier it would
				// narrow down what a client looked up.
				g.cfg.Logger.WarnContext(ctx, "pull courier bucket failed", "courier", co.ID, "error", err)
				failed[i] = true
				return
			}
			out[i] = liveRecords(recs, now)
		})
	}
	wg.Wait()
	missing := []string{}
	for i, co := range couriers {
		if failed[i] {
			missing = append(missing, co.ID)
		}
	}
	return out, missing
}

// pulledRecord is a record a pull courier served, in public form, with
// its expiry.
type pulledRecord struct {
	public  store.PublicRecord
	expires time.Time
	// sealed is the record as served, version included, for the webhook
	// watcher (pullSealed).
	sealed crypto.SealedRecord
}

// liveRecords returns the public forms of the records of recs that have
// not expired at now, in a new slice: recs may be shared through the
// cache.
func liveRecords(recs []pulledRecord, now time.Time) []store.PublicRecord {
	var out []store.PublicRecord
	for i := range recs {
		if recs[i].expires.After(now) {
			out = append(out, recs[i].public)
		}
	}
	return out
}

func (g *Gateway) pullBucket(ctx context.Context, co *Courier, bucket uint32) ([]pulledRecord, error) {
	key := pullKey{courier: co.ID, bucket: bucket}
	if recs, ok := g.pull.get(key, g.cfg.Now()); ok {
		return recs, nil
	}
	ch := g.fetches.DoChan(co.ID+"/"+crypto.FormatBucket(bucket), func() (any, error) {
		// Detached from the first caller's context so that one client
		// going away does not fail the others waiting on this fetch.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), g.cfg.FetchTimeout)
		defer cancel()
		g.count(fctx, transparency.Courier(co.ID), transparency.Fetches, 1)
		start := time.Now()
		sealed, err := co.Host.Bucket(fctx, bucket)
		g.cfg.Metrics.PullFetch(co.ID, pullOutcome(fctx, err), time.Since(start))
		if err != nil {
			return nil, err
		}
		sealed = ownRecords(co.ID, sealed, func(r *crypto.SealedRecord) bool {
			return crypto.Bucket(r.Locator, g.cfg.BucketBits) == bucket &&
				len(r.Ciphertext) == g.cfg.RecordSize
		})
		// Written in public form once, for every read until the cache
		// entry expires.
		recs := make([]pulledRecord, len(sealed))
		for i := range sealed {
			recs[i] = pulledRecord{public: store.NewPublicRecord(&sealed[i]), expires: sealed[i].ExpiresAt, sealed: sealed[i]}
		}
		now := g.cfg.Now()
		g.pull.put(key, recs, now, now.Add(g.cfg.PullCacheTTL))
		return recs, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.([]pulledRecord), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// pullSealed is pullBucket's records as the courier served them, for the
// webhook watcher, which needs their versions.
func (g *Gateway) pullSealed(ctx context.Context, co *Courier, bucket uint32) ([]crypto.SealedRecord, error) {
	recs, err := g.pullBucket(ctx, co, bucket)
	if err != nil {
		return nil, err
	}
	out := make([]crypto.SealedRecord, len(recs))
	for i := range recs {
		out[i] = recs[i].sealed
	}
	return out, nil
}

// ownRecords keeps the well-formed records a pull courier serves for
// itself and that pass keep (the bucket asked for and the deployment's
// record_size, so no record stands out among the dummies): a courier host
// cannot slip in records under another courier's name.
func ownRecords(courier string, recs []crypto.SealedRecord, keep func(*crypto.SealedRecord) bool) []crypto.SealedRecord {
	out := recs[:0:0]
	for i := range recs {
		r := &recs[i]
		if r.Courier == courier && r.Check() == nil && keep(r) {
			out = append(out, *r)
		}
	}
	return out
}

// pullCache holds pull couriers' buckets for PullCacheTTL.
type pullCache struct {
	mu      sync.Mutex
	entries map[pullKey]pullEntry
}

type pullKey struct {
	courier string
	bucket  uint32
}

type pullEntry struct {
	records []pulledRecord
	expires time.Time
}

// maxPullEntries bounds the cache; past it, expired entries are dropped
// and, if that is not enough, everything.
const maxPullEntries = 8192

func (p *pullCache) get(k pullKey, now time.Time) ([]pulledRecord, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.entries[k]
	if !ok || !now.Before(e.expires) {
		return nil, false
	}
	return e.records, true
}

func (p *pullCache) put(k pullKey, recs []pulledRecord, now, expires time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.entries) >= maxPullEntries {
		for key, e := range p.entries {
			if !now.Before(e.expires) {
				delete(p.entries, key)
			}
		}
		if len(p.entries) >= maxPullEntries {
			clear(p.entries)
		}
	}
	p.entries[k] = pullEntry{records: recs, expires: expires}
}
