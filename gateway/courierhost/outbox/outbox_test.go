package outbox

import (
	"context"
	"errors"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
)

func TestPublishKeepsTheNewestVersionPerLocator(t *testing.T) {
	tests := []struct {
		name        string
		versions    []uint64 // published one after the other, same locator
		wantPending uint64
		wantStale   int
	}{
		{"newer replaces older", []uint64{1, 2, 5}, 5, 0},
		{"older never replaces newer", []uint64{5, 3}, 5, 1},
		{"the same version again is stale", []uint64{4, 4}, 4, 1},
		{"mixed order", []uint64{2, 7, 1, 6, 8, 8}, 8, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, _ := openTest(t, newFakeGateway(0))
			defer o.Close()
			stale := 0
			for _, v := range tt.versions {
				stale += mustPublish(t, o, record(t, 1, v, farFuture)).Stale
			}
			if stale != tt.wantStale {
				t.Errorf("%d publishes counted stale, want %d", stale, tt.wantStale)
			}
			if o.Pending() != 1 {
				t.Errorf("Pending() = %d, want 1", o.Pending())
			}
			batch, err := o.next(o.opts.maxBatchBytes)
			if err != nil || len(batch) != 1 || batch[0].Version != tt.wantPending {
				t.Fatalf("pending %v (err %v), want version %d", batch, err, tt.wantPending)
			}
		})
	}
}

func TestPublishAcknowledgesEveryRecordOnlyAfterWritingIt(t *testing.T) {
	o, path := openTest(t, newFakeGateway(0))
	records := []crypto.SealedRecord{record(t, 1, 1, farFuture), record(t, 2, 1, farFuture), record(t, 1, 2, farFuture)}
	res := mustPublish(t, o, records...)
	if res.Stored+res.Stale != len(records) || res.Stored != 3 {
		t.Errorf("answer %+v, want all 3 stored (the second version of locator 1 replaces the first in the same call)", res)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	o = reopen(t, path, newFakeGateway(0))
	defer o.Close()
	if o.Pending() != 2 {
		t.Errorf("after reopening, Pending() = %d, want 2", o.Pending())
	}
}

func TestPublishRefusesMalformedRecordsAndWritesNothing(t *testing.T) {
	o, _ := openTest(t, newFakeGateway(0))
	defer o.Close()
	bad := record(t, 2, 1, farFuture)
	bad.Nonce = bad.Nonce[:5]
	if _, err := o.Publish(context.Background(), api.Records{Records: []crypto.SealedRecord{record(t, 1, 1, farFuture), bad}}); !errors.Is(err, crypto.ErrInvalidRecord) {
		t.Fatalf("err = %v, want ErrInvalidRecord", err)
	}
	if o.Pending() != 0 {
		t.Errorf("a refused batch left %d records", o.Pending())
	}
}

func TestOutboxFileIsCreated0600(t *testing.T) {
	o, path := openTest(t, newFakeGateway(0))
	defer o.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", st.Mode().Perm())
	}
}

func TestRecordsSurviveCloseAndReopen(t *testing.T) {
	// The first process publishes while the gateway is down, then stops.
	down := newFakeGateway(1 << 30)
	o, path := openTest(t, down)
	for n := range uint32(50) {
		mustPublish(t, o, record(t, n, uint64(n)+1, farFuture))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	for down.callCount() < 3 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}

	// The next one finds them and sends them once the gateway is back.
	gw := newFakeGateway(0)
	o = reopen(t, path, gw)
	defer o.Close()
	if o.Pending() != 50 {
		t.Fatalf("after reopening, Pending() = %d, want 50", o.Pending())
	}
	runOutbox(t, o)
	waitDrained(t, o)
	got := gw.versions()
	for n := range uint32(50) {
		if got[n] != uint64(n)+1 {
			t.Errorf("locator %d: gateway holds version %d, want %d", n, got[n], n+1)
		}
	}
}

