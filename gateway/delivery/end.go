package delivery

import (
	"context"
	"errors"
	"time"
)

// sweep ends subscriptions every EndCheck until ctx ends.
func (e *Engine) sweep(ctx context.Context) {
	t := time.NewTicker(e.cfg.EndCheck)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := e.EndRound(ctx); err != nil && ctx.Err() == nil {
			e.cfg.Logger.Warn("webhook end round failed", "error", err)
		}
	}
}

// EndRound ends the subscriptions whose time is up: those past their
// expires_at, and those every locator of which has had a record that is
// now gone (expired or withdrawn, of every courier) for Grace. One
// gateway of those sharing a backend runs each round; Run calls it every
// EndCheck.
func (e *Engine) EndRound(ctx context.Context) error {
	if ok, err := e.backend.Lock(ctx, "end", e.cfg.Consumer, e.cfg.EndCheck*9/10); err != nil || !ok {
		return err
	}
	now := e.cfg.Now()
	for {
		due, err := e.backend.DueToEnd(ctx, now, 500)
		if err != nil {
			return err
		}
		for _, id := range due {
			if err := e.end(ctx, id, now); err != nil {
				return err
			}
		}
		if len(due) < 500 {
			break
		}
	}
	if e.cfg.StoredBucket == nil {
		return nil
	}
	return e.endGone(ctx, now)
}

// end ends subscription id as expired and counts it.
func (e *Engine) end(ctx context.Context, id string, now time.Time) error {
	s, ended, err := e.backend.End(ctx, "", id, EndedExpired, now, e.cfg.DeadLetterTTL)
	if errors.Is(err, ErrNotFound) {
		return nil // an interrupted creation, now cleaned up
	}
	if ended {
		e.count(ctx, Scope{Tenant: s.Tenant}, MetricSubscriptionsEnded, 1)
	}
	return err
}

// endGone notes which watched locators have a live record (stored, or
// seen at a pull courier by the last watch round), and ends the
// subscriptions all of whose locators have been gone for Grace.
func (e *Engine) endGone(ctx context.Context, now time.Time) error {
	locators, err := e.backend.Watched(ctx)
	if err != nil || len(locators) == 0 {
		return err
	}
	states, err := e.backend.WatchStates(ctx, locators)
	if err != nil {
		return err
	}
	changed := map[string]WatchState{}
	for bucket, locs := range e.byBucket(locators) {
		stored, err := e.cfg.StoredBucket(ctx, bucket, now)
		if err != nil {
			return err
		}
		live := map[string]bool{}
		for i := range stored {
			live[string(stored[i].Locator)] = true
		}
		for _, loc := range locs {
			st := states[string(loc)]
			isLive := live[string(loc)]
			for _, v := range st.Seen {
				isLive = isLive || v > 0
			}
			next := st
			switch {
			case isLive:
				next.Live, next.GoneSince = true, time.Time{}
			case st.Live && st.GoneSince.IsZero():
				next.GoneSince = now
			}
			if next.Live != st.Live || !next.GoneSince.Equal(st.GoneSince) {
				changed[string(loc)] = next
			}
			states[string(loc)] = next
		}
	}
	if len(changed) > 0 {
		if err := e.backend.SetWatchStates(ctx, changed); err != nil {
			return err
		}
	}
	gone := func(loc []byte) bool {
		st, ok := states[string(loc)]
		return ok && st.Live && !st.GoneSince.IsZero() && now.Sub(st.GoneSince) >= e.cfg.Grace
	}
	checked := map[string]bool{}
	for _, loc := range locators {
		if !gone(loc) {
			continue
		}
		ids, err := e.backend.Subscribers(ctx, loc)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if checked[id] {
				continue
			}
			checked[id] = true
			s, err := e.backend.Get(ctx, "", id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			all := s.State == StateActive
			for _, l := range s.Locators {
				all = all && gone(l)
			}
			if all {
				if err := e.end(ctx, id, now); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
