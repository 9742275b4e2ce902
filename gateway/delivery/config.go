package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// Defaults of Options (docs/protocol.md §10).
const (
	DefaultConcurrency      = 4
	DefaultTimeout          = webhook.DefaultTimeout
	DefaultDeadLetterTTL    = 30 * 24 * time.Hour
	DefaultMaxSubscriptions = 10_000
	DefaultLifetime         = 90 * 24 * time.Hour
	DefaultGrace            = 24 * time.Hour
	DefaultWorkers          = 256
	DefaultPoll             = 250 * time.Millisecond
	DefaultEndCheck         = time.Hour
	DefaultWatchInterval    = time.Minute
	// MaxLocators bounds the locators of one subscription.
	MaxLocators = 100
	// SecretOverlap is how long a rotated-out secret still signs.
	SecretOverlap = 24 * time.Hour
)

// Options are what a gateway's operator tunes of subscriptions and their
// deliveries; zero values take the defaults noted.
type Options struct {
	// Backend keeps subscriptions and queued deliveries; required (the
	// gateway gives memory.New unless Redis is configured).
	Backend Backend
	// Policy is which callback URLs are allowed (default: https to
	// public addresses only).
	Policy webhook.Policy
	// Resolver finds callback hosts' addresses (default: the system's);
	// tests give one whose answers change.
	Resolver webhook.Resolver
	// Concurrency bounds one tenant's attempts in flight on this gateway
	// (default 4), so that a slow receiver slows only its own tenant.
	Concurrency int
	// Timeout bounds one attempt (default 10 s): a 2xx within it is success.
	Timeout time.Duration
	// Retry is the backoff of failed deliveries (default: from 10 s
	// doubling to 1 h, for 24 h).
	Retry Retry
	// DeadLetterTTL is how long dead letters, and ended subscriptions,
	// are kept (default 30 days).
	DeadLetterTTL time.Duration
	// MaxSubscriptions bounds a tenant's active subscriptions (default 10 000).
	MaxSubscriptions int
	// Lifetime is how long a subscription lasts (default 90 days, the
	// deployment's max_record_ttl).
	Lifetime time.Duration
	// Grace is how long every parcel of a subscription must have been
	// gone before it ends early (default 24 h).
	Grace time.Duration
	// Workers bounds this gateway's attempts in flight, all tenants
	// together (default 256).
	Workers int
	// Poll is how often the queue is looked at when this gateway was not
	// told of work (default 250 ms): deliveries queued by another
	// gateway wait at most this long.
	Poll time.Duration
	// EndCheck is how often subscriptions are checked for their end
	// (default 1 h).
	EndCheck time.Duration
	// Count is told of what the transparency report counts (nil: nothing).
	Count CountFunc
	// Observe is told of every attempt, retry and dead letter, for the
	// gateway's metrics (nil: nothing); telemetry.WebhookMetrics is one.
	Observe Observer
}

// Observer is told of the engine's attempts: outcome is "delivered",
// "failed" or "refused" (the callback's address was refused when
// connecting). It must not block, and sees no tenant, URL or locator.
type Observer interface {
	Attempt(outcome string, took time.Duration)
	Retry()
	DeadLetter()
}

// WatchedCourier is a pull courier the engine watches for subscribers,
// reading its bucket of each subscribed locator every Interval.
type WatchedCourier struct {
	ID       string
	Interval time.Duration
}

// Config is what NewEngine needs: the operator's Options and what the
// gateway provides.
type Config struct {
	Options
	// BucketBits is the deployment's bucket_bits.
	BucketBits int
	// Watch lists the pull couriers, watched by PullBucket.
	Watch []WatchedCourier
	// PullBucket reads a pull courier's live records of a bucket from its
	// host (never a locator: docs/protocol.md §7.4).
	PullBucket func(ctx context.Context, courier string, bucket uint32) ([]crypto.SealedRecord, error)
	// StoredBucket reads the live records the gateway stores in a bucket.
	StoredBucket func(ctx context.Context, bucket uint32, now time.Time) ([]crypto.SealedRecord, error)
	// Consumer names this gateway in the queue (default: random).
	Consumer string
	Logger   *slog.Logger
	Now      func() time.Time
}

// ErrConfig wraps every configuration error.
var ErrConfig = errors.New("invalid webhook configuration")

func (c *Config) withDefaults() {
	o := &c.Options
	o.Concurrency = orDefault(o.Concurrency, DefaultConcurrency)
	o.Timeout = orDefault(o.Timeout, DefaultTimeout)
	o.Retry = o.Retry.withDefaults()
	o.DeadLetterTTL = orDefault(o.DeadLetterTTL, DefaultDeadLetterTTL)
	o.MaxSubscriptions = orDefault(o.MaxSubscriptions, DefaultMaxSubscriptions)
	o.Lifetime = orDefault(o.Lifetime, DefaultLifetime)
	o.Grace = orDefault(o.Grace, DefaultGrace)
	o.Workers = orDefault(o.Workers, DefaultWorkers)
	o.Poll = orDefault(o.Poll, DefaultPoll)
	o.EndCheck = orDefault(o.EndCheck, DefaultEndCheck)
	for i := range c.Watch {
		c.Watch[i].Interval = orDefault(c.Watch[i].Interval, DefaultWatchInterval)
	}
	if c.Consumer == "" {
		c.Consumer = "gw-" + randomID()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func (c *Config) validate() error {
	switch {
	case c.Backend == nil:
		return fmt.Errorf("%w: no backend", ErrConfig)
	case c.Concurrency > c.Workers:
		return fmt.Errorf("%w: concurrency per tenant (%d) above the workers of the gateway (%d)", ErrConfig, c.Concurrency, c.Workers)
	case len(c.Watch) > 0 && c.PullBucket == nil:
		return fmt.Errorf("%w: pull couriers to watch but no way to read their buckets", ErrConfig)
	}
	return nil
}
