// Package store defines where the gateway keeps sealed records: the Store
// interface, its errors and the version rule every implementation applies.
// Implementations live in subpackages named for where the data sits
// (memory is the embedded default); storetest is the conformance suite
// every implementation must pass.
//
// A store only ever sees sealed records: a locator, a courier id, a kid,
// a version, an expiry and ciphertext. It never holds a tracking number,
// a factor or a tracking event.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// Errors of Store methods.
var (
	// ErrNotFound: no live record at that locator.
	ErrNotFound = errors.New("record not found")
	// ErrUnavailable wraps failures of the backing service; the gateway
	// answers 503 with Retry-After.
	ErrUnavailable = errors.New("store unavailable")
)

// Store keeps, per locator, the sealed record with the highest version
// (PROTOCOL.md §5).
//
// Put applies the version rule to each record on its own: it is stored
// when no live record holds its locator, or when the live one has the same
// courier and a lower version. Otherwise — a version not above the stored
// one, a locator held by another courier, or a record already expired at
// now — it counts as stale: acknowledged and ignored, so that publishing is
// idempotent and never a regression. An error means nothing may be assumed
// stored; the publisher retries the whole batch, which the rule makes safe.
//
// Bucket returns every record of a bucket that has not expired at now, in
// no particular order. Get returns the live record at a locator or
// ErrNotFound. Records whose expires_at is not after now are never served.
type Store interface {
	Put(ctx context.Context, records []crypto.SealedRecord, now time.Time) (stored, stale int, err error)
	Bucket(ctx context.Context, bucket uint32, now time.Time) ([]crypto.SealedRecord, error)
	Get(ctx context.Context, locator []byte, now time.Time) (crypto.SealedRecord, error)
	// Ping reports whether the store can serve now.
	Ping(ctx context.Context) error
}

// Live reports whether r may still be served at now.
func Live(r *crypto.SealedRecord, now time.Time) bool { return r.ExpiresAt.After(now) }

// Supersedes reports whether the incoming record replaces current under
// the version rule (current nil or expired means nothing is stored).
func Supersedes(incoming *crypto.SealedRecord, current *crypto.SealedRecord, now time.Time) bool {
	if !Live(incoming, now) {
		return false
	}
	if current == nil || !Live(current, now) {
		return true
	}
	return incoming.Courier == current.Courier && incoming.Version > current.Version
}
