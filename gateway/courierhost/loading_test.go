package courierhost

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// loadingSource is a fakeSource that is an adapters.Loader, loading until
// the test says otherwise.
type loadingSource struct {
	*fakeSource
	loading atomic.Bool
}

func (s *loadingSource) Loading() bool { return s.loading.Load() }

// backlogPublisher is a fakePublisher whose acknowledgements are not yet
// the gateway's: a Backlog whose watermarks are reached when the test says.
type backlogPublisher struct {
	fakePublisher
	mu         sync.Mutex
	watermarks int
	drained    bool
}

func (p *backlogPublisher) Watermark() func() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.watermarks++
	return func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.drained
	}
}

func (p *backlogPublisher) drain() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drained = true
}

// runHost runs h in the current synctest bubble until the test ends or
// stop is called, which returns Run's error.
func runHost(t *testing.T, h *Host) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	return func() error { cancel(); return <-done }
}

func TestAPullHostLoadsUntilItsIndexIsBuiltAndAgainAfterItStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		src := newFakeSource(testParcel("SW111111111111", 1, now))
		src.listFailures = 2 // the first listings fail: the host is not ready yet
		h := mustNew(t, testConfig(t, now, src))
		if !h.Loading() {
			t.Fatal("a host that never ran is not loading")
		}
		stop := runHost(t, h)
		synctest.Wait()
		if !h.Loading() {
			t.Fatal("a host whose listing failed is not loading")
		}
		time.Sleep(time.Hour) // virtual: the retries succeed
		synctest.Wait()
		if h.Loading() {
			t.Fatal("a pull host with its index built is still loading")
		}
		stop()
		if !h.Loading() {
			t.Fatal("a host that stopped says it is done loading")
		}
	})
}

func TestAHostLoadsWhileItsAdapterDoes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &loadingSource{fakeSource: newFakeSource()}
		src.loading.Store(true)
		h := mustNew(t, testConfig(t, time.Now(), src))
		defer runHost(t, h)()
		synctest.Wait()
		if !h.Ready() || !h.Loading() {
			t.Fatalf("ready %v, loading %v: want a ready host still loading with its adapter", h.Ready(), h.Loading())
		}
		src.loading.Store(false)
		if h.Loading() {
			t.Fatal("the adapter is done but the host still loads")
		}
		src.loading.Store(true)
		if h.Loading() {
			t.Fatal("once done, the host loads again: loading is about the first records only")
		}
	})
}

func TestAPushHostLoadsUntilTheGatewayHasItsFirstRecords(t *testing.T) {
	for _, tc := range []struct {
		name string
		pub  *fakePublisher
	}{
		{"gateway down at first", &fakePublisher{failures: 2, failWith: errGatewayDown}},
		{"records refused at first", &fakePublisher{refuse: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				now := time.Now()
				src := newFakeSource(testParcel("SW111111111111", 1, now), testParcel("SW222222222222", 1, now))
				h, _, stop := runPushHost(t, src, tc.pub)
				defer stop()
				synctest.Wait()
				if !h.Ready() || !h.Loading() {
					t.Fatalf("ready %v, loading %v: want a ready host still loading while its records are not stored", h.Ready(), h.Loading())
				}
				time.Sleep(time.Hour) // virtual: every backoff and hold elapses
				synctest.Wait()
				if _, acked := tc.pub.snapshot(); len(acked) != 2 || h.Loading() {
					t.Fatalf("%d records acknowledged, loading %v: want both and done", len(acked), h.Loading())
				}
			})
		})
	}
}

func TestAPushHostWaitsForItsPublishersBacklog(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		pub := &backlogPublisher{}
		h, _, stop := runPushHost(t, newFakeSource(testParcel("SW111111111111", 1, now)), pub)
		defer stop()
		synctest.Wait()
		if !h.Loading() {
			t.Fatal("the records are in the backlog, not at the gateway, yet the host is done loading")
		}
		pub.drain()
		if h.Loading() {
			t.Fatal("the backlog drained but the host still loads")
		}
		if pub.watermarks != 1 {
			t.Errorf("%d watermarks taken; want one, once the queue had handed everything over", pub.watermarks)
		}
	})
}

func TestTheQueueMarkIgnoresLaterLocatorsButNotNewerVersions(t *testing.T) {
	now := time.Now()
	rec := func(loc byte, version uint64) crypto.SealedRecord {
		r := crypto.SealedRecord{Locator: make([]byte, crypto.LocatorSize), Version: version, Nonce: []byte{loc, byte(version)}, ExpiresAt: now.Add(time.Hour)}
		r.Locator[0] = loc
		return r
	}
	q := newPublishQueue()
	q.add([]crypto.SealedRecord{rec(1, 1)})
	mark := q.mark()
	q.add([]crypto.SealedRecord{rec(2, 1), rec(1, 2)}) // a new parcel; a newer version of the first
	batch, _ := q.next(10, now)
	var first, second []queued
	for _, it := range batch {
		if it.rec.Locator[0] == 1 {
			first = append(first, it)
		} else {
			second = append(second, it)
		}
	}
	q.ack(second)
	if !q.holdsFrom(mark) {
		t.Fatal("the first locator's newer version waits, yet the mark is passed")
	}
	q.ack(first)
	q.add([]crypto.SealedRecord{rec(3, 1)}) // a steady stream of new changes
	if q.holdsFrom(mark) {
		t.Fatal("records queued after the mark hold it up")
	}
}

func TestTheKeysAnswerSaysLoadingOnlyWhileLoading(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newHTTPFixture(t, nil)
		answer := func() map[string]json.RawMessage {
			rec := f.do(t, http.MethodGet, "/tg1/keys", nil, true)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET /tg1/keys: %d %s", rec.Code, rec.Body)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		if got := string(answer()["loading"]); got != "true" {
			t.Fatalf(`a host that has not built its index answers "loading": %q; want true`, got)
		}
		stop := runHost(t, f.host)
		synctest.Wait()
		if m := answer(); m["loading"] != nil || m["keys"] == nil {
			t.Fatalf("a host done loading answers %v; want its keys and no loading member", m)
		}
		stop()
		var res api.KeysResponse
		if err := json.Unmarshal(f.do(t, http.MethodGet, "/tg1/keys", nil, true).Body.Bytes(), &res); err != nil || !res.Loading {
			t.Fatalf("a host that stopped answers loading %v (%v); want true", res.Loading, err)
		}
	})
}