// partialGateway acknowledges fewer records than it was sent, once.
type partialGateway struct {
	*fakeGateway
	short atomic.Bool
}

func (p *partialGateway) Publish(ctx context.Context, batch api.Records) (api.PublishResponse, error) {
	res, err := p.fakeGateway.Publish(ctx, batch)
	if err == nil && p.short.CompareAndSwap(false, true) {
		res.Stored--
		res.Results = res.Results[1:]
	}
	return res, err
}

func TestRunRetriesUntilTheGatewayAcknowledgesEverything(t *testing.T) {
	tests := []struct {
		name      string
		gateway   func() (courierhost.Publisher, *fakeGateway)
		wantCalls int
	}{
		{"gateway down five times", func() (courierhost.Publisher, *fakeGateway) {
			g := newFakeGateway(5)
			return g, g
		}, 6},
		{"gateway answers 503 twice", func() (courierhost.Publisher, *fakeGateway) {
			g := newFakeGateway(2)
			g.failWith = &courierhost.PublishError{StatusCode: http.StatusServiceUnavailable}
			return g, g
		}, 3},
		{"gateway refuses the signature, then its operator registers the key", func() (courierhost.Publisher, *fakeGateway) {
			g := newFakeGateway(1)
			g.failWith = &courierhost.PublishError{StatusCode: http.StatusUnauthorized}
			return g, g
		}, 2},
		{"gateway acknowledges one record short", func() (courierhost.Publisher, *fakeGateway) {
			g := newFakeGateway(0)
			return &partialGateway{fakeGateway: g}, g
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub, gw := tt.gateway()
			o, _ := openTest(t, pub)
			defer o.Close()
			for n := range uint32(10) {
				mustPublish(t, o, record(t, n, 1, farFuture))
			}
			runOutbox(t, o)
			waitDrained(t, o)
			if got := len(gw.versions()); got != 10 {
				t.Errorf("gateway holds %d records, want 10", got)
			}
			if gw.callCount() != tt.wantCalls {
				t.Errorf("%d publishes, want %d", gw.callCount(), tt.wantCalls)
			}
		})
	}
}

func TestBatchesStayWithinTheCaps(t *testing.T) {
	one := record(t, 0, 1, farFuture)
	tests := []struct {
		name     string
		records  int
		opts     []Option
		maxBatch int
	}{
		{"record count", 2*crypto.MaxPublishSize + 10, nil, crypto.MaxPublishSize},
		{"bytes", 40, []Option{WithMaxBatchBytes(5 * len(mustJSON(t, one)))}, 4},
		{"one record larger than the byte cap still goes", 3, []Option{WithMaxBatchBytes(10)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gw := newFakeGateway(0)
			o, _ := openTest(t, gw, tt.opts...)
			defer o.Close()
			var records []crypto.SealedRecord
			for n := range uint32(tt.records) {
				records = append(records, record(t, n, 1, farFuture))
			}
			mustPublish(t, o, records...)
			runOutbox(t, o)
			waitDrained(t, o)
			if got := len(gw.versions()); got != tt.records {
				t.Fatalf("gateway holds %d records, want %d", got, tt.records)
			}
			gw.mu.Lock()
			defer gw.mu.Unlock()
			for _, n := range gw.sizes {
				if n > tt.maxBatch || n == 0 {
					t.Errorf("a batch of %d records; want 1 to %d", n, tt.maxBatch)
				}
			}
		})
	}
}

func TestBatchesShrinkWhenTheGatewaySaysTooLarge(t *testing.T) {
	gw := newFakeGateway(0)
	gw.maxBytes = 6 * len(mustJSON(t, record(t, 0, 1, farFuture)))
	o, _ := openTest(t, gw)
	defer o.Close()
	for n := range uint32(40) {
		mustPublish(t, o, record(t, n, 1, farFuture))
	}
	runOutbox(t, o)
	waitDrained(t, o)
	if got := len(gw.versions()); got != 40 {
		t.Errorf("gateway holds %d records, want 40", got)
	}
}

