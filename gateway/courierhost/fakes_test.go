package courierhost

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

const testCourier = "test-courier"

// fakeSource is a scripted adapter. Parcels lists what it holds (failing
// the first listFailures times); Watch delivers what tests send on
// changes and, when endWatch holds a value, ends early once.
type fakeSource struct {
	mu           sync.Mutex
	parcels      []adapters.Parcel
	listFailures int
	lists        int

	changes  chan adapters.Parcel
	endWatch chan error
}

func newFakeSource(parcels ...adapters.Parcel) *fakeSource {
	return &fakeSource{parcels: parcels, changes: make(chan adapters.Parcel), endWatch: make(chan error, 1)}
}

func (s *fakeSource) Lookup(_ context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	tn := ref.TrackingNumber
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.parcels {
		if p.View.TrackingNumber == tn {
			return p, nil
		}
	}
	return adapters.Parcel{}, adapters.ErrNotFound
}

func (s *fakeSource) Parcels(ctx context.Context, yield func(adapters.Parcel) bool) error {
	s.mu.Lock()
	s.lists++
	if s.listFailures > 0 {
		s.listFailures--
		s.mu.Unlock()
		return adapters.ErrUnavailable
	}
	parcels := append([]adapters.Parcel(nil), s.parcels...)
	s.mu.Unlock()
	for _, p := range parcels {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !yield(p) {
			return nil
		}
	}
	return nil
}

func (s *fakeSource) Watch(ctx context.Context, changed func(adapters.Parcel)) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-s.endWatch:
			return err
		case p := <-s.changes:
			s.mu.Lock()
			s.parcels = append(s.parcels, p)
			s.mu.Unlock()
			changed(p)
		}
	}
}

func (s *fakeSource) listCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lists
}

// lookupOnly can only Lookup; listerOnly can also list, watcherOnly watch.
type lookupOnly struct{ src *fakeSource }

func (s lookupOnly) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	return s.src.Lookup(ctx, ref)
}

type listerOnly struct{ lookupOnly }

func (s listerOnly) Parcels(ctx context.Context, yield func(adapters.Parcel) bool) error {
	return s.src.Parcels(ctx, yield)
}

type watcherOnly struct{ lookupOnly }

func (s watcherOnly) Watch(ctx context.Context, changed func(adapters.Parcel)) error {
	return s.src.Watch(ctx, changed)
}

// fakePublisher fails its first failures calls with failWith, then
// acknowledges every record as stored (or as stale when stale is set);
// the first refuse calls it answers refuse every record instead.
type fakePublisher struct {
	mu       sync.Mutex
	failures int
	failWith error
	short    int // answer this many results fewer than items sent
	stale    bool
	refuse   int
	calls    [][]crypto.SealedRecord
	acked    map[locatorKey]uint64 // locator → version acknowledged
}

func (p *fakePublisher) Publish(_ context.Context, batch api.Records) (api.PublishResponse, error) {
	records := batch.Records
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, append([]crypto.SealedRecord(nil), records...))
	if p.failures > 0 {
		p.failures--
		return api.PublishResponse{}, p.failWith
	}
	res := api.PublishResponse{Results: make([]api.ItemResult, len(records))}
	if p.short > 0 {
		p.short--
		res.Results = res.Results[:len(records)-1]
		for i := range res.Results {
			res.Results[i].Status = api.ItemStored
		}
		return res, nil
	}
	if p.refuse > 0 {
		p.refuse--
		for i := range res.Results {
			res.Results[i] = api.ItemResult{Status: api.ItemRefused, Limit: "courier_bucket_bytes", Detail: "over quota"}
		}
		res.Refused = len(records)
		return res, nil
	}
	if p.acked == nil {
		p.acked = map[locatorKey]uint64{}
	}
	for _, r := range records {
		p.acked[locatorKey(r.Locator)] = r.Version
	}
	status := api.ItemStored
	if p.stale {
		status = api.ItemStale
	}
	for i := range res.Results {
		res.Results[i].Status = status
	}
	return res, nil
}

func (p *fakePublisher) snapshot() (calls [][]crypto.SealedRecord, acked map[locatorKey]uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	acked = map[locatorKey]uint64{}
	for k, v := range p.acked {
		acked[k] = v
	}
	return append([][]crypto.SealedRecord(nil), p.calls...), acked
}

var errGatewayDown = errors.New("gateway down")

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newTestKey(t testing.TB) *crypto.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testConfig is a valid pull-mode configuration with one key valid a day
// around now; tests change what they exercise.
func testConfig(t testing.TB, now time.Time, src adapters.Source) Config {
	return Config{
		Courier:       testCourier,
		BucketBits:    4,
		Mode:          api.ModePull,
		Factor:        crypto.FactorNone,
		Keys:          []KeyConfig{{Key: newTestKey(t), NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(30 * 24 * time.Hour)}},
		Source:        src,
		EvaluateRate:  100,
		EvaluateBurst: 1000,
	}
}

func mustNew(t testing.TB, cfg Config) *Host {
	t.Helper()
	h, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h
}

// testParcel is a parcel of the test courier with one event at updated.
func testParcel(tn string, version uint64, updated time.Time, factors ...string) adapters.Parcel {
	return adapters.Parcel{
		Factors: factors,
		Version: version,
		View: adapters.View{
			Courier:        testCourier,
			TrackingNumber: tn,
			Status:         adapters.StatusInTransit,
			Events: []adapters.Event{{
				Time: updated, Status: adapters.StatusInTransit, Description: "Departed sorting centre",
				Location: &adapters.Location{City: "Shenzhen", Country: "CN"},
			}},
			UpdatedAt: updated,
		},
	}
}

// clientLookup does what a client does (blind, ask the host to evaluate,
// finalize, derive) and returns the locator and record key.
func clientLookup(t testing.TB, h *Host, key *crypto.PrivateKey, tn, factor string) crypto.Derived {
	t.Helper()
	b, err := crypto.Blind(key.Public(), [][]byte{crypto.Input(testCourier, tn, factor)})
	if err != nil {
		t.Fatal(err)
	}
	evaluated, proof, err := h.Evaluate(context.Background(), key.Public().KeyID(), b.Elements)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	ys, err := b.Finalize(evaluated, proof)
	if err != nil {
		t.Fatalf("Finalize: %v", err)
	}
	d, err := crypto.Derive(ys[0])
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// openView opens a record with the client's record key.
func openView(t testing.TB, d crypto.Derived, rec crypto.SealedRecord) adapters.View {
	t.Helper()
	plain, err := crypto.Open(d.RecordKey, &rec)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var v adapters.View
	if err := json.Unmarshal(plain, &v); err != nil {
		t.Fatalf("view JSON: %v", err)
	}
	return v
}

// indexAll indexes parcels directly at now, as Run's listing would.
func indexAll(t testing.TB, h *Host, now time.Time, parcels ...adapters.Parcel) []crypto.SealedRecord {
	t.Helper()
	var out []crypto.SealedRecord
	for _, p := range parcels {
		recs, err := h.indexParcel(p, now)
		if err != nil {
			t.Fatalf("indexParcel: %v", err)
		}
		out = append(out, recs...)
	}
	return out
}
