package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"
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
	// Version increases with every change of View (docs/protocol.md §5).
	Version uint64
	// View is the current tracking view, free of personal data.
	View View
}

// ParcelRef names a parcel the courier knows, as the courier's own
// systems know it: the courier host asks its adapter about these, never
// about a number a client sent (clients' numbers stay blinded).
type ParcelRef struct {
	// TrackingNumber is normalized (crypto.NormalizeTrackingNumber).
	TrackingNumber string
	// Factors are second factors the courier holds for the parcel (the
	// last 4 digits of the sender's or recipient's phone); some carrier
	// APIs want one to answer at all, e.g. SF Express's checkPhoneNo.
	Factors []string
}

// Source is the one interface every adapter implements: it answers for
// one parcel of one courier.
//
// Lookup returns the parcel ref names. It may be called concurrently. Its
// errors fall in three classes, checked with errors.Is: ErrNotFound (the
// courier does not know the parcel, or the factor does not match),
// ErrUnavailable (the courier's system cannot answer now: retry later,
// honouring any RetryAfter), and ErrMisconfigured (credentials or
// options are wrong: retrying will not help).
type Source interface {
	Lookup(ctx context.Context, ref ParcelRef) (Parcel, error)
}

// Error classes of Source.Lookup besides ErrNotFound.
var (
	ErrUnavailable   = errors.New("courier system unavailable")
	ErrMisconfigured = errors.New("adapter misconfigured")
)

// RetryAfterError is an ErrUnavailable that carries how long the
// courier's system asked callers to wait (an HTTP Retry-After): errors.Is
// matches it against ErrUnavailable, and RetryAfter reads the wait.
type RetryAfterError struct {
	Wait time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v: retry after %s", ErrUnavailable, e.Wait)
}

// Is makes errors.Is(err, ErrUnavailable) true.
func (e *RetryAfterError) Is(target error) bool { return target == ErrUnavailable }

// RetryAfter returns the wait the courier's system asked for.
func (e *RetryAfterError) RetryAfter() time.Duration { return e.Wait }

// RetryAfter reports the wait an error of Source.Lookup asks for before the
// next call, and whether it asks for one: true for an error that wraps a
// RetryAfterError (or any error with a RetryAfter() time.Duration method).
func RetryAfter(err error) (time.Duration, bool) {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		return ra.RetryAfter(), true
	}
	return 0, false
}

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

// Loader is an optional ability of a Source whose parcels arrive only
// after it starts, such as a watchlist that asks its carrier about each
// parcel it watches. Loading reports true until the Source has reported
// (to Watch, or in Parcels) every parcel it knows of at start that has an
// answer, and false from then on. Its courier host counts as still loading
// (docs/protocol.md §7.1) until then, so that shoppers are told "still
// loading" rather than "not found". A Source without it is done loading
// once its host has listed it.
type Loader interface {
	Loading() bool
}

// Closer is an optional ability of a Source that holds resources.
type Closer interface {
	Close() error
}
