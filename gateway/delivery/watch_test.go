package delivery_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/delivery/deliverytest"
)

// pullHost is a pull courier's host for the watcher: its records a test
// changes, and the buckets it was asked for.
type pullHost struct {
	mu      sync.Mutex
	records []crypto.SealedRecord
	asked   map[uint32]int
}

func (h *pullHost) set(recs ...crypto.SealedRecord) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = recs
}

func (h *pullHost) bucket(_ context.Context, courier string, bucket uint32) ([]crypto.SealedRecord, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.asked[bucket]++
	var out []crypto.SealedRecord
	for _, r := range h.records {
		if r.Courier == courier && crypto.Bucket(r.Locator, testBucketBits) == bucket {
			out = append(out, r)
		}
	}
	return out, nil
}

const testBucketBits = 4

func sealed(courier string, loc []byte, version uint64) crypto.SealedRecord {
	return crypto.SealedRecord{Courier: courier, Locator: loc, KeyID: make([]byte, 8), Version: version,
		Nonce: bytes.Repeat([]byte{byte(version)}, 12), Ciphertext: bytes.Repeat([]byte{byte(version)}, 384),
		ExpiresAt: time.Now().Add(time.Hour)}
}

// TestWatcherDeliversNewVersionsOfPullCouriers: a pull courier's records
// are not published, so the gateway reads its bucket of each subscribed
// locator every interval and delivers the versions it had not seen. What
// is there when the subscription starts is only noted.
func TestWatcherDeliversNewVersionsOfPullCouriers(t *testing.T) {
	host := &pullHost{asked: map[uint32]int{}}
	traffic := deliverytest.NewTraffic("global", 2)
	l0, l1 := traffic.Locators[0], traffic.Locators[1]
	host.set(sealed("global", l0, 3), sealed("other", l0, 9))
	e, counter := startEngine(t, func(c *delivery.Config) {
		c.BucketBits = testBucketBits
		c.Watch = []delivery.WatchedCourier{{ID: "global", Interval: 40 * time.Millisecond}}
		c.PullBucket = host.bucket
	})
	r := deliverytest.NewReceiver(t, secretA)
	sub := subscribe(t, e, "shop-a", r.URL, secretA, traffic.Locators)
	time.Sleep(150 * time.Millisecond) // a few rounds: version 3 is the baseline
	if n := r.Requests(); n != 0 {
		t.Fatalf("%d deliveries of what was there before the subscription", n)
	}
	host.set(sealed("global", l0, 4), sealed("global", l1, 1), sealed("other", l0, 10))
	if !deliverytest.WaitFor(5*time.Second, func() bool { return r.Distinct() == 2 }) {
		t.Fatalf("%d deliveries after two changes", r.Distinct())
	}
	host.set(sealed("global", l0, 5), sealed("global", l1, 1))
	if !deliverytest.WaitFor(5*time.Second, func() bool { return r.Distinct() == 3 }) {
		t.Fatalf("%d deliveries after a third change", r.Distinct())
	}
	time.Sleep(100 * time.Millisecond)
	got0, _ := r.Accepted(sub.ID, l0)
	got1, _ := r.Accepted(sub.ID, l1)
	if len(got0) != 2 || got0[0] != "4u" || got0[1] != "5u" || len(got1) != 1 || got1[0] != "1u" {
		t.Fatalf("delivered %v and %v, want [4u 5u] and [1u]", got0, got1)
	}
	if counter.Get(delivery.Scope{Courier: "global"}, delivery.MetricDeliveries) != 3 {
		t.Fatal("the courier's deliveries were not counted")
	}
	host.mu.Lock()
	defer host.mu.Unlock()
	want := map[uint32]bool{crypto.Bucket(l0, testBucketBits): true, crypto.Bucket(l1, testBucketBits): true}
	for b := range host.asked {
		if !want[b] {
			t.Fatalf("the watcher read bucket %d, which holds no subscribed locator", b)
		}
	}
}

