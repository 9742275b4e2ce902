// Package store defines where the gateway keeps sealed records: the Store
// interface, its outcomes, limits and errors, and the store rule every
// implementation applies (docs/protocol.md §7). Implementations live in
// subpackages named for where the data sits (memory is the embedded
// default, redisstore production); storetest is the conformance suite
// every implementation must pass.
//
// A store only ever sees sealed records, expiry extensions and
// withdrawals: locators, courier ids, kids, versions, expiries, nonces and
// ciphertext. It never holds a tracking number, a factor, a tracking event
// or a client address.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// Errors of Store methods.
var (
	// ErrUnavailable wraps failures of the backing service; the gateway
	// answers 503 with Retry-After.
	ErrUnavailable = errors.New("store unavailable")
	// ErrInvalidBatch: a batch the gateway should have refused whole (a
	// record of another courier, a malformed record, a locator that is not
	// 16 bytes, version 0). Nothing of it was applied.
	ErrInvalidBatch = errors.New("invalid publish batch")
)

// Store keeps, per (courier, locator), the newest sealed record a courier
// published, or the tombstone of its withdrawal (docs/protocol.md §7, the
// store rule). Records of different couriers never interact: nothing one
// courier publishes can hide, replace or delay another's record at the
// same locator, so every read returns the records of every courier.
//
// Apply applies the items of a batch one after the other, in the order
// Records, Extend, Withdraw, and returns one Result per item in that
// order. Each item has one of three outcomes:
//
//   - Stored: the item changed what the store holds.
//   - Stale: acknowledged and ignored, because the store already holds
//     what it says or something newer. The courier treats it as
//     delivered; this is what makes a retried batch harmless.
//   - Refused: the item would break a limit (Limits); Result.Limit names
//     it. The courier keeps the item and retries it later.
//
// A put (a record of Records) is
//   - Stale when its expires_at is not after now;
//   - Refused(LimitCiphertextBytes) when its ciphertext is longer than
//     MaxCiphertextBytes;
//   - Stale when the courier has a live record or a tombstone at the
//     locator with a version equal or above;
//   - Refused when storing it would take the courier above CourierRecords,
//     CourierBytes or CourierBucketBytes (checked in that order; replacing
//     a record counts only the difference, and a put that adds nothing is
//     never refused);
//   - else Stored, with expires_at capped to now+MaxRecordTTL.
//
// MaxCiphertextBytes and CourierBucketBytes are exact in every store.
// A store shared by several gateways may let a courier pass CourierRecords
// and CourierBytes by at most one batch per publish of that courier
// running at once, and may count an expired record until the end of the
// hour it expired in; its package says how and why.
//
// An extension is Stored when the courier's live record at the locator has
// exactly its version and the extension's expires_at, capped to
// now+MaxRecordTTL, is later than the record's: the record then expires
// at that time. Otherwise (nothing there, another version, a tombstone, an
// earlier expiry) it is Stale.
//
// A withdrawal is Stale when the courier has a live record or tombstone at
// the locator with a higher version. Otherwise a tombstone with its
// version replaces whatever the courier had there (or is left where there
// was nothing), kept until now+MaxRecordTTL: it is never served, it frees
// the record's share of the limits, and it makes every later put or
// extension at a version not above it Stale. A put with a higher version
// brings the parcel back.
//
// An error means nothing may be assumed applied, though some items may
// have been: the courier retries the whole batch, which the rule makes
// safe. A store that cannot reach its backing service wraps ErrUnavailable;
// a batch that fails Batch.Check is refused whole with ErrInvalidBatch.
//
// Bucket and Locator return every live record (never a tombstone) of every
// courier in a bucket or at a locator, in no particular order; an empty
// bucket, a bucket or locator that cannot exist under BucketBits, or no
// record, is an empty answer and a nil error. Records whose expires_at is
// not after now are never served; a record carries the expires_at it is
// stored with (capped, or moved by an extension). The records returned are
// the caller's to change.
//
// PublicBucket and PublicLocator return the same records as Bucket and
// Locator, in their public form (PublicRecord): what the gateway's public
// reads serve, without the courier, kid, version or expiry. They are the
// hot path of every lookup, so their records may share memory with the
// store and with other callers: they must not be changed.
type Store interface {
	// Apply applies every item of b at now and returns one Result per item,
	// in the order Records, Extend, Withdraw. An error means nothing may be
	// assumed applied; the courier retries, which the rules make safe.
	Apply(ctx context.Context, b Batch, now time.Time) ([]Result, error)
	// Bucket returns every live record of every courier in bucket.
	Bucket(ctx context.Context, bucket uint32, now time.Time) ([]crypto.SealedRecord, error)
	// Locator returns every live record of every courier at locator (possibly none, nil error).
	Locator(ctx context.Context, locator []byte, now time.Time) ([]crypto.SealedRecord, error)
	// PublicBucket returns what Bucket does, in public form, read-only.
	PublicBucket(ctx context.Context, bucket uint32, now time.Time) ([]PublicRecord, error)
	// PublicLocator returns what Locator does, in public form, read-only.
	PublicLocator(ctx context.Context, locator []byte, now time.Time) ([]PublicRecord, error)
	// Ping reports whether the store can serve now.
	Ping(ctx context.Context) error
}

