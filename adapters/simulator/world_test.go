package simulator

import (
	"math"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// fakeClock is a wall clock that moves only when told to; it counts its
// readings so tests can tell when a goroutine has looked at it.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	reads int
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads++
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Reads() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads
}

// newTestWorld is a real-time world whose simulated clock stands at
// DefaultStart() until the returned clock is advanced.
func newTestWorld(t testing.TB, seed int64, parcels int) (*World, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	w := NewWorld(Config{Seed: seed, ParcelsPerCourier: parcels, Now: clock.Now, TickInterval: time.Millisecond})
	return w, clock
}

func TestSameSeedGivesSameWorld(t *testing.T) {
	a, _ := newTestWorld(t, 42, 500)
	b, _ := newTestWorld(t, 42, 500)
	if !reflect.DeepEqual(a.fleets, b.fleets) {
		t.Fatal("two worlds with seed 42 differ")
	}
	if sa, sb := a.Samples(5), b.Samples(5); !reflect.DeepEqual(sa, sb) {
		t.Fatalf("samples differ:\n%v\n%v", sa, sb)
	}
}

func TestDifferentSeedsGiveDifferentWorlds(t *testing.T) {
	a, _ := newTestWorld(t, 1, 500)
	b, _ := newTestWorld(t, 2, 500)
	for c := range courierCount {
		shared := 0
		for n := range a.fleets[c].byNumber {
			if _, ok := b.fleets[c].byNumber[n]; ok {
				shared++
			}
		}
		// Near-sequential sim-panda numbers may overlap a little by chance.
		if shared > len(a.fleets[c].parcels)/10 {
			t.Errorf("%s: seeds 1 and 2 share %d of %d numbers", c.profile().ID, shared, len(a.fleets[c].parcels))
		}
	}
	if reflect.DeepEqual(a.fleets[swift].parcels[0].events, b.fleets[swift].parcels[0].events) {
		t.Error("seeds 1 and 2 gave the first sim-swift parcel the same timeline")
	}
}

func TestWorldHasParcelsPerCourier(t *testing.T) {
	for _, tc := range []struct{ asked, want int }{
		{asked: 1, want: 1},
		{asked: 7, want: 7},
		{asked: 250, want: 250},
		{asked: 0, want: DefaultParcelsPerCourier},
		{asked: -3, want: DefaultParcelsPerCourier},
	} {
		w, _ := newTestWorld(t, 3, tc.asked)
		for c := range courierCount {
			want := tc.want + demoCount(c)
			if got := len(w.fleets[c].parcels); got != want {
				t.Errorf("ParcelsPerCourier %d: %s has %d parcels, want %d and %d demo parcels", tc.asked, c.profile().ID, got, tc.want, demoCount(c))
			}
			if got := len(w.fleets[c].byNumber); got != want {
				t.Errorf("ParcelsPerCourier %d: %s indexes %d numbers, want %d", tc.asked, c.profile().ID, got, want)
			}
		}
	}
}

func TestSimNowRunsSpeedTimesWallClock(t *testing.T) {
	clock := newFakeClock()
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	w := NewWorld(Config{ParcelsPerCourier: 1, Start: start, Speed: 600, Now: clock.Now})
	if got := w.SimNow(); !got.Equal(start) {
		t.Fatalf("SimNow at creation = %v, want Start %v", got, start)
	}
	clock.Advance(10 * time.Second)
	if got, want := w.SimNow(), start.Add(100*time.Minute); !got.Equal(want) {
		t.Fatalf("SimNow after 10 s at speed 600 = %v, want %v", got, want)
	}
}

func TestSimNowCountsFromWallStart(t *testing.T) {
	clock := newFakeClock()
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	w := NewWorld(Config{ParcelsPerCourier: 1, Start: start, Speed: 2, Now: clock.Now, WallStart: clock.Now().Add(-time.Hour)})
	if got, want := w.SimNow(), start.Add(2*time.Hour); !got.Equal(want) {
		t.Fatalf("SimNow one wall hour after WallStart at speed 2 = %v, want %v", got, want)
	}
}

func TestSimNowSaturatesInsteadOfOverflowing(t *testing.T) {
	clock := newFakeClock()
	w := NewWorld(Config{ParcelsPerCourier: 1, Speed: 1e12, Now: clock.Now})
	before := w.SimNow()
	clock.Advance(1000 * time.Hour)
	if after := w.SimNow(); !after.After(before) {
		t.Fatalf("SimNow went from %v to %v: a huge elapsed simulated time overflowed", before, after)
	}
}

func TestBadSpeedMeansRealTime(t *testing.T) {
	for _, speed := range []float64{0, -5, math.NaN(), math.Inf(1)} {
		clock := newFakeClock()
		w := NewWorld(Config{ParcelsPerCourier: 1, Speed: speed, Now: clock.Now})
		clock.Advance(time.Minute)
		if got, want := w.SimNow(), DefaultStart().Add(time.Minute); !got.Equal(want) {
			t.Errorf("speed %v: SimNow = %v, want %v", speed, got, want)
		}
	}
}

func BenchmarkNewWorld(b *testing.B) {
	for b.Loop() {
		NewWorld(Config{Seed: 1})
	}
}

func BenchmarkLookup(b *testing.B) {
	w, _ := newTestWorld(b, 1, 0)
	src, err := w.Source(SwiftID)
	if err != nil {
		b.Fatal(err)
	}
	samples := w.Samples(1)
	ctx := b.Context()
	for b.Loop() {
		if _, err := src.Lookup(ctx, adapters.ParcelRef{TrackingNumber: samples[0].TrackingNumber}); err != nil {
			b.Fatal(err)
		}
	}
}
