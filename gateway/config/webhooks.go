package config

import (
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/delivery/redisdelivery"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// Webhooks is the gateway file's webhooks section: which callback URLs
// subscriptions may name, and how deliveries are made (docs/protocol.md
// §10). Zero values take the defaults noted; without the section,
// callbacks must be https:// to public addresses.
type Webhooks struct {
	// AllowHTTPCallbacks accepts http:// callback URLs (default: https only).
	AllowHTTPCallbacks bool `yaml:"allow_http_callbacks"`
	// AllowPrivateCallbacks lets callbacks reach loopback, private,
	// link-local and other non-public addresses (default: refused when a
	// subscription is created and whenever a connection is made).
	AllowPrivateCallbacks bool `yaml:"allow_private_callbacks"`
	// Concurrency bounds one tenant's attempts in flight per gateway
	// (default 4): a slow receiver slows only its own tenant.
	Concurrency int `yaml:"concurrency"`
	// Workers bounds a gateway's attempts in flight, all tenants
	// together (default 256).
	Workers int `yaml:"workers"`
	// Timeout is how long a receiver has to answer 2xx (default 10s,
	// which the protocol promises receivers; 1s to 30s).
	Timeout Duration `yaml:"timeout"`
	// Retry is the backoff of failed deliveries.
	Retry WebhookRetry `yaml:"retry"`
	// DeadLetterTTL is how long dead letters and ended subscriptions are
	// kept (default 30d).
	DeadLetterTTL Duration `yaml:"dead_letter_ttl"`
	// MaxSubscriptions bounds each tenant's active subscriptions
	// (default 10000).
	MaxSubscriptions int `yaml:"max_subscriptions"`
	// ClaimTimeout is how long a gateway may hold a delivery before
	// another gateway on the same Redis takes it over, as after a crash
	// (default 1m; at least three times timeout).
	ClaimTimeout Duration `yaml:"claim_timeout"`
	// Poll is how often a gateway looks for deliveries another gateway
	// queued (default 250ms).
	Poll Duration `yaml:"poll"`
	// EndCheck is how often subscriptions are checked for their end
	// (default 1h).
	EndCheck Duration `yaml:"end_check"`
}

// WebhookRetry is exponential backoff with full jitter: after the n-th
// failure a delivery waits a random time up to initial·2^(n−1), capped at
// max, until for has passed since its first attempt; then it is a dead
// letter.
type WebhookRetry struct {
	Initial Duration `yaml:"initial"` // default 10s
	Max     Duration `yaml:"max"`     // default 1h
	For     Duration `yaml:"for"`     // default 24h, and never less
}

// Defaults of the webhooks section.
const (
	DefaultWebhookTimeout      = delivery.DefaultTimeout
	DefaultWebhookClaimTimeout = redisdelivery.DefaultClaimTimeout
	DefaultWatchInterval       = delivery.DefaultWatchInterval
)

func (w *Webhooks) withDefaults() {
	if w.Concurrency == 0 {
		w.Concurrency = delivery.DefaultConcurrency
	}
	if w.Workers == 0 {
		w.Workers = delivery.DefaultWorkers
	}
	if w.MaxSubscriptions == 0 {
		w.MaxSubscriptions = delivery.DefaultMaxSubscriptions
	}
	setDefault(&w.Timeout, DefaultWebhookTimeout)
	setDefault(&w.Retry.Initial, delivery.DefaultRetryInitial)
	setDefault(&w.Retry.Max, delivery.DefaultRetryMax)
	setDefault(&w.Retry.For, delivery.DefaultRetryFor)
	setDefault(&w.DeadLetterTTL, delivery.DefaultDeadLetterTTL)
	setDefault(&w.ClaimTimeout, DefaultWebhookClaimTimeout)
	setDefault(&w.Poll, delivery.DefaultPoll)
	setDefault(&w.EndCheck, delivery.DefaultEndCheck)
}

func (w *Webhooks) check() error {
	d := func(v Duration) time.Duration { return time.Duration(v) }
	switch {
	case w.Concurrency < 1:
		return fieldErr("webhooks.concurrency", "%d must be a positive number of deliveries in flight per tenant (default %d)", w.Concurrency, delivery.DefaultConcurrency)
	case w.Workers < w.Concurrency:
		return fieldErr("webhooks.workers", "%d must be at least webhooks.concurrency (%d), or no tenant gets its share (default %d)", w.Workers, w.Concurrency, delivery.DefaultWorkers)
	case w.MaxSubscriptions < 1:
		return fieldErr("webhooks.max_subscriptions", "%d must be a positive number of active subscriptions per tenant (default %d)", w.MaxSubscriptions, delivery.DefaultMaxSubscriptions)
	case d(w.Timeout) < time.Second || d(w.Timeout) > 30*time.Second:
		return fieldErr("webhooks.timeout", "%s must be from 1s to 30s (default 10s, the time the protocol gives receivers)", d(w.Timeout))
	case d(w.Retry.Initial) < 100*time.Millisecond:
		return fieldErr("webhooks.retry.initial", "%s is too short to spare a failing receiver; use at least 100ms (default 10s)", d(w.Retry.Initial))
	case w.Retry.Max < w.Retry.Initial:
		return fieldErr("webhooks.retry.max", "%s must not be below webhooks.retry.initial (%s) (default 1h)", d(w.Retry.Max), d(w.Retry.Initial))
	case d(w.Retry.For) < delivery.DefaultRetryFor:
		return fieldErr("webhooks.retry.for", "%s is less than the 24h for which the protocol promises to retry a delivery (default 24h)", d(w.Retry.For))
	case d(w.DeadLetterTTL) < 24*time.Hour:
		return fieldErr("webhooks.dead_letter_ttl", "%s gives a marketplace too little time to replay its dead letters; use at least 1d (default 30d)", d(w.DeadLetterTTL))
	case w.ClaimTimeout < 3*w.Timeout:
		return fieldErr("webhooks.claim_timeout", "%s must be at least three times webhooks.timeout (%s), or a gateway still delivering loses its deliveries to another (default 1m)", d(w.ClaimTimeout), d(w.Timeout))
	case d(w.Poll) < 10*time.Millisecond || d(w.Poll) > time.Minute:
		return fieldErr("webhooks.poll", "%s must be from 10ms to 1m (default 250ms)", d(w.Poll))
	case d(w.EndCheck) < time.Second:
		return fieldErr("webhooks.end_check", "%s is too often; use at least 1s (default 1h)", d(w.EndCheck))
	}
	return nil
}

// options makes the section the gateway's delivery.Options; with a Redis
// client the subscriptions and their queue are kept there, shared by
// every gateway on it.
func (w *Webhooks) options(client redis.UniversalClient, keyPrefix string) delivery.Options {
	o := delivery.Options{
		Policy:           webhook.Policy{AllowHTTP: w.AllowHTTPCallbacks, AllowPrivate: w.AllowPrivateCallbacks},
		Concurrency:      w.Concurrency,
		Workers:          w.Workers,
		Timeout:          time.Duration(w.Timeout),
		Retry:            delivery.Retry{Initial: time.Duration(w.Retry.Initial), Max: time.Duration(w.Retry.Max), For: time.Duration(w.Retry.For)},
		DeadLetterTTL:    time.Duration(w.DeadLetterTTL),
		MaxSubscriptions: w.MaxSubscriptions,
		Poll:             time.Duration(w.Poll),
		EndCheck:         time.Duration(w.EndCheck),
	}
	if client != nil {
		opts := []redisdelivery.Option{redisdelivery.WithClaimTimeout(time.Duration(w.ClaimTimeout))}
		if keyPrefix != "" {
			opts = append(opts, redisdelivery.WithKeyPrefix(keyPrefix))
		}
		o.Backend = redisdelivery.New(client, opts...)
	}
	return o
}

// summary says, for the start-up log, what callbacks are allowed.
func (w *Webhooks) summary() string {
	switch {
	case w.AllowHTTPCallbacks && w.AllowPrivateCallbacks:
		return "http and https to any address, private ones included"
	case w.AllowPrivateCallbacks:
		return "https to any address, private ones included"
	case w.AllowHTTPCallbacks:
		return "http and https to public addresses"
	}
	return "https to public addresses"
}
