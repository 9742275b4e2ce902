package outbox

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
)

const testCourier = "sim-swift"

// farFuture is an expiry no test reaches.
var farFuture = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)

// record is a well-formed sealed record for locator number n at version.
func record(t testing.TB, n uint32, version uint64, expires time.Time) crypto.SealedRecord {
	t.Helper()
	r, err := makeRecord(n, version, expires)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func makeRecord(n uint32, version uint64, expires time.Time) (crypto.SealedRecord, error) {
	locator := make([]byte, crypto.LocatorSize)
	binary.BigEndian.PutUint32(locator, n)
	r := crypto.SealedRecord{
		Courier: testCourier, Locator: locator, KeyID: make([]byte, crypto.KeyIDSize),
		Version: version, ExpiresAt: expires,
	}
	err := crypto.Seal(make([]byte, crypto.RecordKeySize), &r, []byte(`{}`), crypto.DefaultRecordSize, rand.Reader)
	return r, err
}

func locatorNumber(r *crypto.SealedRecord) uint32 { return binary.BigEndian.Uint32(r.Locator) }

// fakeGateway is a gateway's publish route: it keeps the newest version
// per locator and acknowledges like the store does. It fails the first
// failures calls, with failWith (a network-like error by default).
type fakeGateway struct {
	mu       sync.Mutex
	stored   map[uint32]crypto.SealedRecord
	calls    int
	sizes    []int
	failures int
	failWith error
	// maxBytes, when positive, refuses larger bodies with 413, as a
	// gateway's max_publish_bytes does.
	maxBytes int
	refuse   int // refuse this many records, one by one, before storing any
	// hold, when not nil, is waited on at the start of each call, so a
	// test can act while a batch is in flight; entered is signalled first.
	hold    chan struct{}
	entered chan struct{}
}

var errGatewayDown = errors.New("connection refused")

func newFakeGateway(failures int) *fakeGateway {
	return &fakeGateway{stored: map[uint32]crypto.SealedRecord{}, failures: failures}
}

func (g *fakeGateway) Publish(ctx context.Context, batch api.Records) (api.PublishResponse, error) {
	records := batch.Records
	if g.hold != nil {
		g.entered <- struct{}{}
		select {
		case <-g.hold:
		case <-ctx.Done():
			return api.PublishResponse{}, ctx.Err()
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls++
	if body, _ := json.Marshal(api.Records{Records: records}); g.maxBytes > 0 && len(body) > g.maxBytes {
		return api.PublishResponse{}, &courierhost.PublishError{StatusCode: http.StatusRequestEntityTooLarge}
	}
	g.sizes = append(g.sizes, len(records))
	if g.failures > 0 {
		g.failures--
		if g.failWith != nil {
			return api.PublishResponse{}, g.failWith
		}
		return api.PublishResponse{}, errGatewayDown
	}
	var res api.PublishResponse
	for _, r := range records {
		n := locatorNumber(&r)
		if g.refuse > 0 {
			g.refuse--
			res.Refused++
			res.Results = append(res.Results, api.ItemResult{Status: api.ItemRefused, Limit: "courier_records", Detail: "quota"})
			continue
		}
		if cur, ok := g.stored[n]; ok && cur.Version >= r.Version {
			res.Stale++
			res.Results = append(res.Results, api.ItemResult{Status: api.ItemStale})
			continue
		}
		g.stored[n] = r
		res.Stored++
		res.Results = append(res.Results, api.ItemResult{Status: api.ItemStored})
	}
	return res, nil
}

func (g *fakeGateway) versions() map[uint32]uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := map[uint32]uint64{}
	for n, r := range g.stored {
		out[n] = r.Version
	}
	return out
}

func (g *fakeGateway) callCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls
}

var _ courierhost.Publisher = (*fakeGateway)(nil)

// openTest opens an outbox in a fresh directory with fast retries.
func openTest(t *testing.T, gw courierhost.Publisher, opts ...Option) (*Outbox, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "outbox.db")
	return reopen(t, path, gw, opts...), path
}

func reopen(t *testing.T, path string, gw courierhost.Publisher, opts ...Option) *Outbox {
	t.Helper()
	o, err := Open(path, gw, append([]Option{WithRetry(time.Millisecond, 10*time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// runOutbox runs o until the test ends.
func runOutbox(t *testing.T, o *Outbox) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	})
}

// waitDrained waits (bounded) until nothing is pending.
func waitDrained(t *testing.T, o *Outbox) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for o.Pending() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("outbox not drained: %d records pending", o.Pending())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func mustPublish(t testing.TB, o *Outbox, records ...crypto.SealedRecord) api.PublishResponse {
	t.Helper()
	res, err := o.Publish(context.Background(), api.Records{Records: records})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
