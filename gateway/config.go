package gateway

import (
	"cmp"
	"crypto/ed25519"
	cryptorand "crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/keylog"
	"github.com/trackgate/trackgate/gateway/ratelimit"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/telemetry"
	"github.com/trackgate/trackgate/gateway/tenant"
	"github.com/trackgate/trackgate/gateway/transparency"
)

// Courier is one courier registered with the gateway.
type Courier struct {
	ID       string
	Name     string
	Factor   string // crypto.FactorNone or crypto.FactorPhoneLast4
	Mode     string // api.ModePush or api.ModePull
	Patterns []api.Pattern
	// Host reaches the courier host, in process or remote.
	Host api.CourierHost
	// SigningKey verifies the courier's signed publishes; required in push mode.
	SigningKey ed25519.PublicKey
	// WatchInterval is how often a pull courier's buckets of subscribed
	// locators are read for webhook subscribers (default 60 s; ignored in
	// push mode, whose publishes are delivered as they arrive).
	WatchInterval time.Duration
}

// Config is everything a Gateway needs. New validates it once; zero
// durations and limits take the defaults noted.
type Config struct {
	BucketBits int
	Couriers   []Courier
	Store      store.Store

	// RecordSize is the deployment's record_size (docs/protocol.md §5):
	// the exact ciphertext length of every record, a multiple of
	// crypto.BlockSize from crypto.MinRecordSize to crypto.MaxRecordSize
	// (default crypto.DefaultRecordSize). Publishes of another size are
	// refused, pull couriers' records of another size dropped, and every
	// dummy has this size, so dummies look like real records.
	RecordSize int
	// RecordLimits are the limits the store applies to publishes; give
	// the store the same (memory.New and redisstore take them). Zero
	// fields take store.Limits' defaults, except MaxCiphertextBytes,
	// which is always RecordSize.
	RecordLimits store.Limits
	// PaddingSecret (32 bytes) keys the dummy records that pad bucket
	// answers; gateways of one deployment must share it so they answer
	// identical bodies. Empty draws a random one for this process.
	PaddingSecret []byte

	// EvaluateTimeout bounds the fan-out of one evaluation (default 3s).
	EvaluateTimeout time.Duration
	// FetchTimeout bounds live fetches from pull-mode couriers (default 3s).
	FetchTimeout time.Duration
	// PullCacheTTL is how long a pull courier's bucket is reused (default
	// 2s): hits and misses alike, so a crowd of clients costs a courier one
	// request per bucket, while a changed record shows within seconds.
	PullCacheTTL time.Duration
	// DirectoryRefresh is how often the hosts' keys are fetched again (default 1m).
	DirectoryRefresh time.Duration

	// EvaluateRate and EvaluateBurst limit elements evaluated per client
	// (defaults 20/s, burst 128) when Limiter is nil. The burst is never
	// below ratelimit.MinEvaluateBurst (128 = 16 couriers × 8 elements), so
	// the largest valid request is always admitted (docs/protocol.md §12).
	EvaluateRate  rate.Limit
	EvaluateBurst int
	// Limiter, when set, replaces that per-gateway limit, e.g. with
	// ratelimit.Redis shared by several gateways; give it a burst of at
	// least ratelimit.MinEvaluateBurst.
	Limiter ratelimit.Limiter
	// FetchRate and FetchBurst limit bucket and record GETs per client
	// (defaults 60/s, burst 240) when FetchLimiter is nil; FetchLimiter
	// replaces that per-gateway limit, e.g. with a ratelimit.Redis under
	// ratelimit.FetchKeyPrefix.
	FetchRate    rate.Limit
	FetchBurst   int
	FetchLimiter ratelimit.Limiter
	// Tenants are the marketplaces registered with the gateway, with
	// their API keys (as hashes), browser origins and quotas
	// (docs/protocol.md §7.6); none leaves CORS off and every request
	// under the per-client limits.
	Tenants []Tenant
	// MaxBodyBytes bounds request bodies other than publishes (default 64 KiB);
	// MaxPublishBytes bounds publishes (default 4 MiB).
	MaxBodyBytes    int64
	MaxPublishBytes int64

	// TrustedProxies are the proxy addresses or CIDRs whose forwarding
	// headers are believed when finding the client address for rate
	// limiting; empty trusts none.
	TrustedProxies []string

	// Transparency keeps the counts of the transparency report
	// (docs/transparency.md), shared by the gateways of a deployment with
	// transparency.Redis; default: in this process's memory. Run runs it
	// when it is a transparency.Runner.
	Transparency transparency.Recorder
	// ReportReaderKeys are the SHA-256 of the report reader keys (tg1rk_…)
	// that GET /v1/transparency accepts; none refuses every request.
	ReportReaderKeys []tenant.Hash
	// Webhooks configures subscriptions and their deliveries
	// (docs/protocol.md §10): their backend (default: this process's
	// memory), which callback URLs are allowed, concurrency, timeouts,
	// retries, limits, and the counting hook of the transparency report.
	Webhooks delivery.Options

	// KeyLog is the key log (docs/protocol.md §7.8): the gateway appends
	// the statements courier hosts serve about their keys, lists only keys
	// whose statements it holds, and serves checkpoints and proofs. Nil:
	// no key log; the directory lists the hosts' keys as they are, without
	// key_log, and clients that check keys refuse it.
	KeyLog *KeyLog

	// Demo lists sample parcels while simulated couriers run; nil makes
	// GET /v1/demo/parcels answer 404.
	Demo func() []api.DemoParcel

	// GatewayID is the audience couriers sign their publishes for
	// (docs/protocol.md §9; default DefaultGatewayID).
	GatewayID string
	// Nonces remembers the nonces of signed publishes for
	// crypto.ReplayWindow (default: in this process's memory); gateways
	// sharing a Redis share it (signing/redisnonce).
	Nonces signing.NonceStore

	// Metrics are the gateway's Prometheus figures, served by the admin
	// listener (default: a registry of its own that nobody reads).
	Metrics *telemetry.GatewayMetrics
	// Tracing records OpenTelemetry spans of requests (nil: off).
	Tracing *telemetry.Tracing

	// Logger gets one line per request, with its request id
	// (telemetry.WithRequestIDs wraps it).
	Logger *slog.Logger
	Now    func() time.Time
}

