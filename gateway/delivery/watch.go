package delivery

import (
	"bytes"
	"context"
	"maps"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// watch runs a watch round of a pull courier every its interval until
// ctx ends.
func (e *Engine) watch(ctx context.Context, c WatchedCourier) {
	t := time.NewTicker(c.Interval)
	defer t.Stop()
	for {
		if err := e.watchRound(ctx, c); err != nil && ctx.Err() == nil {
			e.cfg.Logger.Warn("webhook watch round failed", "courier", c.ID, "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// watchRound reads the pull courier's bucket of every watched locator —
// one request per bucket, never a locator (docs/protocol.md §7.4) — and
// queues a delivery of each record whose version is newer than the one
// seen at the last round. The first round after a locator is watched
// only notes what is there: a subscription hears of changes after it
// was made. One gateway of those sharing a backend runs each round.
func (e *Engine) watchRound(ctx context.Context, c WatchedCourier) error {
	if ok, err := e.backend.Lock(ctx, "watch:"+c.ID, e.cfg.Consumer, c.Interval*9/10); err != nil || !ok {
		return err
	}
	locators, err := e.backend.Watched(ctx)
	if err != nil || len(locators) == 0 {
		return err
	}
	states, err := e.backend.WatchStates(ctx, locators)
	if err != nil {
		return err
	}
	var events []Event
	changed := map[string]WatchState{}
	for bucket, locs := range e.byBucket(locators) {
		recs, err := e.cfg.PullBucket(ctx, c.ID, bucket)
		if err != nil {
			// Nothing is known of this bucket this round: its states stay.
			e.cfg.Logger.Warn("webhook watch: pull courier bucket failed", "courier", c.ID, "error", err)
			continue
		}
		for _, loc := range locs {
			rec := newest(recs, c.ID, loc, e.cfg.Now())
			var version uint64
			if rec != nil {
				version = rec.Version
			}
			st := states[string(loc)]
			seen, looked := st.Seen[c.ID]
			if looked && seen == version {
				continue
			}
			if looked && rec != nil && version > seen {
				events = append(events, RecordEvent(rec))
			}
			st.Seen = maps.Clone(st.Seen)
			if st.Seen == nil {
				st.Seen = map[string]uint64{}
			}
			st.Seen[c.ID] = version
			changed[string(loc)] = st
		}
	}
	// Queued before the new versions are noted as seen: a round cut
	// short queues them again next time, and lanes take each once.
	if err := e.Publish(ctx, events); err != nil {
		return err
	}
	if len(changed) == 0 {
		return nil
	}
	return e.backend.SetWatchStates(ctx, changed)
}

// byBucket groups locators by their bucket.
func (e *Engine) byBucket(locators [][]byte) map[uint32][][]byte {
	out := map[uint32][][]byte{}
	for _, l := range locators {
		b := crypto.Bucket(l, e.cfg.BucketBits)
		out[b] = append(out[b], l)
	}
	return out
}

// newest is the courier's live record at loc with the highest version.
func newest(recs []crypto.SealedRecord, courier string, loc []byte, now time.Time) *crypto.SealedRecord {
	var best *crypto.SealedRecord
	for i := range recs {
		r := &recs[i]
		if r.Courier == courier && bytes.Equal(r.Locator, loc) && r.ExpiresAt.After(now) &&
			(best == nil || r.Version > best.Version) {
			best = r
		}
	}
	return best
}
