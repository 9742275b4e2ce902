package courierhost

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// Publisher sends a push-mode courier's sealed records to the gateway
// (PUT /v1/couriers/{courier}/records). At most crypto.MaxPublishSize
// records come in one call. A nil error with stored+stale equal to the
// number of records acknowledges all of them; anything else makes the
// host retry the whole batch later, which the store's version rule makes
// safe. HTTPPublisher reaches a remote gateway; the gateway package has
// one for a gateway in the same process.
type Publisher interface {
	Publish(ctx context.Context, records []crypto.SealedRecord) (api.PublishResponse, error)
}

// publishTimeout bounds one Publish call, so a gateway that hangs delays
// the queue instead of stopping it.
const publishTimeout = 30 * time.Second

// publishQueue holds, per locator, the newest record not yet acknowledged.
type publishQueue struct {
	mu      sync.Mutex
	pending map[locatorKey]crypto.SealedRecord
	wake    chan struct{} // holds one signal while records wait
}

func newPublishQueue() *publishQueue {
	return &publishQueue{pending: map[locatorKey]crypto.SealedRecord{}, wake: make(chan struct{}, 1)}
}

// add queues records; a newer record for a locator replaces an older one
// still waiting.
func (q *publishQueue) add(records []crypto.SealedRecord) {
	q.mu.Lock()
	for _, r := range records {
		loc := locatorKey(r.Locator)
		if cur, ok := q.pending[loc]; !ok || r.Version >= cur.Version {
			q.pending[loc] = r
		}
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// next returns up to max waiting records. Records that expired while
// waiting are dropped: a store would count them stale anyway.
func (q *publishQueue) next(max int, now time.Time) []crypto.SealedRecord {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []crypto.SealedRecord
	for loc, r := range q.pending {
		if !r.ExpiresAt.After(now) {
			delete(q.pending, loc)
			continue
		}
		if len(out) == max {
			break
		}
		out = append(out, r)
	}
	return out
}

// ack removes acknowledged records, unless a newer one for the same
// locator arrived while they were in flight.
func (q *publishQueue) ack(sent []crypto.SealedRecord) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, r := range sent {
		loc := locatorKey(r.Locator)
		if cur, ok := q.pending[loc]; ok && cur.Version == r.Version && string(cur.Nonce) == string(r.Nonce) {
			delete(q.pending, loc)
		}
	}
}

func (q *publishQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// publishLoop publishes waiting records in batches until ctx ends. After
// a failure it waits with capped, jittered exponential backoff; after an
// error the gateway says a retry will not cure (see Retryable) it waits
// the cap at once, since an operator may still fix the cause (a kid the
// gateway's directory has not picked up yet, a signing key to register).
func (h *Host) publishLoop(ctx context.Context) {
	failures := 0
	for {
		batch := h.queue.next(crypto.MaxPublishSize, h.cfg.Now())
		if len(batch) == 0 {
			select {
			case <-ctx.Done():
				return
			case <-h.queue.wake:
				continue
			}
		}
		start := time.Now()
		err := h.publishBatch(ctx, batch)
		if err == nil {
			h.queue.ack(batch)
			failures = 0
			h.cfg.Logger.Info("records published", "records", len(batch),
				"duration", time.Since(start).Round(time.Millisecond))
			continue
		}
		if ctx.Err() != nil {
			return
		}
		failures++
		wait := backoff(failures, retryBase, retryMax)
		if !Retryable(err) {
			wait = backoff(1, retryMax, retryMax)
		}
		h.cfg.Logger.Warn("publishing records failed; will retry", "records", len(batch),
			"failures", failures, "retry_in", wait.Round(time.Millisecond), "error", err)
		if !sleep(ctx, wait) {
			return
		}
	}
}

// publishBatch publishes one batch and checks that all of it was
// acknowledged, as stored or as stale.
func (h *Host) publishBatch(ctx context.Context, batch []crypto.SealedRecord) error {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	res, err := h.cfg.Publisher.Publish(ctx, batch)
	if err != nil {
		return fmt.Errorf("publish %d records: %w", len(batch), err)
	}
	if res.Stored < 0 || res.Stale < 0 || res.Stored+res.Stale != len(batch) {
		return fmt.Errorf("publish %d records: %w: %d stored and %d stale", len(batch), errPartialAck, res.Stored, res.Stale)
	}
	return nil
}

var errPartialAck = errors.New("the gateway did not acknowledge every record")
