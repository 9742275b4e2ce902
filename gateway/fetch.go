package gateway

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/store"
)

// handleBucket serves GET /v1/buckets/{bucket}: every live record of the
// bucket, from the store (push couriers) and, live, from every pull-mode
// courier. A pull courier that cannot answer in time is left out; the
// client then cannot tell its parcel from a missing one, which is why the
// failure is logged (without the bucket).
func (g *Gateway) handleBucket(c *gin.Context) {
	bucket, err := crypto.ParseBucket(c.Param("bucket"), g.cfg.BucketBits)
	if err != nil {
		problem.Abort(c, http.StatusBadRequest, "The bucket must be lowercase hex without leading zeros, below 2^bucket_bits of the directory.")
		return
	}
	ctx := c.Request.Context()
	now := g.cfg.Now()
	records, err := g.cfg.Store.Bucket(ctx, bucket, now)
	if err != nil {
		g.storeFailed(c, err)
		return
	}
	for _, recs := range g.pullBuckets(ctx, bucket) {
		for i := range recs {
			if store.Live(&recs[i], now) {
				records = append(records, recs[i])
			}
		}
	}
	if records == nil {
		records = []crypto.SealedRecord{}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, api.Records{Records: records})
}

// handleRecord serves GET /v1/records/{locator}: the store first, then
// the pull-mode couriers.
func (g *Gateway) handleRecord(c *gin.Context) {
	locator, err := crypto.ParseLocator(c.Param("locator"))
	if err != nil {
		problem.Abort(c, http.StatusBadRequest, "The locator must be 16 bytes in unpadded base64url (22 characters).")
		return
	}
	ctx := c.Request.Context()
	now := g.cfg.Now()
	rec, err := g.cfg.Store.Get(ctx, locator, now)
	switch {
	case err == nil:
	case errors.Is(err, store.ErrNotFound):
		var found bool
		rec, found = g.pullRecord(ctx, locator, now)
		if !found {
			problem.Abort(c, http.StatusNotFound, "No record at this locator.")
			return
		}
	default:
		g.storeFailed(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, rec)
}

func (g *Gateway) storeFailed(c *gin.Context, err error) {
	g.cfg.Logger.Error("store failed", "route", c.FullPath(), "error", err)
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
// one request.
func (g *Gateway) pullBuckets(ctx context.Context, bucket uint32) [][]crypto.SealedRecord {
	couriers := g.pullCouriers()
	out := make([][]crypto.SealedRecord, len(couriers))
	var wg sync.WaitGroup
	for i, co := range couriers {
		wg.Go(func() {
			recs, err := g.pullBucket(ctx, co, bucket)
			if err != nil {
				g.cfg.Logger.Warn("pull courier bucket failed", "courier", co.ID, "error", err)
				return
			}
			out[i] = recs
		})
	}
	wg.Wait()
	return out
}

func (g *Gateway) pullBucket(ctx context.Context, co *Courier, bucket uint32) ([]crypto.SealedRecord, error) {
	key := pullKey{courier: co.ID, bucket: bucket}
	if recs, ok := g.pull.get(key, g.cfg.Now()); ok {
		return recs, nil
	}
	ch := g.fetches.DoChan(co.ID+"/"+crypto.FormatBucket(bucket), func() (any, error) {
		// Detached from the first caller's context so that one client
		// going away does not fail the others waiting on this fetch.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), g.cfg.FetchTimeout)
		defer cancel()
		recs, err := co.Host.Bucket(fctx, bucket)
		if err != nil {
			return nil, err
		}
		recs = ownRecords(co.ID, recs, func(r *crypto.SealedRecord) bool {
			return crypto.Bucket(r.Locator, g.cfg.BucketBits) == bucket
		})
		now := g.cfg.Now()
		g.pull.put(key, recs, now, now.Add(g.cfg.PullCacheTTL))
		return recs, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.([]crypto.SealedRecord), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// pullRecord asks the pull couriers for one locator; the first to have it wins.
func (g *Gateway) pullRecord(ctx context.Context, locator []byte, now time.Time) (crypto.SealedRecord, bool) {
	couriers := g.pullCouriers()
	if len(couriers) == 0 {
		return crypto.SealedRecord{}, false
	}
	ctx, cancel := context.WithTimeout(ctx, g.cfg.FetchTimeout)
	defer cancel()
	found := make(chan crypto.SealedRecord, len(couriers))
	var wg sync.WaitGroup
	for _, co := range couriers {
		wg.Go(func() {
			rec, err := co.Host.Record(ctx, locator)
			if err != nil {
				if !errors.Is(err, api.ErrNotFound) {
					g.cfg.Logger.Warn("pull courier record failed", "courier", co.ID, "error", err)
				}
				return
			}
			mine := ownRecords(co.ID, []crypto.SealedRecord{rec}, func(r *crypto.SealedRecord) bool {
				return string(r.Locator) == string(locator) && store.Live(r, now)
			})
			if len(mine) == 1 {
				found <- mine[0]
			}
		})
	}
	go func() { wg.Wait(); close(found) }()
	rec, ok := <-found
	return rec, ok
}

// ownRecords keeps the well-formed records a pull courier serves for
// itself and that pass keep: a courier host cannot slip in records
// under another courier's name.
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
	records []crypto.SealedRecord
	expires time.Time
}

// maxPullEntries bounds the cache; past it, expired entries are dropped
// and, if that is not enough, everything.
const maxPullEntries = 8192

func (p *pullCache) get(k pullKey, now time.Time) ([]crypto.SealedRecord, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.entries[k]
	if !ok || !now.Before(e.expires) {
		return nil, false
	}
	return e.records, true
}

func (p *pullCache) put(k pullKey, recs []crypto.SealedRecord, now, expires time.Time) {
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
