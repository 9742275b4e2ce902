package watchlist

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Config tunes a Watchlist; zero values take the defaults.
type Config struct {
	// File is the JSON Lines file of parcels to watch, read by New and
	// again whenever its size or modification time changes. Empty: the
	// parcels come only from Add.
	File string
	// PollInterval is how often each parcel is looked up, ±10% jitter.
	PollInterval time.Duration
	// Concurrency bounds the lookups in flight.
	Concurrency int
	// RetryBase is the wait after a first failed lookup; it doubles with
	// every further failure up to PollInterval.
	RetryBase time.Duration
	// NotFoundLimit is how many not-found answers in a row drop a parcel.
	// A parcel may be registered before the carrier has scanned it, so
	// the default allows a day at the default interval.
	NotFoundLimit int
	// FinalRetention is how long a parcel stays after its last event once
	// it is final.
	FinalRetention time.Duration
	// FileCheckInterval is how often File is looked at for changes.
	FileCheckInterval time.Duration
	// Clock tells the time (default: the wall clock).
	Clock Clock
	// Logger receives counts only, never a parcel (default: discard).
	Logger *slog.Logger
}

// Defaults of Config.
const (
	DefaultPollInterval      = time.Hour
	DefaultConcurrency       = 4
	DefaultRetryBase         = time.Minute
	DefaultNotFoundLimit     = 24
	DefaultFinalRetention    = 30 * 24 * time.Hour
	DefaultFileCheckInterval = time.Minute
)

// ErrConfig wraps every configuration error of New.
var ErrConfig = errors.New("invalid watchlist configuration")

func (c *Config) withDefaults() error {
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"PollInterval", &c.PollInterval, DefaultPollInterval},
		{"RetryBase", &c.RetryBase, DefaultRetryBase},
		{"FinalRetention", &c.FinalRetention, DefaultFinalRetention},
		{"FileCheckInterval", &c.FileCheckInterval, DefaultFileCheckInterval},
	} {
		switch {
		case *d.v < 0:
			return fmt.Errorf("%w: %s %s must be positive", ErrConfig, d.name, *d.v)
		case *d.v == 0:
			*d.v = d.def
		}
	}
	for _, n := range []struct {
		name string
		v    *int
		def  int
	}{
		{"Concurrency", &c.Concurrency, DefaultConcurrency},
		{"NotFoundLimit", &c.NotFoundLimit, DefaultNotFoundLimit},
	} {
		switch {
		case *n.v < 0:
			return fmt.Errorf("%w: %s %d must be positive", ErrConfig, n.name, *n.v)
		case *n.v == 0:
			*n.v = n.def
		}
	}
	if c.Clock == nil {
		c.Clock = wallClock{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Clock tells the time to a Watchlist; tests give a fake one.
type Clock interface {
	Now() time.Time
	// At returns a channel that receives once the clock reads t or later
	// (at once if it already does).
	At(t time.Time) <-chan time.Time
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) At(t time.Time) <-chan time.Time { return time.After(time.Until(t)) }
