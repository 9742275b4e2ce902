// Package outbox is the durable outbox of a push-mode courier host: a
// courierhost.Publisher that keeps records on disk (a bbolt file) until
// the real gateway has acknowledged them.
//
// Publish commits the records to the file (one transaction, synced to
// disk) and only then reports them stored, so the host treats a record as
// handed over only once it would survive a crash. Run sends what is
// pending to the gateway through the wrapped Publisher (normally a
// courierhost.HTTPPublisher) in batches, retrying with capped, jittered
// exponential backoff, and deletes a record only once the gateway has
// acknowledged it, stored or stale, and only if no newer version of it
// arrived meanwhile. A record the gateway refuses (a limit reached) stays
// in the outbox and is held back for the retry cap before it goes again. Records still pending when the process stops are
// sent by the next Run, after Open.
//
// Per locator the outbox keeps the newest version only: a newer record
// replaces an older pending one, an older never replaces a newer, as in
// the gateway's store (docs/protocol.md §5). Records that expire while waiting
// are dropped. The file holds sealed records only, the same bytes the
// gateway serves to anyone; it is created with mode 0600 regardless.
package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
)

// pendingBucket holds, per locator (16 raw bytes), the JSON of the newest
// record not yet acknowledged by the gateway. The name carries a format
// version so a later layout can live beside it.
var pendingBucket = []byte("tg1-outbox-pending-v1")

// Defaults of the options.
const (
	DefaultRetryBase     = time.Second
	DefaultRetryMax      = 5 * time.Minute
	DefaultMaxBatchBytes = 3 << 20 // under the gateway's default 4 MiB publish limit
	// lockTimeout bounds the wait for the file lock: another process
	// holding it is a second host on the same outbox, a mistake to report.
	lockTimeout = 2 * time.Second
	// sendTimeout bounds one call to the gateway, so one that hangs
	// delays the outbox instead of stopping it.
	sendTimeout = 30 * time.Second
)

// ErrAlreadyRunning is returned by Run while another Run of the same
// outbox has not returned.
var ErrAlreadyRunning = errors.New("outbox is already running")

// Outbox is a durable courierhost.Publisher. Open it, hand it to the
// courier host as its Publisher, run Run, and Close it after both stopped.
// Its methods are safe for concurrent use.
type Outbox struct {
	db      *bolt.DB
	gateway courierhost.Publisher
	opts    options
	pending atomic.Int64
	wake    chan struct{} // holds one signal while records may wait
	running atomic.Bool
	// heldBack holds refused records (by locator) out of batches until
	// the time given; only Run uses it.
	heldBack map[string]time.Time
}

var _ courierhost.Publisher = (*Outbox)(nil)

// Option tunes an Outbox.
type Option func(*options)

type options struct {
	logger        *slog.Logger
	now           func() time.Time
	retryBase     time.Duration
	retryMax      time.Duration
	maxBatchBytes int
}

// WithLogger sets the logger (default: discard). It receives counts and
// durations only.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithClock sets the wall clock used for expiry (default time.Now).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithRetry sets the backoff after a failed send: doubling from base up
// to max, jittered (defaults DefaultRetryBase and DefaultRetryMax).
func WithRetry(base, max time.Duration) Option {
	return func(o *options) { o.retryBase, o.retryMax = base, max }
}

// WithMaxBatchBytes bounds the JSON size of the records of one send
// (default DefaultMaxBatchBytes); keep it under the gateway's
// max_publish_bytes. A batch holds at least one record whatever its size.
// Should the gateway refuse a batch as too large (413), Run halves the
// bound for the rest of its run.
func WithMaxBatchBytes(n int) Option { return func(o *options) { o.maxBatchBytes = n } }

