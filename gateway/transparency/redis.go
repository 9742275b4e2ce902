package transparency

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is the Recorder of production: the counts of each UTC day in one
// Redis hash, shared by every gateway on the Redis (one server or a
// Cluster: each day is one key, so no command spans slots):
//
//	<prefix>:transparency:<YYYY-MM-DD>  HASH  field -> count
//
// where a field is "courier:<id>:<metric>", "tenant:<id>:<metric>" or
// "global:<metric>", and the key expires Retention after it was last
// written. Nothing else is stored: no locator, number, address or key.
//
// Add only adds to a buffer in this process; Run writes the buffer out
// every FlushInterval in one pipeline of HINCRBY (and EXPIRE) with a short
// timeout, and Report writes it out before reading. So a slow or absent
// Redis never slows or fails a request. What cannot be written is kept
// for the next try (up to maxPending fields; beyond, counts are lost), and
// the failure is logged at most once a minute.
type Redis struct {
	client        redis.UniversalClient
	prefix        string
	logger        *slog.Logger
	flushInterval time.Duration
	flushTimeout  time.Duration
	now           func() time.Time

	mu      sync.Mutex
	pending map[pendingKey]int64
	dropped int64 // counts lost to a full buffer since the last warning

	flushMu sync.Mutex // one write-out at a time

	warnMu   sync.Mutex
	lastWarn time.Time
	failures int // write-outs failed since the last warning
}

var (
	_ Recorder = (*Redis)(nil)
	_ Runner   = (*Redis)(nil)
)

type pendingKey struct{ date, field string }

// Defaults of NewRedis.
const (
	DefaultKeyPrefix     = "tg1"
	DefaultFlushInterval = time.Second
	DefaultFlushTimeout  = 500 * time.Millisecond
	// maxPending bounds the buffer while Redis is away: far more fields
	// than a day of a large deployment has.
	maxPending = 10000
	// warnEvery spaces out the warnings about a failing Redis.
	warnEvery = time.Minute
)

// RedisOption adjusts NewRedis.
type RedisOption func(*Redis)

// WithKeyPrefix begins the keys with prefix instead of DefaultKeyPrefix,
// as the gateway's redis.key_prefix does for every key.
func WithKeyPrefix(prefix string) RedisOption { return func(r *Redis) { r.prefix = prefix } }

// WithLogger logs the failures to write to Redis there (default: nowhere).
func WithLogger(l *slog.Logger) RedisOption { return func(r *Redis) { r.logger = l } }

// WithFlushInterval and WithFlushTimeout set how often the buffer is
// written out and how long a write-out may take.
func WithFlushInterval(d time.Duration) RedisOption { return func(r *Redis) { r.flushInterval = d } }

// WithFlushTimeout: see WithFlushInterval.
func WithFlushTimeout(d time.Duration) RedisOption { return func(r *Redis) { r.flushTimeout = d } }

// WithClock sets the clock of the warnings' spacing (tests).
func WithClock(now func() time.Time) RedisOption { return func(r *Redis) { r.now = now } }

// NewRedis returns a Recorder on client, which the caller owns and closes
// after Run has returned.
func NewRedis(client redis.UniversalClient, opts ...RedisOption) *Redis {
	r := &Redis{
		client: client, prefix: DefaultKeyPrefix, logger: slog.New(slog.DiscardHandler),
		flushInterval: DefaultFlushInterval, flushTimeout: DefaultFlushTimeout, now: time.Now,
		pending: map[pendingKey]int64{},
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Add implements Recorder: it adds to the buffer only.
func (r *Redis) Add(_ context.Context, day time.Time, scope Scope, metric string, n int64) {
	f := field(scope, metric)
	if f == "" || n <= 0 {
		return
	}
	k := pendingKey{dayOf(day).Format(DateLayout), f}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addLocked(k, n)
}

func (r *Redis) addLocked(k pendingKey, n int64) {
	if _, ok := r.pending[k]; !ok && len(r.pending) >= maxPending {
		r.dropped += n
		return
	}
	r.pending[k] += n
}

// Run writes the buffer out every flush interval until ctx ends, then
// once more.
func (r *Redis) Run(ctx context.Context) {
	t := time.NewTicker(r.flushInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = r.Flush(ctx)
		case <-ctx.Done():
			_ = r.Flush(context.WithoutCancel(ctx))
			return
		}
	}
}

// Flush writes the buffer out now, in one pipeline bounded by the flush
// timeout. Counts that could not be written go back to the buffer.
func (r *Redis) Flush(ctx context.Context) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	r.mu.Lock()
	batch := r.pending
	r.pending = map[pendingKey]int64{}
	dropped := r.dropped
	r.dropped = 0
	r.mu.Unlock()
	if dropped > 0 {
		r.warn(fmt.Errorf("the buffer of counts was full: %d counts lost", dropped))
	}
	if len(batch) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.flushTimeout)
	defer cancel()
	pipe := r.client.Pipeline()
	incrs := make(map[pendingKey]*redis.IntCmd, len(batch))
	keys := map[string]bool{}
	for k, n := range batch {
		incrs[k] = pipe.HIncrBy(ctx, r.key(k.date), k.field, n)
		keys[k.date] = true
	}
	for date := range keys {
		pipe.Expire(ctx, r.key(date), Retention)
	}
	_, err := pipe.Exec(ctx)
	if err == nil {
		return nil
	}
	// Keep what did not go through. A write-out cut off after Redis
	// applied it may so count twice; the report says counts are best
	// effort (docs/transparency.md).
	r.mu.Lock()
	for k, cmd := range incrs {
		if cmd.Err() != nil {
			r.addLocked(k, batch[k])
		}
	}
	r.mu.Unlock()
	err = fmt.Errorf("write transparency counts: %w", err)
	r.warn(err)
	return err
}

// warn logs a failure, at most once every warnEvery with the number of
// failures since the last line.
func (r *Redis) warn(err error) {
	r.warnMu.Lock()
	defer r.warnMu.Unlock()
	r.failures++
	now := r.now()
	if !r.lastWarn.IsZero() && now.Sub(r.lastWarn) < warnEvery {
		return
	}
	r.mu.Lock()
	pending := len(r.pending)
	r.mu.Unlock()
	r.logger.Warn("transparency counts not written to Redis; kept in memory for the next try",
		"error", err, "failures", r.failures, "pending_fields", pending)
	r.lastWarn = now
	r.failures = 0
}

// Report implements Recorder: it writes this gateway's buffer out, then
// reads every day of the range in one pipeline. Counts other gateways
// have not written out yet (at most a flush interval's) are not in it.
func (r *Redis) Report(ctx context.Context, from, to time.Time) (Report, error) {
	if err := CheckRange(from, to); err != nil {
		return Report{}, err
	}
	if err := r.Flush(ctx); err != nil {
		return Report{}, err
	}
	names := dates(from, to)
	pipe := r.client.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(names))
	for i, date := range names {
		cmds[i] = pipe.HGetAll(ctx, r.key(date))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return Report{}, fmt.Errorf("read transparency counts: %w", err)
	}
	counts := make([]map[string]int64, len(names))
	for i, cmd := range cmds {
		counts[i] = map[string]int64{}
		for f, v := range cmd.Val() {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				counts[i][f] = n
			}
		}
	}
	return newReport(names, counts), nil
}

func (r *Redis) key(date string) string { return r.prefix + ":transparency:" + date }
