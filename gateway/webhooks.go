package gateway

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/delivery/memory"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/transparency"
)

// newWebhooks builds the engine of subscriptions (package delivery) with
// what the gateway knows: its store, its pull couriers and how to read
// their buckets, its limits. Without a backend the subscriptions live in
// this process's memory.
func (g *Gateway) newWebhooks() (*delivery.Engine, error) {
	opts := g.cfg.Webhooks
	if opts.Backend == nil {
		opts.Backend = memory.New(0)
	}
	if opts.Lifetime == 0 {
		opts.Lifetime = g.cfg.RecordLimits.MaxRecordTTL
	}
	if opts.Observe == nil {
		opts.Observe = g.cfg.Metrics.Webhooks()
	}
	if opts.Count == nil {
		// The engine's counts go to the transparency report.
		opts.Count = func(ctx context.Context, s delivery.Scope, metric string, n int64) {
			g.count(ctx, transparency.Scope{Courier: s.Courier, Tenant: s.Tenant}, metric, n)
		}
	}
	cfg := delivery.Config{
		Options:    opts,
		BucketBits: g.cfg.BucketBits,
		PullBucket: func(ctx context.Context, courier string, bucket uint32) ([]crypto.SealedRecord, error) {
			return g.pullSealed(ctx, g.couriers[courier], bucket)
		},
		StoredBucket: g.cfg.Store.Bucket,
		Logger:       g.cfg.Logger,
		Now:          g.cfg.Now,
	}
	for _, co := range g.pullCouriers() {
		cfg.Watch = append(cfg.Watch, delivery.WatchedCourier{ID: co.ID, Interval: co.WatchInterval})
	}
	e, err := delivery.NewEngine(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: webhooks: %w", ErrConfig, err)
	}
	g.cfg.Metrics.Webhooks().WatchQueue(func() float64 {
		// Read at every scrape: a slow backend must not hold the scrape.
		ctx, cancel := context.WithTimeout(context.Background(), queueDepthTimeout)
		defer cancel()
		n, err := e.Depth(ctx)
		if err != nil {
			return math.NaN() // unknown, not zero: an alert on depth must not clear
		}
		return float64(n)
	})
	return e, nil
}

// queueDepthTimeout bounds the read of the webhook queue's depth.
const queueDepthTimeout = time.Second

// deliverPublished queues the webhook deliveries of a publish before the
// gateway acknowledges it: every record stored and every withdrawal
// applied, at a watched locator. An item answered stale may be a retry
// of one stored before its deliveries were queued (the gateway failed in
// between); it is queued too when it is what the store holds, and lanes
// take each version once.
func (g *Gateway) deliverPublished(ctx context.Context, courier string, b *api.Records, results []store.Result) error {
	var events []delivery.Event
	var stale []int // indexes into events of items answered stale
	for i := range b.Records {
		switch results[i].Outcome {
		case store.Stored:
			events = append(events, delivery.RecordEvent(&b.Records[i]))
		case store.Stale:
			stale = append(stale, len(events))
			events = append(events, delivery.RecordEvent(&b.Records[i]))
		}
	}
	offset := len(b.Records) + len(b.Extend)
	for j, w := range b.Withdraw {
		e := delivery.Event{Courier: courier, Locator: w.Locator, Version: w.Version, Withdrawn: true}
		switch results[offset+j].Outcome {
		case store.Stored:
			events = append(events, e)
		case store.Stale:
			stale = append(stale, len(events))
			events = append(events, e)
		}
	}
	if len(events) == 0 {
		return nil
	}
	locators := make([][]byte, len(events))
	for i := range events {
		locators[i] = events[i].Locator
	}
	watched, err := g.webhooks.Backend().Watching(ctx, locators)
	if err != nil {
		return fmt.Errorf("webhooks: %w", err)
	}
	isStale := map[int]bool{}
	for _, i := range stale {
		isStale[i] = true
	}
	now := g.cfg.Now()
	var queue []delivery.Event
	for i, e := range events {
		if !watched[i] {
			continue
		}
		if isStale[i] {
			held, err := g.holds(ctx, e, now)
			if err != nil {
				return err
			}
			if !held {
				continue
			}
		}
		queue = append(queue, e)
	}
	return g.webhooks.Publish(ctx, queue)
}

// holds reports whether the store holds what a stale item says: the
// record of exactly its version, or for a withdrawal no live record above
// it (its tombstone, which reads do not show).
func (g *Gateway) holds(ctx context.Context, e delivery.Event, now time.Time) (bool, error) {
	recs, err := g.cfg.Store.Locator(ctx, e.Locator, now)
	if err != nil {
		return false, err
	}
	for i := range recs {
		r := &recs[i]
		if r.Courier != e.Courier {
			continue
		}
		if e.Withdrawn {
			return r.Version <= e.Version, nil
		}
		return r.Version == e.Version && bytes.Equal(r.Nonce, e.Nonce), nil
	}
	return e.Withdrawn, nil
}
