package courierhost

import (
	"crypto/ed25519"
	cryptorand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"time"

	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/telemetry"
)

// Config is everything a Host needs. New validates it once; zero values
// marked "default" take that default.
type Config struct {
	// Courier is the courier id (docs/protocol.md §3).
	Courier string
	// BucketBits is the deployment's bucket_bits (0..24), as the gateway's
	// directory publishes it.
	BucketBits int
	// RecordSize is the deployment's record_size, as the gateway's
	// directory publishes it: every view is sealed to exactly this many
	// ciphertext bytes (default crypto.DefaultRecordSize). A view too long
	// for it loses its oldest events (docs/protocol.md §5).
	RecordSize int
	// Mode is api.ModePush (records are published through Publisher) or
	// api.ModePull (the gateway asks Bucket and Record live).
	Mode string
	// Factor is crypto.FactorNone or crypto.FactorPhoneLast4.
	Factor string
	// Keys are the courier's OPRF keys with their validity windows; at
	// least one. Records are sealed under every key valid at the time.
	Keys []KeyConfig
	// SigningKey is the courier's Ed25519 signing key: it signs the
	// host's key statements (docs/protocol.md §8.1) and its answers over
	// HTTP (Handler, which takes it too). Optional here; a host without
	// one states nothing until Handler or SetSigningKey gives it one.
	SigningKey ed25519.PrivateKey
	// SigningKeyStatements are the courier's signing-key statements from
	// its first signing key on, up to SigningKey, as 'trackgate keys
	// rotate --kind signing' keeps them beside the key file. None: the
	// courier's history starts with SigningKey, whose first statement
	// ("previous none") the host makes.
	SigningKeyStatements [][]byte
	// Source is the courier's adapter. It must also be an adapters.Lister
	// or an adapters.Watcher (or both): the host indexes parcels ahead of
	// time and never looks a number up on a client's behalf. The host does
	// not close it.
	Source adapters.Source
	// RecordTTL is how long a record lives after its parcel last changed
	// (default 7 days); a record never outlives its key's NotAfter.
	RecordTTL time.Duration
	// ListInterval is how often a Source that is a Lister but not a
	// Watcher is listed again to pick up changes (default 5 minutes).
	ListInterval time.Duration
	// EvaluateRate (elements per second, each element counts) and
	// EvaluateBurst are the host's own evaluation limit. The burst must
	// hold at least one full batch (crypto.MaxBatch).
	EvaluateRate  rate.Limit
	EvaluateBurst int
	// Publisher sends records to the gateway; required in push mode and
	// refused in pull mode.
	Publisher Publisher
	// Metrics, when set, count and time the host's HTTP requests by route
	// template (the admin listener serves them).
	Metrics *telemetry.HTTPMetrics
	// Tracing records spans of the host's requests, continuing the
	// gateway's traces (nil: off).
	Tracing *telemetry.Tracing
	// Partition makes this host one of several push-mode replicas of the
	// courier, publishing only its share of the parcels (default: all).
	Partition Partition
	// Logger receives counts and durations only (default: discard); lines
	// about a request carry its request id. New gives it to a Source that
	// is an adapters.LoggerSetter, so the adapter logs in the host's format.
	Logger *slog.Logger
	// Now is the wall clock (default time.Now).
	Now func() time.Time
	// Rand supplies record nonces (default crypto/rand).
	Rand io.Reader
}

// KeyConfig is one OPRF key and the window in which it is valid:
// NotBefore <= now < NotAfter.
type KeyConfig struct {
	Key       *crypto.PrivateKey
	NotBefore time.Time
	NotAfter  time.Time
}

// ErrConfig wraps every configuration error of New.
var ErrConfig = errors.New("invalid courier host configuration")

// Defaults of Config.
const (
	DefaultRecordTTL    = 7 * 24 * time.Hour
	DefaultListInterval = 5 * time.Minute
)

func (c *Config) withDefaults() {
	if c.RecordTTL == 0 {
		c.RecordTTL = DefaultRecordTTL
	}
	if c.RecordSize == 0 {
		c.RecordSize = crypto.DefaultRecordSize
	}
	if c.ListInterval == 0 {
		c.ListInterval = DefaultListInterval
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Logger = telemetry.WithRequestIDs(c.Logger)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = cryptorand.Reader
	}
}