// TestSubscriptionsEndWhenExpiredOrTheirParcelsAreGone: a subscription
// ends at its expires_at, or once every parcel it watched has had a
// record and none is live for the grace period.
func TestSubscriptionsEndWhenExpiredOrTheirParcelsAreGone(t *testing.T) {
	var mu sync.Mutex
	stored := map[string]bool{}
	storedBucket := func(_ context.Context, bucket uint32, _ time.Time) ([]crypto.SealedRecord, error) {
		mu.Lock()
		defer mu.Unlock()
		var out []crypto.SealedRecord
		for l := range stored {
			if crypto.Bucket([]byte(l), testBucketBits) == bucket {
				out = append(out, sealed("swift", []byte(l), 1))
			}
		}
		return out, nil
	}
	e, counter := startEngine(t, func(c *delivery.Config) {
		c.BucketBits = testBucketBits
		c.StoredBucket = storedBucket
		c.Grace = 200 * time.Millisecond
		c.EndCheck = time.Hour // rounds run by hand
	})
	ctx := t.Context()
	short, _ := e.Subscribe(ctx, "shop-a", delivery.SubscribeRequest{Locators: locators(1), CallbackURL: "http://127.0.0.1:1/", Secret: secretA})
	gone := deliverytest.NewTraffic("swift", 2)
	never := deliverytest.NewTraffic("swift", 1)
	parcels := subscribe(t, e, "shop-a", "http://127.0.0.1:1/", secretA, gone.Locators)
	mixed := subscribe(t, e, "shop-b", "http://127.0.0.1:1/", secretB, append(never.Locators, gone.Locators[0]))
	mu.Lock()
	for _, l := range gone.Locators {
		stored[string(l)] = true
	}
	mu.Unlock()
	if err := e.EndRound(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	clear(stored)
	mu.Unlock()
	if err := e.EndRound(ctx); err != nil { // notes them gone
		t.Fatal(err)
	}
	state := func(id, tenant string) delivery.Subscription {
		s, err := e.Subscription(ctx, tenant, id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if state(parcels.ID, "shop-a").State != delivery.StateActive {
		t.Fatal("ended before the grace period")
	}
	time.Sleep(250 * time.Millisecond)
	if err := e.EndRound(ctx); err != nil {
		t.Fatal(err)
	}
	if s := state(parcels.ID, "shop-a"); s.State != delivery.StateEnded || s.EndedReason != delivery.EndedExpired {
		t.Fatalf("a subscription of gone parcels is %s (%s)", s.State, s.EndedReason)
	}
	if state(mixed.ID, "shop-b").State != delivery.StateActive {
		t.Fatal("a subscription with a parcel never seen ended")
	}
	if state(short.ID, "shop-a").State != delivery.StateActive {
		t.Fatal("a subscription ended before its expiry")
	}
	if got := counter.Get(delivery.Scope{Tenant: "shop-a"}, delivery.MetricSubscriptionsEnded); got != 1 {
		t.Fatalf("counted %d ended, want 1", got)
	}
}

func TestSubscriptionsEndAtTheirExpiry(t *testing.T) {
	e, counter := startEngine(t, func(c *delivery.Config) {
		c.Lifetime = 100 * time.Millisecond
		c.EndCheck = 50 * time.Millisecond
		c.StoredBucket = func(context.Context, uint32, time.Time) ([]crypto.SealedRecord, error) { return nil, nil }
	})
	s := subscribe(t, e, "shop-a", "http://127.0.0.1:1/", secretA, locators(1))
	if !deliverytest.WaitFor(5*time.Second, func() bool {
		got, _ := e.Subscription(t.Context(), "shop-a", s.ID)
		return got.State == delivery.StateEnded
	}) {
		t.Fatal("the subscription did not end at its expiry")
	}
	got, _ := e.Subscription(t.Context(), "shop-a", s.ID)
	if got.EndedReason != delivery.EndedExpired || counter.Get(delivery.Scope{Tenant: "shop-a"}, delivery.MetricSubscriptionsEnded) != 1 {
		t.Fatalf("ended %q, counted %d", got.EndedReason, counter.Get(delivery.Scope{Tenant: "shop-a"}, delivery.MetricSubscriptionsEnded))
	}
}
