package courierhost

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

// Intervals of Run's background work.
const (
	sweepInterval = time.Minute // expired records out, new keys in
	retryBase     = time.Second
	retryMax      = 5 * time.Minute
)

// ErrAlreadyRunning is returned by Run when another Run of the same host
// has not returned yet.
var ErrAlreadyRunning = errors.New("courier host is already running")

// Run builds the locator index and keeps it fresh until ctx ends, then
// stops everything it started and returns ctx's error.
//
// It starts the adapter's Watch (if the Source is a Watcher, restarting it
// with backoff should it end early), lists every live parcel (if a
// Lister, retrying with backoff until it succeeds), and then reports
// Ready. From there it sweeps expired records and seals parcels under
// keys as they become valid, lists a Source that cannot watch again every
// ListInterval, and in push mode publishes every changed record. Until
// its first records are out it reports Loading.
func (h *Host) Run(ctx context.Context) error {
	if !h.running.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	defer h.running.Store(false)
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // runs before wg.Wait: defers run last first
	h.load.reset(time.Now())

	// Watch starts before the listing so that no change falls between
	// the two; the version rule makes their order irrelevant.
	if h.watcher != nil {
		wg.Go(func() { h.watch(ctx) })
	}
	start := time.Now()
	if h.lister != nil {
		for attempt := 1; !h.list(ctx); attempt++ {
			if !sleep(ctx, backoff(attempt, retryBase, retryMax)) {
				return ctx.Err()
			}
		}
	}
	parcels, records := h.index.size()
	h.cfg.Logger.Info("locator index built", "parcels", parcels, "records", records,
		"duration", time.Since(start).Round(time.Millisecond))
	h.ready.Store(true)
	defer func() {
		h.ready.Store(false)
		h.load.reset(time.Now()) // a host that stopped is loading again
	}()

	if h.queue != nil {
		wg.Go(func() { h.publishLoop(ctx) })
	}
	h.maintain(ctx)
	return ctx.Err()
}

// list indexes every parcel the Lister yields and reports whether the
// listing completed.
func (h *Host) list(ctx context.Context) bool {
	var c syncCounts
	err := h.lister.Parcels(ctx, func(p adapters.Parcel) bool {
		h.changed(p, &c)
		return true
	})
	c.log(h, "parcels listed")
	if err != nil {
		if ctx.Err() == nil {
			// The adapter's error text may name a parcel: only its kind is logged.
			h.cfg.Logger.Warn("listing parcels failed; will retry", "unavailable", errors.Is(err, adapters.ErrUnavailable))
		}
		return false
	}
	return true
}

// watch runs the adapter's Watch until ctx ends, restarting it with
// backoff (and listing again, for the changes missed meanwhile) when it
// ends early.
func (h *Host) watch(ctx context.Context) {
	for attempt := 1; ; attempt++ {
		err := h.watcher.Watch(ctx, func(p adapters.Parcel) { h.changed(p, nil) })
		if ctx.Err() != nil {
			return
		}
		h.cfg.Logger.Warn("adapter watch ended early; will restart", "attempt", attempt,
			"unavailable", errors.Is(err, adapters.ErrUnavailable))
		if !sleep(ctx, backoff(attempt, retryBase, retryMax)) {
			return
		}
		if h.lister != nil && h.Ready() {
			h.list(ctx)
		}
	}
}

// changed indexes one parcel and queues its new records for publishing;
// c, when not nil, counts the outcome.
func (h *Host) changed(p adapters.Parcel, c *syncCounts) {
	records, err := h.indexParcel(p, h.cfg.Now())
	if c != nil {
		c.count(err, len(records))
	}
	h.publish(records)
	if err != nil && !errors.Is(err, errOlderVersion) && !errors.Is(err, errOtherPartition) {
		// err is one of our fixed reasons, naming no parcel.
		h.cfg.Logger.Warn("parcel not indexed", "reason", err)
	}
}

// maintain sweeps the index every minute and lists a Source that cannot
// watch every ListInterval, until ctx ends.
func (h *Host) maintain(ctx context.Context) {
	sweeps := time.NewTicker(sweepInterval)
	defer sweeps.Stop()
	var relist <-chan time.Time
	if h.watcher == nil && h.lister != nil {
		t := time.NewTicker(h.cfg.ListInterval)
		defer t.Stop()
		relist = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-sweeps.C:
			h.sweepAndPublish()
		case <-h.rekeyed:
			h.sweepAndPublish() // new keys: seal under them now, not within a minute
		case <-relist:
			h.list(ctx)
		}
	}
}

// sweepAndPublish sweeps the index and queues what it sealed.
func (h *Host) sweepAndPublish() {
	records, err := h.sweep(h.cfg.Now())
	if err != nil {
		h.cfg.Logger.Error("sweeping the index failed", "reason", err)
	}
	h.publish(records)
}

// publish queues records for the gateway in push mode.
func (h *Host) publish(records []crypto.SealedRecord) {
	if h.queue != nil && len(records) > 0 {
		h.queue.add(records)
	}
}

// syncCounts tallies one listing or watch for the log.
type syncCounts struct {
	parcels, records, rejected, older, others int
}

func (c *syncCounts) count(err error, sealed int) {
	c.records += sealed
	switch {
	case err == nil:
		c.parcels++
	case errors.Is(err, errOlderVersion):
		c.older++
	case errors.Is(err, errOtherPartition):
		c.others++
	default:
		c.rejected++
	}
}

func (c *syncCounts) log(h *Host, msg string) {
	h.cfg.Logger.Info(msg, "parcels", c.parcels, "records_sealed", c.records,
		"rejected", c.rejected, "older_versions", c.older, "other_partitions", c.others)
}

// backoff is the wait before retry number attempt (1, 2, …): doubling
// from base up to max, with jitter over its upper half so that many hosts
// do not retry in step.
func backoff(attempt int, base, max time.Duration) time.Duration {
	d := max
	if attempt < 30 {
		if b := base << (attempt - 1); b > 0 && b < max {
			d = b
		}
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx ends, and reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