func (c *Config) validate() error {
	if err := crypto.CheckCourierID(c.Courier); err != nil {
		return fmt.Errorf("%w: Courier: %v", ErrConfig, err)
	}
	if err := crypto.CheckBucketBits(c.BucketBits); err != nil {
		return fmt.Errorf("%w: BucketBits: %v", ErrConfig, err)
	}
	if err := crypto.CheckRecordSize(c.RecordSize); err != nil {
		return fmt.Errorf("%w: RecordSize: %v; use the gateway's record_size (default %d)", ErrConfig, err, crypto.DefaultRecordSize)
	}
	if c.Factor != crypto.FactorNone && c.Factor != crypto.FactorPhoneLast4 {
		return fmt.Errorf("%w: Factor %q must be %q or %q", ErrConfig, c.Factor, crypto.FactorNone, crypto.FactorPhoneLast4)
	}
	switch {
	case c.Mode == api.ModePush && c.Publisher == nil:
		return fmt.Errorf("%w: Publisher: a push-mode host needs a Publisher", ErrConfig)
	case c.Mode == api.ModePull && c.Publisher != nil:
		return fmt.Errorf("%w: Publisher: a pull-mode host publishes nothing; remove the Publisher or use push mode", ErrConfig)
	case c.Mode != api.ModePush && c.Mode != api.ModePull:
		return fmt.Errorf("%w: Mode %q must be %q or %q", ErrConfig, c.Mode, api.ModePush, api.ModePull)
	}
	if err := c.Partition.validate(c.Mode); err != nil {
		return err
	}
	if err := validateKeys(c.Keys); err != nil {
		return err
	}
	if c.SigningKey == nil && len(c.SigningKeyStatements) > 0 {
		return fmt.Errorf("%w: SigningKeyStatements without the SigningKey they lead to", ErrConfig)
	}
	if c.Source == nil {
		return fmt.Errorf("%w: Source: an adapter is required", ErrConfig)
	}
	_, lists := c.Source.(adapters.Lister)
	_, watches := c.Source.(adapters.Watcher)
	if !lists && !watches {
		return fmt.Errorf("%w: Source: the courier host needs an adapter that is an adapters.Lister or an adapters.Watcher (or both) to build its locator index; this one only answers Lookup", ErrConfig)
	}
	switch {
	case c.RecordTTL < 0:
		return fmt.Errorf("%w: RecordTTL %s must be positive", ErrConfig, c.RecordTTL)
	case c.ListInterval < 0:
		return fmt.Errorf("%w: ListInterval %s must be positive", ErrConfig, c.ListInterval)
	case !(c.EvaluateRate > 0) || c.EvaluateRate == rate.Inf || math.IsInf(float64(c.EvaluateRate), 1):
		return fmt.Errorf("%w: EvaluateRate must be a positive, finite number of elements per second: the host limits evaluations itself", ErrConfig)
	case c.EvaluateBurst < crypto.MaxBatch:
		return fmt.Errorf("%w: EvaluateBurst %d must be at least %d, one full batch", ErrConfig, c.EvaluateBurst, crypto.MaxBatch)
	}
	return nil
}

func validateKeys(keys []KeyConfig) error {
	if len(keys) == 0 {
		return fmt.Errorf("%w: Keys: at least one OPRF key is required", ErrConfig)
	}
	seen := map[string]bool{}
	for i, k := range keys {
		switch {
		case k.Key == nil:
			return fmt.Errorf("%w: Keys[%d].Key is missing", ErrConfig, i)
		case k.NotBefore.IsZero() || k.NotAfter.IsZero():
			return fmt.Errorf("%w: Keys[%d]: NotBefore and NotAfter are required", ErrConfig, i)
		case !wholeSeconds(k.NotBefore).Before(wholeSeconds(k.NotAfter)):
			return fmt.Errorf("%w: Keys[%d]: NotBefore must be before NotAfter, by a second at least", ErrConfig, i)
		case k.NotBefore.Year() < 1970 || k.NotAfter.Year() > 9999:
			return fmt.Errorf("%w: Keys[%d]: the window must lie between 1970 and 9999", ErrConfig, i)
		}
		kid := k.Key.Public().KeyID()
		if seen[kid] {
			return fmt.Errorf("%w: Keys[%d]: kid %s is listed twice", ErrConfig, i, kid)
		}
		seen[kid] = true
	}
	return nil
}