func TestARecordReplacedInFlightStaysUntilItsOwnAcknowledgement(t *testing.T) {
	gw := newFakeGateway(0)
	gw.hold, gw.entered = make(chan struct{}), make(chan struct{}, 1)
	o, _ := openTest(t, gw)
	defer o.Close()
	mustPublish(t, o, record(t, 7, 1, farFuture))
	runOutbox(t, o)
	<-gw.entered // version 1 is in flight
	mustPublish(t, o, record(t, 7, 2, farFuture))
	close(gw.hold)
	waitDrained(t, o)
	if v := gw.versions()[7]; v != 2 {
		t.Errorf("gateway holds version %d, want 2: the acknowledgement of version 1 removed version 2", v)
	}
}

func TestExpiredRecordsAreDropped(t *testing.T) {
	var now atomic.Pointer[time.Time]
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	now.Store(&start)
	clock := WithClock(func() time.Time { return *now.Load() })
	gw := newFakeGateway(0)
	o, _ := openTest(t, gw, clock)
	defer o.Close()

	if res := mustPublish(t, o, record(t, 1, 1, start.Add(-time.Second))); res.Stale != 1 || o.Pending() != 0 {
		t.Errorf("an expired record: answer %+v, %d pending; want stale and nothing kept", res, o.Pending())
	}
	for n := range uint32(5) {
		mustPublish(t, o, record(t, n, 1, start.Add(time.Hour)))
	}
	later := start.Add(2 * time.Hour)
	now.Store(&later)
	runOutbox(t, o)
	waitDrained(t, o)
	if gw.callCount() != 0 {
		t.Errorf("%d publishes of expired records, want none", gw.callCount())
	}
}

func TestConcurrentPublishAndDrainLoseNothing(t *testing.T) {
	gw := newFakeGateway(3)
	o, _ := openTest(t, gw)
	defer o.Close()
	runOutbox(t, o)
	const writers, locatorsEach, versions = 6, 20, 12
	var wg sync.WaitGroup
	for w := range uint32(writers) {
		wg.Go(func() {
			for v := uint64(1); v <= versions; v++ {
				var batch []crypto.SealedRecord
				for i := range uint32(locatorsEach) {
					batch = append(batch, record(t, w*locatorsEach+i, v, farFuture))
				}
				if _, err := o.Publish(context.Background(), api.Records{Records: batch}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	waitDrained(t, o)
	got := gw.versions()
	if len(got) != writers*locatorsEach {
		t.Fatalf("gateway holds %d locators, want %d", len(got), writers*locatorsEach)
	}
	for n, v := range got {
		if v != versions {
			t.Errorf("locator %d: gateway holds version %d, want %d", n, v, versions)
		}
	}
}

func TestRunRefusesASecondRun(t *testing.T) {
	o, _ := openTest(t, newFakeGateway(0))
	defer o.Close()
	runOutbox(t, o)
	for !o.running.Load() {
		time.Sleep(time.Millisecond)
	}
	if err := o.Run(context.Background()); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("second Run: %v, want ErrAlreadyRunning", err)
	}
}

// A record the gateway refuses (a limit reached) is not delivered
// (docs/protocol.md §7): it stays in the outbox, held back, while the
// others are acknowledged, and goes again after the hold.
func TestRunKeepsRefusedRecordsInTheOutbox(t *testing.T) {
	gw := newFakeGateway(0)
	gw.refuse = 1
	o, _ := openTest(t, gw, WithRetry(time.Millisecond, 50*time.Millisecond))
	defer o.Close()
	for n := range uint32(3) {
		mustPublish(t, o, record(t, n, 1, farFuture))
	}
	runOutbox(t, o)
	waitDrained(t, o)
	if got := len(gw.versions()); got != 3 {
		t.Errorf("gateway holds %d records, want all 3 after the refused one went again", got)
	}
	if gw.callCount() != 2 {
		t.Errorf("%d publishes, want 2: the batch, then the refused record alone", gw.callCount())
	}
}
