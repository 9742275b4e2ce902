package memory

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
)

// Create implements delivery.Subscriptions.
func (b *Backend) Create(_ context.Context, s delivery.Subscription, maxActive int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	active := 0
	for id := range b.tenants[s.Tenant] {
		if b.subs[id].s.State == delivery.StateActive {
			active++
		}
	}
	if active >= maxActive {
		return delivery.ErrLimit
	}
	s.State = delivery.StateActive
	s.Counts = delivery.Counts{}
	s.Locators = cloneLocators(s.Locators)
	b.subs[s.ID] = &sub{s: s, lanes: map[string]bool{}, dead: map[string]delivery.DeadLetter{}}
	if b.tenants[s.Tenant] == nil {
		b.tenants[s.Tenant] = map[string]bool{}
	}
	b.tenants[s.Tenant][s.ID] = true
	for _, loc := range s.Locators {
		k := string(loc)
		if b.watchers[k] == nil {
			b.watchers[k] = map[string]bool{}
		}
		b.watchers[k][s.ID] = true
	}
	return nil
}

func cloneLocators(locs [][]byte) [][]byte {
	out := make([][]byte, len(locs))
	for i, l := range locs {
		out[i] = slices.Clone(l)
	}
	return out
}

// find returns the tenant's subscription id (any tenant's for "").
func (b *Backend) find(tenant, id string) (*sub, error) {
	s, ok := b.subs[id]
	if !ok || (tenant != "" && s.s.Tenant != tenant) {
		return nil, delivery.ErrNotFound
	}
	return s, nil
}

// forgetEnded drops the ended subscriptions kept long enough.
func (b *Backend) forgetEnded(now time.Time) {
	for id, s := range b.subs {
		if s.drop.IsZero() || now.Before(s.drop) {
			continue
		}
		delete(b.subs, id)
		delete(b.tenants[s.s.Tenant], id)
		if len(b.tenants[s.s.Tenant]) == 0 {
			delete(b.tenants, s.s.Tenant)
		}
	}
}

func (s *sub) view() delivery.Subscription {
	v := s.s
	v.Locators = cloneLocators(v.Locators)
	v.Counts.Dead = int64(len(s.dead))
	return v
}

// Get implements delivery.Subscriptions.
func (b *Backend) Get(_ context.Context, tenant, id string) (delivery.Subscription, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := b.find(tenant, id)
	if err != nil {
		return delivery.Subscription{}, err
	}
	return s.view(), nil
}

// List implements delivery.Subscriptions.
func (b *Backend) List(_ context.Context, tenant, after string, limit int) ([]delivery.Subscription, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ids := slices.Sorted(maps.Keys(b.tenants[tenant]))
	out := []delivery.Subscription{}
	for _, id := range ids {
		if id <= after {
			continue
		}
		s, err := b.find(tenant, id)
		if err != nil {
			continue
		}
		if out = append(out, s.view()); len(out) == limit {
			break
		}
	}
	return out, nil
}

// End implements delivery.Subscriptions.
func (b *Backend) End(_ context.Context, tenant, id, reason string, now time.Time, keep time.Duration) (delivery.Subscription, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := b.find(tenant, id)
	if err != nil {
		return delivery.Subscription{}, false, err
	}
	if s.s.State == delivery.StateEnded {
		return s.view(), false, nil
	}
	s.s.State, s.s.EndedReason, s.s.EndedAt = delivery.StateEnded, reason, now
	s.drop = now.Add(keep)
	for id := range s.lanes {
		delete(b.lanes, id)
		delete(b.retries, id)
	}
	s.lanes = map[string]bool{}
	s.s.Counts.Pending = 0
	for _, loc := range s.s.Locators {
		k := string(loc)
		delete(b.watchers[k], id)
		if len(b.watchers[k]) == 0 {
			delete(b.watchers, k)
			delete(b.states, k)
		}
	}
	return s.view(), true, nil
}

// SetSecret implements delivery.Subscriptions.
func (b *Backend) SetSecret(_ context.Context, tenant, id, secret string, previousUntil time.Time) (delivery.Subscription, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := b.find(tenant, id)
	if err != nil {
		return delivery.Subscription{}, err
	}
	if s.s.State != delivery.StateActive {
		return delivery.Subscription{}, delivery.ErrEnded
	}
	s.s.PreviousSecret, s.s.PreviousUntil, s.s.Secret = s.s.Secret, previousUntil, secret
	return s.view(), nil
}

// DeadLetters implements delivery.Subscriptions.
func (b *Backend) DeadLetters(_ context.Context, tenant, id string, limit int, now time.Time, keep time.Duration) ([]delivery.DeadLetter, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := b.find(tenant, id)
	if err != nil {
		return nil, err
	}
	s.pruneDead(now, keep)
	out := slices.Collect(maps.Values(s.dead))
	slices.SortFunc(out, func(x, y delivery.DeadLetter) int {
		if c := x.DiedAt.Compare(y.DiedAt); c != 0 {
			return c
		}
		return compareStrings(x.ID, y.ID)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *sub) pruneDead(now time.Time, keep time.Duration) {
	for id, d := range s.dead {
		if !now.Before(d.DiedAt.Add(keep)) {
			delete(s.dead, id)
		}
	}
}

// Replay implements delivery.Subscriptions.
func (b *Backend) Replay(_ context.Context, tenant, id string, ids []string, limit int, now time.Time) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := b.find(tenant, id)
	if err != nil {
		return 0, err
	}
	if s.s.State != delivery.StateActive {
		return 0, delivery.ErrEnded
	}
	if len(ids) == 0 {
		ids = slices.Sorted(maps.Keys(s.dead))
	}
	n := 0
	for _, dlv := range ids {
		d, ok := s.dead[dlv]
		if !ok || n == limit {
			continue
		}
		delete(s.dead, dlv)
		item := d.Delivery
		item.Replay = true
		item.Attempts, item.FirstAttemptAt, item.LastAttemptAt, item.LastError = 0, time.Time{}, time.Time{}, ""
		b.addToLane(s, item)
		n++
	}
	return n, nil
}

// addToLane queues d in its lane of s, making the lane ready when idle.
func (b *Backend) addToLane(s *sub, d delivery.Delivery) bool {
	id := laneID(s.s.ID, d.Courier, d.Locator)
	l := b.lanes[id]
	if l == nil {
		l = &lane{sub: s.s.ID, courier: d.Courier, locator: d.Locator, items: map[string]delivery.Delivery{}}
		b.lanes[id] = l
		s.lanes[id] = true
	}
	order := delivery.Order(&d)
	if _, queued := l.items[string(order)]; queued || !l.after(order) {
		return false
	}
	l.items[string(order)] = d
	s.s.Counts.Pending++
	if l.token == "" {
		b.makeReady(id, l)
	}
	return true
}
