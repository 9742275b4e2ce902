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

// Publisher sends a push-mode courier's batches to the gateway
// (PUT /v1/couriers/{courier}/records, docs/protocol.md §7): records to
// put, expiries to extend, records to withdraw; at most
// crypto.MaxPublishSize items in one call. The host itself sends records
// only: it never moves the expiry of a version (record_ttl counts from
// the parcel's last change), and it does not withdraw, since a factor
// dropped and listed again at the same version would stay hidden behind
// its tombstone. The answer carries one result
// per item, in the order records, extend, withdraw. An item "stored" or
// "stale" is delivered; a "refused" one (a limit reached) is not, and the
// host keeps it to send again later. An error delivers nothing; the host
// retries, which the store's version rule makes safe. HTTPPublisher
// reaches a remote gateway; the gateway package has one for a gateway in
// the same process.
type Publisher interface {
	Publish(ctx context.Context, batch api.Records) (api.PublishResponse, error)
}

// publishTimeout bounds one Publish call, so a gateway that hangs delays
// the queue instead of stopping it.
const publishTimeout = 30 * time.Second

// queued is one record waiting for the gateway.
type queued struct {
	rec crypto.SealedRecord
	// notBefore holds back a record the gateway refused until a retry
	// may succeed, so that it does not hold up the others.
	notBefore time.Time
	// since numbers the add that first left its locator waiting: a newer
	// record replacing a waiting one keeps it (see mark).
	since uint64
}

// publishQueue holds, per locator, the newest item not yet delivered.
type publishQueue struct {
	mu      sync.Mutex
	pending map[locatorKey]queued
	adds    uint64        // records added so far
	wake    chan struct{} // holds one signal while items wait
}

func newPublishQueue() *publishQueue {
	return &publishQueue{pending: map[locatorKey]queued{}, wake: make(chan struct{}, 1)}
}

// add queues records; a newer record for a locator replaces an older one
// still waiting.
func (q *publishQueue) add(records []crypto.SealedRecord) {
	q.mu.Lock()
	for _, r := range records {
		q.adds++
		loc := locatorKey(r.Locator)
		switch cur, ok := q.pending[loc]; {
		case !ok:
			q.pending[loc] = queued{rec: r, since: q.adds}
		case r.Version >= cur.rec.Version:
			q.pending[loc] = queued{rec: r, since: cur.since}
		}
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// next returns up to max waiting items, and when none is ready the time
// the first held-back one will be (zero if none). Records that expired
// while waiting are dropped: a store would count them stale anyway.
func (q *publishQueue) next(max int, now time.Time) ([]queued, time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []queued
	var first time.Time
	for loc, it := range q.pending {
		if !it.rec.ExpiresAt.After(now) {
			delete(q.pending, loc)
			continue
		}
		if it.notBefore.After(now) {
			if first.IsZero() || it.notBefore.Before(first) {
				first = it.notBefore
			}
			continue
		}
		if len(out) == max {
			break
		}
		out = append(out, it)
	}
	return out, first
}

// holdBack keeps refused items queued but out of batches until until.
func (q *publishQueue) holdBack(refused []queued, until time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, it := range refused {
		loc := locatorKey(it.rec.Locator)
		if cur, ok := q.pending[loc]; ok && sameItem(&cur, &it) {
			cur.notBefore = until
			q.pending[loc] = cur
		}
	}
}

// ack removes delivered items, unless a newer one for the same locator
// arrived while they were in flight.
func (q *publishQueue) ack(sent []queued) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, it := range sent {
		loc := locatorKey(it.rec.Locator)
		if cur, ok := q.pending[loc]; ok && sameItem(&cur, &it) {
			delete(q.pending, loc)
		}
	}
}

// sameItem reports whether a and b are the same sealing of a record: a
// newer version, or the same version sealed again, is another record.
func sameItem(a, b *queued) bool {
	return a.rec.Version == b.rec.Version && string(a.rec.Nonce) == string(b.rec.Nonce)
}

// mark numbers the records added so far, for holdsFrom.
func (q *publishQueue) mark() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.adds
}

// holdsFrom reports whether a locator that was waiting at mark is still
// waiting: its record, or a newer one, is not delivered yet. Locators
// that started waiting after mark do not count, so a busy courier's
// steady stream of changes does not hold it up.
func (q *publishQueue) holdsFrom(mark uint64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, it := range q.pending {
		if it.since <= mark {
			return true
		}
	}
	return false
}

