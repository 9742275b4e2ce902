// Package deliverytest is the conformance suite every delivery.Backend
// must pass: subscriptions kept per tenant and ended, the fan-out of
// events to the lanes of their subscribers, each lane held by one attempt
// at a time and delivered in order, retries, dead letters and replays,
// lanes claimed back from an attempt that never finished, and the
// watchlist. A backend's own tests call Run with a constructor of empty
// backends.
package deliverytest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
)

// ClaimTimeout is the claim timeout the backends under test must be
// built with: a lane held longer without Finish is claimed again.
const ClaimTimeout = 300 * time.Millisecond

// Run runs the suite; newBackend returns an empty backend whose claim
// timeout is ClaimTimeout.
func Run(t *testing.T, newBackend func(t *testing.T) delivery.Backend) {
	cases := slices.Concat(subscriptionCases, queueCases, retryCases, moreRetryCases, watchCases)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.run(&fixture{t: t, b: newBackend(t), ctx: context.Background(), now: time.Now()})
		})
	}
}

type testCase struct {
	name string
	run  func(f *fixture)
}

// fixture is one backend under test and the suite's clock.
type fixture struct {
	t   *testing.T
	b   delivery.Backend
	ctx context.Context
	now time.Time
}

const keep = time.Hour

// locator returns a fresh random locator.
func locator() []byte {
	l := make([]byte, 16)
	_, _ = rand.Read(l)
	return l
}

// subscribe creates an active subscription of tenant to locs.
func (f *fixture) subscribe(tenant string, locs ...[]byte) delivery.Subscription {
	f.t.Helper()
	s := delivery.Subscription{
		ID: delivery.NewSubscriptionID(), Tenant: tenant, Locators: locs,
		CallbackURL: "https://hooks." + tenant + ".example/tg1", Secret: "s3cret-of-" + tenant + "-0123456789abcdefghij",
		State: delivery.StateActive, CreatedAt: f.now, ExpiresAt: f.now.Add(90 * 24 * time.Hour),
	}
	if err := f.b.Create(f.ctx, s, 1000); err != nil {
		f.t.Fatalf("Create: %v", err)
	}
	return s
}

func update(courier string, loc []byte, version uint64) delivery.Event {
	return delivery.Event{Courier: courier, Locator: loc, Version: version,
		Nonce: bytes.Repeat([]byte{byte(version)}, 12), Ciphertext: bytes.Repeat([]byte{byte(version)}, 384)}
}

func withdrawal(courier string, loc []byte, version uint64) delivery.Event {
	return delivery.Event{Courier: courier, Locator: loc, Version: version, Withdrawn: true}
}

// enqueue queues events and checks how many deliveries were added.
func (f *fixture) enqueue(want int, events ...delivery.Event) {
	f.t.Helper()
	n, err := f.b.Enqueue(f.ctx, events, f.now)
	if err != nil {
		f.t.Fatalf("Enqueue: %v", err)
	}
	if n != want {
		f.t.Fatalf("Enqueue added %d deliveries, want %d", n, want)
	}
}

func (f *fixture) claim(max int) []delivery.Attempt {
	f.t.Helper()
	return f.claimAs("consumer-a", max, f.now)
}

func (f *fixture) claimAs(consumer string, max int, now time.Time) []delivery.Attempt {
	f.t.Helper()
	got, err := f.b.Claim(f.ctx, consumer, max, now)
	if err != nil {
		f.t.Fatalf("Claim: %v", err)
	}
	return got
}

// finish finishes a with kind (and at, for a retry or deferral).
func (f *fixture) finish(a delivery.Attempt, kind delivery.OutcomeKind, at time.Time) {
	f.t.Helper()
	d := a.Delivery
	if kind == delivery.OutcomeRetry || kind == delivery.OutcomeDead {
		d.Attempts++
		if d.FirstAttemptAt.IsZero() {
			d.FirstAttemptAt = f.now
		}
		d.LastAttemptAt, d.LastError = f.now, "HTTP 503"
	}
	if err := f.b.Finish(f.ctx, &a, delivery.Outcome{Kind: kind, Delivery: d, At: at}, f.now); err != nil {
		f.t.Fatalf("Finish: %v", err)
	}
}

// describe names attempts as "sub:version[u|w]" in order, for messages
// and comparisons.
func describe(subs map[string]string, attempts []delivery.Attempt) []string {
	var out []string
	for _, a := range attempts {
		kind := "u"
		if a.Delivery.Withdrawn {
			kind = "w"
		}
		out = append(out, fmt.Sprintf("%s:%d%s", subs[a.Subscription.ID], a.Delivery.Version, kind))
	}
	slices.Sort(out)
	return out
}

// drain claims and delivers until nothing is ready, returning what was
// delivered in order, one lane after the other as the backend hands out.
func (f *fixture) drain(subs map[string]string) []string {
	f.t.Helper()
	var out []string
	for range 1000 {
		got := f.claim(100)
		if len(got) == 0 {
			return out
		}
		out = append(out, describe(subs, got)...)
		for _, a := range got {
			f.finish(a, delivery.OutcomeDelivered, time.Time{})
		}
	}
	f.t.Fatal("the queue never ran dry")
	return nil
}

func (f *fixture) get(tenant, id string) delivery.Subscription {
	f.t.Helper()
	s, err := f.b.Get(f.ctx, tenant, id)
	if err != nil {
		f.t.Fatalf("Get %s: %v", id, err)
	}
	return s
}

func (f *fixture) wantCounts(tenant, id string, want delivery.Counts) {
	f.t.Helper()
	if got := f.get(tenant, id).Counts; got != want {
		f.t.Fatalf("counts %+v, want %+v", got, want)
	}
}

// wantDepth checks the backend's queue depth: every delivery waiting in
// every lane of the fixture's backend.
func (f *fixture) wantDepth(want int64) {
	f.t.Helper()
	if got, err := f.b.Depth(f.ctx); err != nil || got != want {
		f.t.Fatalf("queue depth %d, %v; want %d", got, err, want)
	}
}

func wantErr(t *testing.T, err, want error, what string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}
