package outbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
)

// batchOverhead is the JSON around the records of one publish,
// {"records":[…]}, and the comma between two records.
const batchOverhead = 16

// Run sends pending records to the gateway until ctx ends, then returns
// ctx's error. After a failed send it waits with capped, jittered
// exponential backoff; after a refusal a retry will not cure (see
// courierhost.Retryable) it waits the cap at once, since an operator may
// still fix the cause (a key to register, a kid the gateway has not
// fetched yet).
func (o *Outbox) Run(ctx context.Context) error {
	if !o.running.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	defer o.running.Store(false)
	failures := 0
	maxBytes := o.opts.maxBatchBytes
	for {
		batch, err := o.next(maxBytes)
		if err != nil {
			// Only a closed or broken file fails a read: wait as for a
			// failed send rather than spin.
			failures++
			o.opts.logger.Error("reading the outbox failed", "error", err)
			if !sleep(ctx, o.backoff(failures)) {
				return ctx.Err()
			}
			continue
		}
		if len(batch) == 0 {
			if !o.waitForRecords(ctx) {
				return ctx.Err()
			}
			continue
		}
		start := time.Now()
		delivered, refused, err := o.send(ctx, batch)
		if err == nil {
			failures = 0
			if err := o.ack(delivered); err != nil {
				// The gateway has them: at worst they are sent again,
				// which its version rule makes harmless.
				o.opts.logger.Error("removing acknowledged records from the outbox failed", "error", err)
			}
			until := o.opts.now().Add(jitter(o.opts.retryMax))
			for i := range refused {
				o.heldBack[string(refused[i].Locator)] = until
			}
			o.opts.logger.Info("records published", "records", len(delivered), "refused", len(refused),
				"pending", o.Pending(), "duration", time.Since(start).Round(time.Millisecond))
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		failures++
		wait := o.backoff(failures)
		var pe *courierhost.PublishError
		switch {
		case errors.As(err, &pe) && pe.StatusCode == http.StatusRequestEntityTooLarge && len(batch) > 1:
			// The gateway's max_publish_bytes is below our batches: send
			// smaller ones from now on, soon.
			maxBytes = max(maxBytes/2, 1)
			failures = 0
			wait = o.backoff(1)
		case !courierhost.Retryable(err):
			wait = jitter(o.opts.retryMax)
		}
		o.opts.logger.Warn("publishing records failed; they stay in the outbox", "records", len(batch),
			"pending", o.Pending(), "failures", failures, "retry_in", wait.Round(time.Millisecond), "error", err)
		if !sleep(ctx, wait) {
			return ctx.Err()
		}
	}
}

// waitForRecords waits for new records, or for the first held-back one
// to be due, and reports whether ctx is still live.
func (o *Outbox) waitForRecords(ctx context.Context) bool {
	var due <-chan time.Time
	var first time.Time
	for _, t := range o.heldBack {
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	if !first.IsZero() {
		t := time.NewTimer(max(first.Sub(o.opts.now()), 0))
		defer t.Stop()
		due = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-o.wake:
	case <-due:
	}
	return true
}

// next returns the pending records of the next batch: at most
// crypto.MaxPublishSize and maxBytes of JSON (but at least one record).
// Expired and undecodable records met on the way are deleted; records
// the gateway refused lately are held back.
func (o *Outbox) next(maxBytes int) ([]crypto.SealedRecord, error) {
	now := o.opts.now()
	for loc, until := range o.heldBack {
		if !until.After(now) {
			delete(o.heldBack, loc)
		}
	}
	var batch []crypto.SealedRecord
	var dead [][]byte
	err := o.db.View(func(tx *bolt.Tx) error {
		size := batchOverhead
		c := tx.Bucket(pendingBucket).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			r, err := decode(v)
			if err != nil || !r.ExpiresAt.After(now) {
				dead = append(dead, append([]byte(nil), k...))
				continue
			}
			if _, held := o.heldBack[string(k)]; held {
				continue
			}
			if len(batch) == crypto.MaxPublishSize || (len(batch) > 0 && size+len(v)+1 > maxBytes) {
				break
			}
			size += len(v) + 1
			batch = append(batch, r) // decode copied v: r outlives the transaction
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	if len(dead) > 0 {
		if err := o.drop(dead, now); err != nil {
			return nil, err
		}
	}
	return batch, nil
}

// drop deletes the records at keys that are still expired or undecodable:
// a Publish may have replaced one with a live record since next read it.
func (o *Outbox) drop(keys [][]byte, now time.Time) error {
	removed := 0
	err := o.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(pendingBucket)
		for _, k := range keys {
			v := b.Get(k)
			if v == nil {
				continue
			}
			if r, err := decode(v); err == nil && r.ExpiresAt.After(now) {
				continue
			}
			if err := b.Delete(k); err != nil {
				return err
			}
			removed++
		}
		tx.OnCommit(func() { o.pending.Add(-int64(removed)) })
		return nil
	})
	if err != nil {
		return fmt.Errorf("drop expired records: %w", err)
	}
	if removed > 0 {
		o.opts.logger.Info("expired records dropped from the outbox", "records", removed)
	}
	return nil
}

// send publishes one batch and returns the records the gateway
// acknowledged, as stored or stale, and those it refused. Refusals are
// logged with the limit's name only.
func (o *Outbox) send(ctx context.Context, batch []crypto.SealedRecord) (delivered, refused []crypto.SealedRecord, err error) {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	res, err := o.gateway.Publish(ctx, api.Records{Records: batch})
	if err != nil {
		return nil, nil, fmt.Errorf("publish %d records: %w", len(batch), err)
	}
	ok, limits, err := courierhost.Delivered(res, len(batch))
	if err != nil {
		return nil, nil, fmt.Errorf("publish %d records: %w", len(batch), err)
	}
	isDelivered := make([]bool, len(batch))
	for _, i := range ok {
		isDelivered[i] = true
	}
	for i := range batch {
		if isDelivered[i] {
			delivered = append(delivered, batch[i])
		} else {
			refused = append(refused, batch[i])
		}
	}
	for limit, n := range limits {
		o.opts.logger.Warn("the gateway refused records; they stay in the outbox", "limit", limit, "records", n)
	}
	return delivered, refused, nil
}

// ack deletes the acknowledged records, except those replaced by a newer
// version (or sealed again) while the batch was in flight.
func (o *Outbox) ack(sent []crypto.SealedRecord) error {
	removed := 0
	err := o.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(pendingBucket)
		for i := range sent {
			v := b.Get(sent[i].Locator)
			if v == nil {
				continue
			}
			if cur, err := decode(v); err == nil && !sameRecord(&cur, &sent[i]) {
				continue
			}
			if err := b.Delete(sent[i].Locator); err != nil {
				return err
			}
			removed++
		}
		tx.OnCommit(func() { o.pending.Add(-int64(removed)) })
		return nil
	})
	if err != nil {
		return fmt.Errorf("acknowledge %d records: %w", len(sent), err)
	}
	return nil
}

// backoff is the wait before retry number failures (1, 2, …): doubling
// from the base up to the cap, jittered so that hosts do not retry in step.
func (o *Outbox) backoff(failures int) time.Duration {
	d := o.opts.retryMax
	if failures < 30 {
		if b := o.opts.retryBase << (failures - 1); b > 0 && b < d {
			d = b
		}
	}
	return jitter(d)
}

// jitter spreads d over its upper half.
func jitter(d time.Duration) time.Duration { return d/2 + rand.N(d/2+1) }

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
