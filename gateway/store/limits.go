package store

import (
	"cmp"
	"fmt"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// Names of the limits a publish can hit (docs/protocol.md §7).
const (
	LimitCiphertextBytes    = "max_ciphertext_bytes"
	LimitCourierRecords     = "courier_records"
	LimitCourierBytes       = "courier_bytes"
	LimitCourierBucketBytes = "courier_bucket_bytes"
)

// Defaults of Limits (docs/protocol.md §7).
const (
	DefaultMaxRecordTTL       = 90 * 24 * time.Hour
	DefaultMaxCiphertextBytes = 24576 // 64 blocks of 384 bytes
	DefaultCourierRecords     = 50_000_000
	DefaultCourierBytes       = 64 << 30
	DefaultCourierBucketBytes = 1 << 20
)

// Limits bound what one courier may keep; zero fields take the defaults.
type Limits struct {
	BucketBits         int           // the deployment's bucket_bits (0..24)
	MaxRecordTTL       time.Duration // default 90 days: expires_at is capped to now+MaxRecordTTL; tombstones live this long
	MaxCiphertextBytes int           // default 24576; a gateway sets its record_size (it refuses any other size itself)
	CourierRecords     int64         // live records per courier, default 50_000_000
	CourierBytes       int64         // live ciphertext bytes per courier, default 64 GiB
	CourierBucketBytes int64         // live ciphertext bytes of one courier in one bucket, default 1 MiB
}

// WithDefaults returns l with every zero field (but BucketBits, for which
// 0 is a valid value) set to its default.
func (l Limits) WithDefaults() Limits {
	l.MaxRecordTTL = cmp.Or(l.MaxRecordTTL, DefaultMaxRecordTTL)
	l.MaxCiphertextBytes = cmp.Or(l.MaxCiphertextBytes, DefaultMaxCiphertextBytes)
	l.CourierRecords = cmp.Or(l.CourierRecords, DefaultCourierRecords)
	l.CourierBytes = cmp.Or(l.CourierBytes, DefaultCourierBytes)
	l.CourierBucketBytes = cmp.Or(l.CourierBucketBytes, DefaultCourierBucketBytes)
	return l
}

// Check reports a limit no store can work with: bucket_bits outside
// 0..24, or a negative field.
func (l Limits) Check() error {
	if err := crypto.CheckBucketBits(l.BucketBits); err != nil {
		return err
	}
	if l.MaxRecordTTL < 0 || l.MaxCiphertextBytes < 0 || l.CourierRecords < 0 ||
		l.CourierBytes < 0 || l.CourierBucketBytes < 0 {
		return fmt.Errorf("store limits must not be negative: %+v", l)
	}
	return nil
}

// CapExpiry caps a requested expires_at to now+MaxRecordTTL. l must have
// its defaults.
func (l Limits) CapExpiry(expires, now time.Time) time.Time {
	if latest := now.Add(l.MaxRecordTTL); expires.After(latest) {
		return latest
	}
	return expires
}

// Refusal is the Result of an item refused for limit, with a sentence
// naming the limit and its value (never the item's locator or bucket). l
// must have its defaults.
func (l Limits) Refusal(limit string) Result {
	var detail string
	switch limit {
	case LimitCiphertextBytes:
		detail = fmt.Sprintf("The record's ciphertext is longer than %s = %d bytes.", limit, l.MaxCiphertextBytes)
	case LimitCourierRecords:
		detail = fmt.Sprintf("Storing the record would keep more than %s = %d live records of this courier.", limit, l.CourierRecords)
	case LimitCourierBytes:
		detail = fmt.Sprintf("Storing the record would keep more than %s = %d bytes of this courier's live ciphertext.", limit, l.CourierBytes)
	case LimitCourierBucketBytes:
		detail = fmt.Sprintf("Storing the record would keep more than %s = %d bytes of this courier's live ciphertext in the record's bucket.", limit, l.CourierBucketBytes)
	default:
		detail = fmt.Sprintf("The record would exceed %s.", limit)
	}
	return Result{Outcome: Refused, Limit: limit, Detail: detail}
}

// Usage is what one courier keeps live: records and ciphertext bytes in
// all, and ciphertext bytes in the bucket of the item at hand.
type Usage struct {
	Records, Bytes, BucketBytes int64
}

// Exceeded returns the name of the first limit (courier_records,
// courier_bytes, courier_bucket_bytes) that growing u by records and bytes
// would break, or "" when none. Growth of zero or less never breaks a
// limit, so a courier already above one (after limits were lowered) can
// still replace records with smaller ones. l must have its defaults.
func (l Limits) Exceeded(u Usage, records, bytes int64) string {
	switch {
	case records > 0 && u.Records+records > l.CourierRecords:
		return LimitCourierRecords
	case bytes > 0 && u.Bytes+bytes > l.CourierBytes:
		return LimitCourierBytes
	case bytes > 0 && u.BucketBytes+bytes > l.CourierBucketBytes:
		return LimitCourierBucketBytes
	}
	return ""
}
