package webhook

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// Config is everything Open needs; zero values marked "default" take that
// default.
type Config struct {
	// Courier is the courier id the views carry (docs/protocol.md §3).
	Courier string
	// Listen is the host:port the ingest API is served on. Empty serves
	// nothing: the caller serves Handler itself.
	Listen string
	// Token is the bearer token the courier's systems send; at least
	// MinTokenLength characters.
	Token string
	// StatePath is the bbolt file that holds the accepted events,
	// created with mode 0600.
	StatePath string
	// Factor is crypto.FactorNone (default) or crypto.FactorPhoneLast4,
	// as the courier host's: the ingest API refuses factors for a courier
	// without one, and a parcel without one for a courier that needs it.
	Factor string
	// Retention is how long a parcel that is final, or has no events,
	// stays in the state file after its last change (default
	// DefaultRetention). Keep it above the host's record TTL, or a
	// tracking number used again could restart below the version the
	// gateway still holds.
	Retention time.Duration
	// TLSCertFile and TLSKeyFile, both or neither, make the listener
	// serve HTTPS.
	TLSCertFile, TLSKeyFile string
	// Logger receives counts only (default: discard).
	Logger *slog.Logger
	// Now is the wall clock (default time.Now).
	Now func() time.Time
}

// Limits and defaults of the adapter.
const (
	// MaxEventsPerRequest caps the events of one POST /v1/events.
	MaxEventsPerRequest = 1000
	// MaxEventsBodyBytes caps the body of POST /v1/events: 1000 events
	// with long descriptions fit.
	MaxEventsBodyBytes = 4 << 20
	// MaxEventsPerParcel caps one parcel's history, so that its sealed
	// record stays small.
	MaxEventsPerParcel = 500
	// MaxFactorsPerParcel caps the second factors of one parcel: every
	// factor is one more record at the gateway.
	MaxFactorsPerParcel = 8
	// MinTokenLength is the shortest bearer token accepted, e.g.
	// 'openssl rand -hex 32' (64 characters).
	MinTokenLength = 32
	// DefaultRetention is the default of Config.Retention.
	DefaultRetention = 30 * 24 * time.Hour
	// MinRetention is the shortest Retention: a final parcel must
	// outlive its last publish.
	MinRetention = time.Hour
)

// ErrConfig wraps every configuration error of Open.
var ErrConfig = errors.New("invalid webhook adapter configuration")

func (c *Config) withDefaults() {
	if c.Factor == "" {
		c.Factor = crypto.FactorNone
	}
	if c.Retention == 0 {
		c.Retention = DefaultRetention
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

func (c *Config) validate() error {
	switch {
	case crypto.CheckCourierID(c.Courier) != nil:
		return fmt.Errorf("%w: the courier id %q must be 2 to 32 lower-case letters, digits or '-', as in the courier host's file", ErrConfig, c.Courier)
	case len(c.Token) < MinTokenLength:
		return fmt.Errorf("%w: the bearer token must be at least %d characters; make one with 'openssl rand -hex 32'", ErrConfig, MinTokenLength)
	case c.StatePath == "":
		return fmt.Errorf("%w: the state file path is required", ErrConfig)
	case c.Factor != crypto.FactorNone && c.Factor != crypto.FactorPhoneLast4:
		return fmt.Errorf("%w: factor %q must be %s or %s, as in the courier host's file", ErrConfig, c.Factor, crypto.FactorNone, crypto.FactorPhoneLast4)
	case c.Retention < MinRetention:
		return fmt.Errorf("%w: retention %s is shorter than %s", ErrConfig, c.Retention, MinRetention)
	case (c.TLSCertFile == "") != (c.TLSKeyFile == ""):
		return fmt.Errorf("%w: give both the TLS certificate and its key, or neither", ErrConfig)
	case c.Listen == "" && c.TLSCertFile != "":
		return fmt.Errorf("%w: TLS needs a listen address", ErrConfig)
	}
	return nil
}
