package memory

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
)

// Watched implements delivery.Watchlist.
func (b *Backend) Watched(context.Context) ([][]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([][]byte, 0, len(b.watchers))
	for _, k := range slices.Sorted(maps.Keys(b.watchers)) {
		out = append(out, []byte(k))
	}
	return out, nil
}

// Watching implements delivery.Watchlist.
func (b *Backend) Watching(_ context.Context, locators [][]byte) ([]bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]bool, len(locators))
	for i, l := range locators {
		out[i] = len(b.watchers[string(l)]) > 0
	}
	return out, nil
}

// Subscribers implements delivery.Watchlist.
func (b *Backend) Subscribers(_ context.Context, locator []byte) ([]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Sorted(maps.Keys(b.watchers[string(locator)])), nil
}

// WatchStates implements delivery.Watchlist.
func (b *Backend) WatchStates(_ context.Context, locators [][]byte) (map[string]delivery.WatchState, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string]delivery.WatchState{}
	for _, l := range locators {
		if st, ok := b.states[string(l)]; ok {
			st.Seen = maps.Clone(st.Seen)
			out[string(l)] = st
		}
	}
	return out, nil
}

// SetWatchStates implements delivery.Watchlist.
func (b *Backend) SetWatchStates(_ context.Context, states map[string]delivery.WatchState) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, st := range states {
		if len(b.watchers[k]) > 0 {
			st.Seen = maps.Clone(st.Seen)
			b.states[k] = st
		}
	}
	return nil
}

// DueToEnd implements delivery.Watchlist; it also forgets the ended
// subscriptions kept long enough.
func (b *Backend) DueToEnd(_ context.Context, now time.Time, max int) ([]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.forgetEnded(now)
	var out []string
	for _, id := range slices.Sorted(maps.Keys(b.subs)) {
		s := b.subs[id]
		if s.s.State == delivery.StateActive && !s.s.ExpiresAt.After(now) {
			if out = append(out, id); len(out) == max {
				break
			}
		}
	}
	return out, nil
}

// Lock implements delivery.Watchlist.
func (b *Backend) Lock(_ context.Context, name, holder string, ttl time.Duration) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if l, ok := b.locks[name]; ok && l.holder != holder && now.Before(l.until) {
		return false, nil
	}
	b.locks[name] = lock{holder: holder, until: now.Add(ttl)}
	return true, nil
}