func (q *publishQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// publishLoop publishes waiting items in batches until ctx ends. After
// a failure it waits with capped, jittered exponential backoff; after an
// error the gateway says a retry will not cure (see Retryable) it waits
// the cap at once, since an operator may still fix the cause (a kid the
// gateway's directory has not picked up yet, a signing key to register).
// Items the gateway refused stay queued, held back for the cap: a courier
// quota frees up only as records expire.
func (h *Host) publishLoop(ctx context.Context) {
	failures := 0
	for {
		batch, heldUntil := h.queue.next(crypto.MaxPublishSize, h.cfg.Now())
		if len(batch) == 0 {
			if !h.waitForItems(ctx, heldUntil) {
				return
			}
			continue
		}
		start := time.Now()
		delivered, refused, err := h.publishBatch(ctx, batch)
		if err == nil {
			h.queue.ack(delivered)
			h.queue.holdBack(refused, h.cfg.Now().Add(backoff(1, retryMax, retryMax)))
			failures = 0
			h.cfg.Logger.Info("records published", "records", len(delivered), "refused", len(refused),
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

// waitForItems waits for new items, or for held-back ones to be due at
// heldUntil (when not zero), and reports whether ctx is still live.
func (h *Host) waitForItems(ctx context.Context, heldUntil time.Time) bool {
	var due <-chan time.Time
	if !heldUntil.IsZero() {
		t := time.NewTimer(max(heldUntil.Sub(h.cfg.Now()), 0))
		defer t.Stop()
		due = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-h.queue.wake:
	case <-due:
	}
	return true
}

// publishBatch publishes one batch and returns the items the gateway
// acknowledged, as stored or as stale, and those it refused. Refusals
// are logged with the limit's name only.
func (h *Host) publishBatch(ctx context.Context, batch []queued) (delivered, refused []queued, err error) {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	body, order := batchBody(batch)
	res, err := h.cfg.Publisher.Publish(ctx, body)
	if err != nil {
		return nil, nil, fmt.Errorf("publish %d items: %w", len(batch), err)
	}
	ok, limits, err := Delivered(res, len(order))
	if err != nil {
		return nil, nil, fmt.Errorf("publish %d items: %w", len(batch), err)
	}
	isDelivered := make([]bool, len(order))
	for _, i := range ok {
		isDelivered[i] = true
	}
	for i, it := range order {
		if isDelivered[i] {
			delivered = append(delivered, it)
		} else {
			refused = append(refused, it)
		}
	}
	for limit, n := range limits {
		// The limit's name is ours and fixed: it names no parcel.
		h.cfg.Logger.Warn("the gateway refused records; they stay queued", "limit", limit, "records", n)
	}
	return delivered, refused, nil
}

// batchBody lays queued records out as a publish body.
func batchBody(batch []queued) (api.Records, []queued) {
	body := api.Records{Records: make([]crypto.SealedRecord, len(batch))}
	for i := range batch {
		body.Records[i] = batch[i].rec
	}
	return body, batch
}

// Delivered reads a publish answer for items items: the indexes of the
// items stored or stale (delivered), and the number refused per limit
// name. An answer without one known result per item is an error, and
// delivers nothing.
func Delivered(res api.PublishResponse, items int) (delivered []int, refused map[string]int, err error) {
	if len(res.Results) != items {
		return nil, nil, fmt.Errorf("%w: %d results for %d items", errPartialAck, len(res.Results), items)
	}
	for i, r := range res.Results {
		switch r.Status {
		case api.ItemStored, api.ItemStale:
			delivered = append(delivered, i)
		case api.ItemRefused:
			if refused == nil {
				refused = map[string]int{}
			}
			refused[limitName(r.Limit)]++
		default:
			return nil, nil, fmt.Errorf("%w: result %d has status %q", errPartialAck, i, r.Status)
		}
	}
	return delivered, refused, nil
}

// limitName keeps a limit name fit for a log: the gateway's names are
// short snake_case words; anything else is logged as "other".
func limitName(s string) string {
	if len(s) == 0 || len(s) > 40 {
		return "other"
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && c != '_' {
			return "other"
		}
	}
	return s
}

var errPartialAck = errors.New("the gateway did not answer every item")
