package watchlist

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// fakeClock is a Clock that moves only when a test advances it.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

var epoch = time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)

func newFakeClock() *fakeClock { return &fakeClock{now: epoch} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) At(t time.Time) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if !t.After(c.now) {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{t, ch})
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			kept = append(kept, w)
		} else {
			w.ch <- c.now
		}
	}
	c.waiters = kept
}

// answer is one scripted outcome of a lookup.
type answer struct {
	parcel adapters.Parcel
	err    error
}

// scripted is a query-only Source that answers each parcel from a
// script, the last answer repeating, and reports every lookup on calls.
type scripted struct {
	mu      sync.Mutex
	answers map[string][]answer
	holds   map[string]chan struct{} // lookups of a number wait until closed
	calls   chan adapters.ParcelRef
}

func newScripted() *scripted {
	return &scripted{answers: map[string][]answer{}, holds: map[string]chan struct{}{}, calls: make(chan adapters.ParcelRef, 1000)}
}

// hold makes lookups of tn wait, once they are reported on calls, until
// release is called.
func (s *scripted) hold(tn string) (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.holds[tn] = ch
	return sync.OnceFunc(func() { close(ch) })
}

func (s *scripted) script(tn string, answers ...answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers[tn] = append(s.answers[tn], answers...)
}

func (s *scripted) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	s.mu.Lock()
	queue := s.answers[ref.TrackingNumber]
	a := answer{err: fmt.Errorf("scripted: %w", adapters.ErrNotFound)}
	if len(queue) > 0 {
		a = queue[0]
		if len(queue) > 1 {
			s.answers[ref.TrackingNumber] = queue[1:]
		}
	}
	hold := s.holds[ref.TrackingNumber]
	s.mu.Unlock()
	s.calls <- ref
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return adapters.Parcel{}, ctx.Err()
		}
	}
	return a.parcel, a.err
}

// nextCall waits for the next lookup, failing the test if none comes.
func (s *scripted) nextCall(t *testing.T) adapters.ParcelRef {
	t.Helper()
	select {
	case ref := <-s.calls:
		return ref
	case <-time.After(10 * time.Second):
		t.Fatal("no lookup came")
		return adapters.ParcelRef{}
	}
}

// found is a parcel with n events, the adapter's version n, status st.
func found(tn string, n int, st adapters.Status, factors ...string) answer {
	t0 := epoch.Add(-48 * time.Hour)
	v := adapters.View{Courier: "sf-express", TrackingNumber: tn, Status: st}
	for i := range n {
		v.Events = append(v.Events, adapters.Event{Time: t0.Add(time.Duration(i) * time.Hour), Status: adapters.StatusInTransit, Description: fmt.Sprintf("scan %d", i)})
	}
	v.Events[n-1].Status = st
	v.UpdatedAt = v.Events[n-1].Time
	return answer{parcel: adapters.Parcel{Factors: factors, Version: uint64(n), View: v}}
}

func failed(err error) answer { return answer{err: fmt.Errorf("scripted: %w", err)} }
