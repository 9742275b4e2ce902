package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// A courier's totals (records and ciphertext bytes, for courier_records
// and courier_bytes) span every bucket, so they cannot live in any
// bucket's slot, and a bucket's script cannot update them atomically with
// its records. They live in one hash per courier, on the courier's slot:
//
//	<prefix>:{c<courier>}:use   HASH  "r<hour>" -> records, "b<hour>" -> bytes
//
// counting each live record in the hour its expiry falls in (hour =
// unix ms / 3600000, plus 1: the hour that ends after the expiry). The
// live totals are the sums over hours that end after now. Records leave
// the totals when their hour ends, with no sweep: the bucket scripts only
// sweep buckets that are written to, and the keys of a bucket nobody
// writes to expire whole, so a decrement on sweep would miss them.
//
// Apply reads the totals before running the scripts and gives each
// script the room left; it adds the changes the scripts report
// afterwards. So the totals are approximate:
//   - the scripts of one batch's buckets run side by side, each against
//     the totals from before the batch, and publishes of one courier
//     through several gateways run side by side too, so a courier can go
//     past courier_records or courier_bytes by at most one batch per
//     publish running at once;
//   - an expired record counts until the end of its hour;
//   - a gateway that fails between a script and the update of the totals
//     leaves them off by that batch until its hours end (at most
//     max_record_ttl later).
//
// courier_bucket_bytes needs none of this: a courier's usage of a bucket
// lives in the bucket's own usage hash and is exact.
const usageHour = int64(time.Hour / time.Millisecond)

// usageSlot is the hour a record expiring at score (unix ms) counts in.
func usageSlot(score int64) int64 {
	q := score / usageHour
	if score < 0 && score%usageHour != 0 {
		q-- // round down below 1970 too
	}
	return q + 1
}

// usageLive reports whether a slot's records still count at now.
func usageLive(slot int64, now time.Time) bool { return slot*usageHour > now.UnixMilli() }

// courierTotals is what one courier keeps live according to its usage
// hash, and the fields of hours that have ended.
type courierTotals struct {
	records, bytes int64
	ended          []string
}

// readTotals reads a courier's live totals at now.
func (s *Store) readTotals(ctx context.Context, courier string, now time.Time) (courierTotals, error) {
	fields, err := s.client.HGetAll(ctx, s.courierKey(courier)).Result()
	if err != nil {
		return courierTotals{}, failure("read courier totals", err)
	}
	var t courierTotals
	for field, value := range fields {
		slot, err1 := strconv.ParseInt(field[min(1, len(field)):], 10, 64)
		n, err2 := strconv.ParseInt(value, 10, 64)
		if len(field) < 2 || err1 != nil || err2 != nil || (field[0] != 'r' && field[0] != 'b') {
			return courierTotals{}, fmt.Errorf("redisstore: read courier totals: %w: field %q", errCorrupt, field)
		}
		switch {
		case !usageLive(slot, now):
			t.ended = append(t.ended, field)
		case field[0] == 'r':
			t.records += n
		default:
			t.bytes += n
		}
	}
	return t, nil
}

// usageDeltas are changes to a courier's totals, per field.
type usageDeltas map[string]int64

// add counts records records of bytes bytes expiring at score.
func (d usageDeltas) add(score, records, bytes int64) {
	slot := strconv.FormatInt(usageSlot(score), 10)
	d["r"+slot] += records
	d["b"+slot] += bytes
}

// writeTotals adds deltas to a courier's totals and drops the hours that
// have ended; the hash expires once every record it counts has.
func (s *Store) writeTotals(ctx context.Context, courier string, deltas usageDeltas, ended []string) error {
	pipe := s.client.Pipeline()
	key := s.courierKey(courier)
	for field, n := range deltas {
		if n != 0 {
			pipe.HIncrBy(ctx, key, field, n)
		}
	}
	if len(ended) > 0 {
		pipe.HDel(ctx, key, ended...)
	}
	if pipe.Len() == 0 {
		return nil
	}
	pipe.PExpire(ctx, key, s.limits.MaxRecordTTL+2*time.Hour)
	if _, err := pipe.Exec(ctx); err != nil {
		return failure("update courier totals", err)
	}
	return nil
}
