package redisstore

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

// Apply implements store.Store: the items are grouped by bucket and each
// bucket's items go to one script call (script.go), all in one pipeline
// (one per node in a cluster), between a read and an update of the
// courier's totals (usage.go). Items decided without Redis (a put already
// expired or too long, an extension to a time already past) are answered
// here.
func (s *Store) Apply(ctx context.Context, b store.Batch, now time.Time) ([]store.Result, error) {
	if err := b.Check(); err != nil {
		return nil, fmt.Errorf("redisstore: %w", err)
	}
	results := make([]store.Result, b.Len())
	var groups []bucketItems
	index := map[uint32]int{} // bucket -> its place in groups
	send := func(locator []byte, it *item) {
		bucket := crypto.Bucket(locator, s.limits.BucketBits)
		j, ok := index[bucket]
		if !ok {
			j = len(groups)
			index[bucket] = j
			groups = append(groups, bucketItems{bucket: bucket})
		}
		groups[j].items = append(groups[j].items, it)
	}
	n := 0
	for i := range b.Records {
		r := &b.Records[i]
		expires := s.limits.CapExpiry(r.ExpiresAt, now)
		switch {
		case !expires.After(now):
			results[n] = store.Result{Outcome: store.Stale}
		case len(r.Ciphertext) > s.limits.MaxCiphertextBytes:
			results[n] = s.limits.Refusal(store.LimitCiphertextBytes)
		default:
			score := expiryScore(expires)
			decimal := strconv.FormatInt(score, 10)
			entry := encodeFramedRecord(r, expires)
			send(r.Locator, &item{index: n, op: "P", score: score, size: int64(len(r.Ciphertext)),
				args: [4]any{[]byte(r.Locator), entry, decimal, headOf(entry[lengthSize:], decimal)}})
		}
		n++
	}
	for _, x := range b.Extend {
		expires := s.limits.CapExpiry(x.ExpiresAt, now)
		if !expires.After(now) { // no later than a live record's expiry
			results[n] = store.Result{Outcome: store.Stale}
		} else {
			score := expiryScore(expires)
			send(x.Locator, &item{index: n, op: "E", score: score,
				args: [4]any{x.Locator, versionBytes(x.Version), appendExpiryKey(nil, expires), strconv.FormatInt(score, 10)}})
		}
		n++
	}
	for _, w := range b.Withdraw {
		send(w.Locator, &item{index: n, op: "W", args: [4]any{w.Locator, versionBytes(w.Version), "", ""}})
		n++
	}
	if len(groups) == 0 {
		return results, nil
	}

	totals, err := s.readTotals(ctx, b.Courier, now)
	if err != nil {
		return nil, err
	}
	args := &scriptArgs{
		now: now, courier: b.Courier, tombstoneKept: now.Add(s.limits.MaxRecordTTL),
		allowRecords:       s.limits.CourierRecords - max(totals.records, 0),
		allowBytes:         s.limits.CourierBytes - max(totals.bytes, 0),
		courierBucketBytes: s.limits.CourierBucketBytes,
	}
	deltas := usageDeltas{}
	if err := s.runScripts(ctx, groups, args, results, deltas); err != nil {
		return nil, err
	}
	if err := s.writeTotals(ctx, b.Courier, deltas, totals.ended); err != nil {
		return nil, err
	}
	return results, nil
}

func versionBytes(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// runScripts pipelines the script calls with EVALSHA, then once more with
// EVAL for the buckets whose node did not have the script cached (after
// a restart or a failover): a NOSCRIPT call changed nothing. It fills in
// the results of the items sent and the changes to the courier's totals.
func (s *Store) runScripts(ctx context.Context, groups []bucketItems, a *scriptArgs, results []store.Result, deltas usageDeltas) error {
	for _, load := range []bool{false, true} {
		pipe := s.client.Pipeline()
		cmds := make([]*redis.Cmd, len(groups))
		for i, g := range groups {
			cmds[i] = s.queueApply(ctx, pipe, g, a, load)
		}
		_, execErr := pipe.Exec(ctx)
		var missing []bucketItems
		for i, cmd := range cmds {
			reply, err := cmd.Slice()
			switch {
			case err == nil:
				if err := s.readReply(groups[i].items, reply, results, deltas); err != nil {
					return err
				}
			case !load && redis.HasErrorPrefix(err, "NOSCRIPT"):
				missing = append(missing, groups[i])
			default:
				return failure("apply", err)
			}
		}
		if execErr != nil && len(missing) == 0 {
			return failure("apply", execErr) // failed short of any command
		}
		if len(missing) == 0 {
			return nil
		}
		groups = missing
	}
	return nil
}

// readReply reads one script's three values per item.
func (s *Store) readReply(items []*item, reply []any, results []store.Result, deltas usageDeltas) error {
	if len(reply) != 3*len(items) {
		return fmt.Errorf("redisstore: apply: %d values for %d items", len(reply), len(items))
	}
	for i, it := range items {
		code, ok1 := reply[3*i].(int64)
		oldScore, ok2 := reply[3*i+1].(string)
		oldSize, ok3 := reply[3*i+2].(int64)
		if !ok1 || !ok2 || !ok3 {
			return fmt.Errorf("redisstore: apply: unexpected reply %v", reply[3*i:3*i+3])
		}
		switch code {
		case codeStored:
			results[it.index] = store.Result{Outcome: store.Stored}
		case codeStale:
			results[it.index] = store.Result{Outcome: store.Stale}
		case codeOverRecords:
			results[it.index] = s.limits.Refusal(store.LimitCourierRecords)
		case codeOverBytes:
			results[it.index] = s.limits.Refusal(store.LimitCourierBytes)
		case codeOverBucket:
			results[it.index] = s.limits.Refusal(store.LimitCourierBucketBytes)
		default:
			return fmt.Errorf("redisstore: apply: unknown outcome code %d", code)
		}
		if code != codeStored {
			continue
		}
		if oldScore != "" {
			old, err := strconv.ParseFloat(oldScore, 64)
			if err != nil {
				return fmt.Errorf("redisstore: apply: score %q: %w", oldScore, err)
			}
			deltas.add(int64(old), -1, -oldSize)
		}
		switch it.op {
		case "P":
			deltas.add(it.score, 1, it.size)
		case "E":
			deltas.add(it.score, 1, oldSize)
		}
	}
	return nil
}
