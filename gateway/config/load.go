package config

import (
	"os"
	"time"
)

// LoadOption changes how a file is loaded.
type LoadOption func(*loadOptions)

type loadOptions struct {
	getenv    func(string) string
	now       func() time.Time
	inProcess bool
}

// WithGetenv reads environment variables through getenv (default os.Getenv).
func WithGetenv(getenv func(string) string) LoadOption {
	return func(o *loadOptions) { o.getenv = getenv }
}

// WithClock sets the clock that decides which keys have expired
// (default time.Now).
func WithClock(now func() time.Time) LoadOption {
	return func(o *loadOptions) { o.now = now }
}

func newLoadOptions(opts []LoadOption) loadOptions {
	o := loadOptions{getenv: os.Getenv, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// notSet marks an int field the file must set, where 0 is a valid value.
const notSet = -1