// Open opens (creating it with mode 0600 if missing) the outbox file at
// path. Records pending from an earlier run are sent by Run. gateway is
// where Run sends records: the real gateway's Publisher.
func Open(path string, gateway courierhost.Publisher, opts ...Option) (*Outbox, error) {
	if gateway == nil {
		return nil, errors.New("open outbox: no gateway publisher to send records to")
	}
	o := options{
		logger: slog.New(slog.DiscardHandler), now: time.Now,
		retryBase: DefaultRetryBase, retryMax: DefaultRetryMax, maxBatchBytes: DefaultMaxBatchBytes,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.retryBase <= 0 || o.retryMax < o.retryBase || o.maxBatchBytes <= 0 {
		return nil, errors.New("open outbox: retry base and max must be positive with base <= max, and the batch size positive")
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("open outbox %s: another process holds it (is a second courier host running?)", path)
		}
		return nil, fmt.Errorf("open outbox %s: %w", path, err)
	}
	ob := &Outbox{db: db, gateway: gateway, opts: o, wake: make(chan struct{}, 1), heldBack: map[string]time.Time{}}
	var n int
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(pendingBucket)
		if err != nil {
			return err
		}
		n = b.Stats().KeyN
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open outbox %s: %w", path, err)
	}
	ob.pending.Store(int64(n))
	if n > 0 {
		ob.signal()
	}
	return ob, nil
}

// Close closes the file. Call it after Run and the host have stopped;
// Publish fails afterwards.
func (o *Outbox) Close() error { return o.db.Close() }

// Pending returns how many records wait for the gateway's acknowledgement.
func (o *Outbox) Pending() int { return int(o.pending.Load()) }

// Publish implements courierhost.Publisher: it writes records to the
// outbox in one synced transaction and returns only after the commit. A
// record is counted stored when it became the pending version of its
// locator, stale when the outbox already holds that version or a newer
// one, or when it has expired. An error means nothing was written. The
// outbox carries records only: a batch with extensions or withdrawals
// is refused whole.
func (o *Outbox) Publish(_ context.Context, batch api.Records) (api.PublishResponse, error) {
	if len(batch.Extend) > 0 || len(batch.Withdraw) > 0 {
		return api.PublishResponse{}, errors.New("outbox: only records can wait in the outbox, not extensions or withdrawals")
	}
	records := batch.Records
	for i := range records {
		if err := records[i].Check(); err != nil {
			return api.PublishResponse{}, fmt.Errorf("outbox: record %d: %w", i, err)
		}
	}
	now := o.opts.now()
	var res api.PublishResponse
	err := o.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(pendingBucket)
		res = api.PublishResponse{Results: make([]api.ItemResult, len(records))}
		added := 0
		for i := range records {
			r := &records[i]
			res.Results[i].Status = api.ItemStale
			if !r.ExpiresAt.After(now) {
				res.Stale++
				continue
			}
			old := b.Get(r.Locator)
			if old != nil {
				cur, err := decode(old)
				// An undecodable entry is replaced: it could never be sent.
				if err == nil && cur.Version >= r.Version && cur.ExpiresAt.After(now) {
					res.Stale++
					continue
				}
			}
			value, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("encode record: %w", err)
			}
			if err := b.Put(r.Locator, value); err != nil {
				return err
			}
			if old == nil {
				added++
			}
			res.Stored++
			res.Results[i].Status = api.ItemStored
		}
		tx.OnCommit(func() { o.pending.Add(int64(added)) })
		return nil
	})
	if err != nil {
		return api.PublishResponse{}, fmt.Errorf("outbox: write %d records: %w", len(records), err)
	}
	if res.Stored > 0 {
		o.signal()
	}
	return res, nil
}

func (o *Outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func decode(value []byte) (crypto.SealedRecord, error) {
	var r crypto.SealedRecord
	if err := json.Unmarshal(value, &r); err != nil {
		return r, err
	}
	return r, r.Check()
}

// sameRecord reports whether a and b are the same sealing of a record:
// a newer version, or the same version sealed again, is another record.
func sameRecord(a, b *crypto.SealedRecord) bool {
	return a.Version == b.Version && bytes.Equal(a.Nonce, b.Nonce)
}