// Extension asks that the courier's record at Locator, of exactly
// Version, live until ExpiresAt: a courier keeps an unchanged parcel
// alive without sealing it again.
type Extension struct {
	Locator   []byte
	Version   uint64
	ExpiresAt time.Time
}

// Withdrawal asks that the courier's record at Locator, of Version or
// below, stop being served.
type Withdrawal struct {
	Locator []byte
	Version uint64
}

// Batch is one courier's publish: puts, expiry extensions and withdrawals.
type Batch struct {
	Courier  string
	Records  []crypto.SealedRecord // every record's Courier equals Courier (the gateway checked shapes)
	Extend   []Extension
	Withdraw []Withdrawal
}

// Len is the number of items of b, the length of Apply's answer.
func (b *Batch) Len() int { return len(b.Records) + len(b.Extend) + len(b.Withdraw) }

// Check reports, wrapping ErrInvalidBatch, what makes b a batch the
// gateway should have refused: a record that fails crypto's Check or
// names another courier, an extension or withdrawal whose locator is not
// 16 bytes or whose version is 0. Stores call it before applying anything.
func (b *Batch) Check() error {
	if err := crypto.CheckCourierID(b.Courier); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidBatch, err)
	}
	for i := range b.Records {
		r := &b.Records[i]
		if err := r.Check(); err != nil {
			return fmt.Errorf("%w: record %d: %w", ErrInvalidBatch, i, err)
		}
		if r.Courier != b.Courier {
			return fmt.Errorf("%w: record %d is of courier %q, not %q", ErrInvalidBatch, i, r.Courier, b.Courier)
		}
	}
	for i, e := range b.Extend {
		if len(e.Locator) != crypto.LocatorSize || !crypto.ValidVersion(e.Version) {
			return fmt.Errorf("%w: extension %d needs a %d-byte locator and a version from 1 to 2^53-1", ErrInvalidBatch, i, crypto.LocatorSize)
		}
	}
	for i, w := range b.Withdraw {
		if len(w.Locator) != crypto.LocatorSize || !crypto.ValidVersion(w.Version) {
			return fmt.Errorf("%w: withdrawal %d needs a %d-byte locator and a version from 1 to 2^53-1", ErrInvalidBatch, i, crypto.LocatorSize)
		}
	}
	return nil
}

// Live reports whether r may still be served at now: records are never
// served once their expires_at is reached.
func Live(r *crypto.SealedRecord, now time.Time) bool { return r.ExpiresAt.After(now) }
