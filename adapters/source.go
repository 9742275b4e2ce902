package adapters

import (
	"context"
	"errors"
)

// ErrNotFound is returned by Source.Lookup for a parcel the courier does
// not know, or whose second factor does not match. The two are
// deliberately the same error.
var ErrNotFound = errors.New("parcel not found")

// Parcel is one parcel as an adapter reports it to its courier host.
type Parcel struct {
	// Factors are the second factors that unlock this parcel, e.g. the
	// last four digits of the sender's and of the recipient's phone. Empty
	// for couriers whose directory entry says "factor": "none". They never
	// leave the courier host.
	Factors []string
	// Version increases with every change of View (PROTOCOL.md §5).
	Version uint64
	// View is the current tracking view, free of personal data.
	View View
}

// Source is the one interface every adapter implements: it answers for
// one parcel of one courier.
//
// Lookup returns the parcel with the normalized tracking number tn, or
// ErrNotFound when the courier does not know it. It may be called
// concurrently. An adapter that talks to a remote system returns an error
// wrapping ErrUnavailable when that system cannot answer now.
type Source interface {
	Lookup(ctx context.Context, tn string) (Parcel, error)
}

// ErrUnavailable wraps errors of a remote system that may succeed later.
var ErrUnavailable = errors.New("courier system unavailable")

// Lister is an optional ability of a Source: it enumerates the courier's
// live parcels (not yet final, or final but still within their retention),
// so the courier host can build its locator index at start.
//
// Parcels calls yield for each live parcel until yield returns false or
// ctx ends; it returns ctx's error in the latter case.
type Lister interface {
	Parcels(ctx context.Context, yield func(Parcel) bool) error
}

// Watcher is an optional ability of a Source: it reports parcels as they
// change, so a push-mode courier host can publish new versions at once.
//
// Watch calls changed for every new version of a parcel, in version order
// per parcel, from a single goroutine, until ctx ends; then it returns
// ctx's error. It must not be called twice at once.
type Watcher interface {
	Watch(ctx context.Context, changed func(Parcel)) error
}

// Closer is an optional ability of a Source that holds resources.
type Closer interface {
	Close() error
}
