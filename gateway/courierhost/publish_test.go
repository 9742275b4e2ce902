package courierhost

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// runPushHost starts a push-mode host over src and pub in the current
// synctest bubble and returns it with a stop function that ends Run and
// returns its error.
func runPushHost(t *testing.T, src adapters.Source, pub Publisher) (*Host, Config, func() error) {
	t.Helper()
	cfg := testConfig(t, time.Now(), src)
	cfg.Mode = api.ModePush
	cfg.Publisher = pub
	h := mustNew(t, cfg)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- h.Run(ctx) }()
	return h, cfg, func() error { cancel(); return <-done }
}

// indexedVersions is what the host's index holds: locator → version.
func indexedVersions(h *Host) map[locatorKey]uint64 {
	h.index.mu.RLock()
	defer h.index.mu.RUnlock()
	out := map[locatorKey]uint64{}
	for loc, r := range h.index.records {
		out[loc] = r.Version
	}
	return out
}

func sameVersions(a, b map[locatorKey]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestPublishRetriesUntilAcknowledged(t *testing.T) {
	tests := []struct {
		name      string
		pub       *fakePublisher
		wantCalls int
	}{
		{"acknowledged at once", &fakePublisher{}, 1},
		{"gateway down three times", &fakePublisher{failures: 3, failWith: errGatewayDown}, 4},
		{"gateway answers 503 twice", &fakePublisher{failures: 2, failWith: &PublishError{StatusCode: 503}}, 3},
		{"gateway refuses with 400 once", &fakePublisher{failures: 1, failWith: &PublishError{StatusCode: 400}}, 2},
		{"stale counts as acknowledged", &fakePublisher{stale: true}, 1},
		{"one record short is retried", &fakePublisher{short: 1}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				now := time.Now()
				src := newFakeSource(testParcel("SW111111111111", 1, now), testParcel("SW222222222222", 4, now), testParcel("SW333333333333", 2, now))
				h, _, stop := runPushHost(t, src, tt.pub)
				time.Sleep(time.Hour) // virtual: every backoff elapses
				synctest.Wait()

				calls, acked := tt.pub.snapshot()
				if len(calls) != tt.wantCalls {
					t.Errorf("%d publish calls, want %d", len(calls), tt.wantCalls)
				}
				for i, c := range calls {
					if len(c) != 3 {
						t.Errorf("call %d sent %d records, want all 3 again", i, len(c))
					}
				}
				want := indexedVersions(h)
				if len(want) != 3 || !sameVersions(acked, want) {
					t.Errorf("acknowledged %v, want exactly the index %v", acked, want)
				}
				if n := h.queue.len(); n != 0 {
					t.Errorf("%d records still queued after acknowledgement", n)
				}
				if err := stop(); !errors.Is(err, context.Canceled) {
					t.Errorf("Run: %v", err)
				}
			})
		})
	}
}

// A refused record is not delivered (docs/protocol.md §7): it stays queued,
// held back, and goes again later, without holding up the queue.
func TestPublishKeepsRefusedRecordsQueued(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pub := &fakePublisher{refuse: 1}
		h, _, stop := runPushHost(t, newFakeSource(testParcel("SW111111111111", 1, time.Now())), pub)
		time.Sleep(time.Second)
		synctest.Wait()
		calls, acked := pub.snapshot()
		if len(calls) != 1 || len(acked) != 0 || h.queue.len() != 1 {
			t.Fatalf("after a refusal: %d calls, %d acknowledged, %d queued; want 1, 0, 1", len(calls), len(acked), h.queue.len())
		}
		time.Sleep(retryMax)
		synctest.Wait()
		calls, acked = pub.snapshot()
		if len(calls) != 2 || len(acked) != 1 || h.queue.len() != 0 {
			t.Errorf("after the hold: %d calls, %d acknowledged, %d queued; want 2, 1, 0", len(calls), len(acked), h.queue.len())
		}
		stop()
	})
}

func TestPublishRetryStopsWhenContextEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pub := &fakePublisher{failures: 1 << 30, failWith: errGatewayDown}
		h, _, stop := runPushHost(t, newFakeSource(testParcel("SW111111111111", 1, time.Now())), pub)
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		before, _ := pub.snapshot()
		if len(before) < 3 {
			t.Fatalf("%d attempts in 10 minutes, want retries", len(before))
		}
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v", err)
		}
		time.Sleep(time.Hour)
		synctest.Wait()
		after, _ := pub.snapshot()
		if len(after) != len(before) {
			t.Errorf("%d publish attempts after Run returned", len(after)-len(before))
		}
		if h.queue.len() != 1 {
			t.Errorf("unacknowledged record left the queue")
		}
	})
}

func TestPublishRetriesWithGrowingBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pub := &fakePublisher{failures: 1 << 30, failWith: errGatewayDown}
		_, _, stop := runPushHost(t, newFakeSource(testParcel("SW111111111111", 1, time.Now())), pub)
		// The waits before attempts 2, 3, … lie in [0.5, 1], [1, 2], [2, 4],
		// … s: in 500 s at least 9 attempts fit (the longest 8 waits add up
		// to 255 s) and at most 11 (the shortest 11 add up to 555.5 s).
		time.Sleep(500 * time.Second)
		synctest.Wait()
		calls, _ := pub.snapshot()
		if len(calls) < 9 || len(calls) > 11 {
			t.Errorf("%d attempts in 500 s; backoff is not growing as expected", len(calls))
		}
		stop()
	})
}

func TestWatchedVersionsArePublished(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		src := newFakeSource(testParcel("SW111111111111", 1, now))
		pub := &fakePublisher{}
		h, _, stop := runPushHost(t, src, pub)
		synctest.Wait()

		p := testParcel("SW111111111111", 2, now)
		p.View.Status = adapters.StatusOutForDelivery
		src.changes <- p
		src.changes <- testParcel("SW222222222222", 1, now)
		synctest.Wait()

		calls, acked := pub.snapshot()
		want := indexedVersions(h)
		if len(want) != 2 || !sameVersions(acked, want) {
			t.Errorf("acknowledged %v, want the index %v", acked, want)
		}
		versions := map[uint64]int{}
		for _, c := range calls {
			for _, r := range c {
				versions[r.Version]++
			}
		}
		if versions[2] != 1 || versions[1] != 2 {
			t.Errorf("published versions %v, want v1 twice (two parcels) and v2 once", versions)
		}
		stop()
	})
}

func TestPublishQueueBatchesAtMostMaxPublishSize(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	q := newPublishQueue()
	const n = 2*crypto.MaxPublishSize + 500
	recs := make([]crypto.SealedRecord, n)
	for i := range recs {
		loc := make([]byte, crypto.LocatorSize)
		copy(loc, fmt.Sprintf("%016d", i))
		recs[i] = crypto.SealedRecord{Locator: loc, Version: 1, Nonce: []byte{byte(i)}, ExpiresAt: now.Add(time.Hour)}
	}
	q.add(recs)
	var sizes []int
	seen := map[locatorKey]bool{}
	for range 5 {
		batch, _ := q.next(crypto.MaxPublishSize, now)
		if len(batch) == 0 {
			break
		}
		sizes = append(sizes, len(batch))
		for _, r := range batch {
			if seen[locatorKey(r.rec.Locator)] {
				t.Fatal("an acknowledged record came back")
			}
			seen[locatorKey(r.rec.Locator)] = true
		}
		q.ack(batch)
	}
	if fmt.Sprint(sizes) != "[1000 1000 500]" {
		t.Errorf("batch sizes %v, want [1000 1000 500]", sizes)
	}
}

func TestPublishQueueKeepsANewerVersionAcknowledgedInFlight(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	q := newPublishQueue()
	loc := make([]byte, crypto.LocatorSize)
	v1 := crypto.SealedRecord{Locator: loc, Version: 1, Nonce: []byte{1}, ExpiresAt: now.Add(time.Hour)}
	v2 := crypto.SealedRecord{Locator: loc, Version: 2, Nonce: []byte{2}, ExpiresAt: now.Add(time.Hour)}
	q.add([]crypto.SealedRecord{v1})
	inFlight, _ := q.next(10, now)
	q.add([]crypto.SealedRecord{v2})
	q.add([]crypto.SealedRecord{v1}) // an older version never replaces a newer one
	q.ack(inFlight)
	left, _ := q.next(10, now)
	if len(left) != 1 || left[0].rec.Version != 2 {
		t.Errorf("queue holds %v, want version 2 only", left)
	}
}

func TestPublishQueueDropsExpiredRecords(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	q := newPublishQueue()
	q.add([]crypto.SealedRecord{{Locator: make([]byte, crypto.LocatorSize), Version: 1, ExpiresAt: now}})
	if got, _ := q.next(10, now); len(got) != 0 || q.len() != 0 {
		t.Errorf("expired record still queued")
	}
}

func TestBackoffStaysWithinItsBounds(t *testing.T) {
	tests := []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, 500 * time.Millisecond, time.Second},
		{2, time.Second, 2 * time.Second},
		{5, 8 * time.Second, 16 * time.Second},
		{9, 128 * time.Second, 256 * time.Second},
		{10, 150 * time.Second, 300 * time.Second},
		{64, 150 * time.Second, 300 * time.Second},
		{1 << 20, 150 * time.Second, 300 * time.Second},
	}
	for _, tt := range tests {
		for range 50 {
			if d := backoff(tt.attempt, retryBase, retryMax); d < tt.min || d > tt.max {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", tt.attempt, d, tt.min, tt.max)
			}
		}
	}
}