// KeyLog configures the gateway's key log (docs/protocol.md §7.8).
type KeyLog struct {
	// Storage keeps the log: keylog.NewRedis on the gateway's Redis,
	// shared by every gateway of the deployment; nil keeps it in this
	// process's memory (keylog.NewMemory).
	Storage keylog.Storage
	// Origin names the log, such as "trackgate.example/log"; Key signs its
	// checkpoints. Every gateway sharing Storage has the same two.
	Origin string
	Key    ed25519.PrivateKey
	// Witnesses are the witnesses whose cosignatures the gateway takes,
	// by note name; Quorum how many must have cosigned the checkpoint the
	// directory names, and so every key it lists (0: the latest
	// checkpoint, witnessed or not).
	Witnesses map[string]ed25519.PublicKey
	Quorum    int
}

// DefaultGatewayID is the gateway's id when Config.GatewayID is empty.
const DefaultGatewayID = "gateway"

var courierIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,31}$`)

func (c *Config) withDefaults() {
	if c.Now == nil {
		c.Now = time.Now
	}
	c.EvaluateTimeout = cmp.Or(c.EvaluateTimeout, 3*time.Second)
	c.FetchTimeout = cmp.Or(c.FetchTimeout, 3*time.Second)
	c.PullCacheTTL = cmp.Or(c.PullCacheTTL, 2*time.Second)
	c.DirectoryRefresh = cmp.Or(c.DirectoryRefresh, time.Minute)
	c.EvaluateRate = cmp.Or(c.EvaluateRate, ratelimit.DefaultEvaluateRate)
	c.EvaluateBurst = max(c.EvaluateBurst, ratelimit.MinEvaluateBurst)
	if c.Limiter == nil {
		c.Limiter = ratelimit.NewMemory(c.EvaluateRate, c.EvaluateBurst, c.Now)
	}
	c.FetchRate = cmp.Or(c.FetchRate, ratelimit.DefaultFetchRate)
	c.FetchBurst = cmp.Or(c.FetchBurst, ratelimit.DefaultFetchBurst)
	if c.FetchLimiter == nil {
		c.FetchLimiter = ratelimit.NewMemory(c.FetchRate, c.FetchBurst, c.Now)
	}
	c.Tenants = slices.Clone(c.Tenants) // withDefaults sets their limiters
	for i := range c.Tenants {
		c.Tenants[i].withDefaults(c.Now)
	}
	c.MaxBodyBytes = cmp.Or(c.MaxBodyBytes, 64<<10)
	c.MaxPublishBytes = cmp.Or(c.MaxPublishBytes, 4<<20)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Logger = telemetry.WithRequestIDs(c.Logger)
	if c.Metrics == nil {
		c.Metrics = telemetry.NewGatewayMetrics(prometheus.NewRegistry())
	}
	if c.GatewayID == "" {
		c.GatewayID = DefaultGatewayID
	}
	if c.Transparency == nil {
		c.Transparency = transparency.NewMemory()
	}
	if c.Nonces == nil {
		c.Nonces = signing.NewMemoryNonces(0, c.Now)
	}
	c.RecordSize = cmp.Or(c.RecordSize, crypto.DefaultRecordSize)
	c.RecordLimits.BucketBits = c.BucketBits
	c.RecordLimits.MaxCiphertextBytes = c.RecordSize
	c.RecordLimits = c.RecordLimits.WithDefaults()
	if len(c.PaddingSecret) == 0 {
		c.PaddingSecret = make([]byte, PaddingSecretSize)
		_, _ = cryptorand.Read(c.PaddingSecret) // never fails (crypto/rand)
	}
}

// PaddingSecretSize is the length of Config.PaddingSecret.
const PaddingSecretSize = 32

// ErrConfig wraps every configuration error.
var ErrConfig = errors.New("invalid gateway configuration")

func (c *Config) validate() error {
	if err := crypto.CheckBucketBits(c.BucketBits); err != nil {
		return fmt.Errorf("%w: bucket_bits: %v", ErrConfig, err)
	}
	if c.Store == nil {
		return fmt.Errorf("%w: store: a store is required", ErrConfig)
	}
	if err := crypto.CheckRecordSize(c.RecordSize); err != nil {
		return fmt.Errorf("%w: record_size: %v; use a multiple of %d such as the default %d", ErrConfig, err, crypto.BlockSize, crypto.DefaultRecordSize)
	}
	if err := c.RecordLimits.Check(); err != nil {
		return fmt.Errorf("%w: record limits: %v", ErrConfig, err)
	}
	if len(c.PaddingSecret) != PaddingSecretSize {
		return fmt.Errorf("%w: padding_secret: %d bytes, want %d random bytes", ErrConfig, len(c.PaddingSecret), PaddingSecretSize)
	}
	if len(c.Couriers) == 0 {
		return fmt.Errorf("%w: couriers: register at least one courier", ErrConfig)
	}
	seen := map[string]bool{}
	for i, co := range c.Couriers {
		where := fmt.Sprintf("couriers[%d]", i)
		if err := checkEntry(where, co.ID, co.Name, seen); err != nil {
			return err
		}
		switch {
		case co.Factor != crypto.FactorNone && co.Factor != crypto.FactorPhoneLast4:
			return fmt.Errorf("%w: %s.factor %q must be %q or %q", ErrConfig, where, co.Factor, crypto.FactorNone, crypto.FactorPhoneLast4)
		case co.Mode != api.ModePush && co.Mode != api.ModePull:
			return fmt.Errorf("%w: %s.mode %q must be %q or %q", ErrConfig, where, co.Mode, api.ModePush, api.ModePull)
		case co.Host == nil:
			return fmt.Errorf("%w: %s: no courier host to reach", ErrConfig, where)
		case co.Mode == api.ModePush && len(co.SigningKey) != ed25519.PublicKeySize:
			return fmt.Errorf("%w: %s.signing_key: a push-mode courier needs its Ed25519 public key", ErrConfig, where)
		case co.WatchInterval < 0:
			return fmt.Errorf("%w: %s.watch_interval must not be negative", ErrConfig, where)
		}
		for j, p := range co.Patterns {
			if _, err := regexp.Compile(p.Regex); err != nil {
				return fmt.Errorf("%w: %s.patterns[%d].regex: %v", ErrConfig, where, j, err)
			}
		}
		seen[co.ID] = true
	}
	if err := c.validateKeyLog(); err != nil {
		return err
	}
	return c.validateTenants()
}

func (c *Config) validateKeyLog() error {
	l := c.KeyLog
	switch {
	case l == nil:
		return nil
	case l.Quorum < 0 || l.Quorum > len(l.Witnesses):
		return fmt.Errorf("%w: key_log.quorum %d must be from 0 to the %d witnesses", ErrConfig, l.Quorum, len(l.Witnesses))
	}
	// keylog.New checks the origin, the key and the witnesses' keys.
	return nil
}

// checkEntry refuses a registered courier's or tenant's id of the wrong
// form or already seen, and a missing name.
func checkEntry(where, id, name string, seen map[string]bool) error {
	switch {
	case !courierIDPattern.MatchString(id):
		return fmt.Errorf("%w: %s.id %q must match %s", ErrConfig, where, id, courierIDPattern)
	case seen[id]:
		return fmt.Errorf("%w: %s.id %q is registered twice", ErrConfig, where, id)
	case name == "":
		return fmt.Errorf("%w: %s.name is required", ErrConfig, where)
	}
	return nil
}
