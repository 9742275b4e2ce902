package memory

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
)

// Enqueue implements delivery.Queue.
func (b *Backend) Enqueue(_ context.Context, events []delivery.Event, _ time.Time) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, e := range events {
		for _, id := range slices.Sorted(maps.Keys(b.watchers[string(e.Locator)])) {
			s := b.subs[id]
			if s == nil || s.s.State != delivery.StateActive {
				continue
			}
			e := e
			e.Locator = slices.Clone(e.Locator)
			if b.addToLane(s, delivery.Delivery{ID: delivery.NewDeliveryID(), Event: e}) {
				n++
			}
		}
	}
	return n, nil
}

// Claim implements delivery.Queue.
func (b *Backend) Claim(_ context.Context, consumer string, max int, now time.Time) ([]delivery.Attempt, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []delivery.Attempt
	// Lanes held too long by an attempt that never finished first.
	for token, h := range b.held {
		if len(out) == max {
			return out, nil
		}
		if now.Sub(h.since) < b.claimTimeout {
			continue
		}
		delete(b.held, token)
		if a, ok := b.begin(h.lane, token, now); ok {
			out = append(out, a)
		}
	}
	for len(out) < max && len(b.ready) > 0 {
		e := b.ready[0]
		b.ready = b.ready[1:]
		if a, ok := b.begin(e.lane, e.token, now); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// begin hands out the first delivery of a lane whose entry carries
// token, holding the lane, or drops what is no longer wanted.
func (b *Backend) begin(id, token string, now time.Time) (delivery.Attempt, bool) {
	l := b.lanes[id]
	if l == nil || l.token != token {
		return delivery.Attempt{}, false
	}
	s := b.subs[l.sub]
	for {
		key := l.head()
		if key == "" {
			l.token = ""
			return delivery.Attempt{}, false
		}
		d := l.items[key]
		if l.after([]byte(key)) {
			b.held[token] = heldEntry{lane: id, since: now}
			view := s.s
			view.Locators, view.Counts = nil, delivery.Counts{}
			return delivery.Attempt{Lane: id, Token: token, Delivery: d, Subscription: view}, true
		}
		delete(l.items, key) // overtaken by a later version, finished first
		s.s.Counts.Pending--
	}
}

// Finish implements delivery.Queue.
func (b *Backend) Finish(_ context.Context, a *delivery.Attempt, o delivery.Outcome, now time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.held, a.Token)
	l := b.lanes[a.Lane]
	if l == nil || l.token != a.Token {
		return delivery.ErrStale
	}
	s := b.subs[l.sub]
	key := string(delivery.Order(&a.Delivery))
	switch o.Kind {
	case delivery.OutcomeDelivered, delivery.OutcomeDead:
		if _, ok := l.items[key]; ok {
			delete(l.items, key)
			s.s.Counts.Pending--
		}
		l.finished([]byte(key))
		if o.Kind == delivery.OutcomeDelivered {
			s.s.Counts.Delivered++
		} else {
			d := o.Delivery
			d.Replay = false
			s.dead[d.ID] = delivery.DeadLetter{Delivery: d, DiedAt: now}
		}
		l.token = ""
		if len(l.items) > 0 {
			b.makeReady(a.Lane, l)
		}
	case delivery.OutcomeRetry, delivery.OutcomeDefer:
		if o.Kind == delivery.OutcomeRetry {
			if _, ok := l.items[key]; ok {
				l.items[key] = o.Delivery
			}
		}
		l.token = retryToken
		b.retries[a.Lane] = o.At
	}
	return nil
}

// Promote implements delivery.Queue.
func (b *Backend) Promote(_ context.Context, now time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	due := []string{}
	for id, at := range b.retries {
		if !at.After(now) {
			due = append(due, id)
		}
	}
	slices.SortFunc(due, func(x, y string) int { return b.retries[x].Compare(b.retries[y]) })
	for _, id := range due {
		delete(b.retries, id)
		if l := b.lanes[id]; l != nil && l.token == retryToken {
			b.makeReady(id, l)
		}
	}
	return nil
}

// Depth implements delivery.Queue: the subscriptions' pending counts.
func (b *Backend) Depth(context.Context) (int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var n int64
	for _, s := range b.subs {
		n += s.s.Counts.Pending
	}
	return n, nil
}
