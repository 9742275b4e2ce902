package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/webhook"
)

// list collects what Parcels yields, by tracking number.
func list(t *testing.T, in *ingest) map[string]adapters.Parcel {
	t.Helper()
	got := map[string]adapters.Parcel{}
	err := in.Parcels(t.Context(), func(p adapters.Parcel) bool {
		if _, dup := got[p.View.TrackingNumber]; dup {
			t.Errorf("%s listed twice", p.View.TrackingNumber)
		}
		got[p.View.TrackingNumber] = p
		return true
	})
	if err != nil {
		t.Fatalf("Parcels: %v", err)
	}
	return got
}

func TestParcelsListsEveryLiveParcel(t *testing.T) {
	in := openIngest(t, phoneCourier)
	// More parcels than one page of the listing.
	const n = 600
	batch := make([]webhook.EventIn, n)
	for i := range batch {
		batch[i] = ev(fmt.Sprintf("AP3%09d", i), 0, adapters.StatusInTransit, "Departed Hangzhou hub")
		batch[i].Factors = []string{"1234"}
	}
	in.mustPost(t, batch...)
	delivered := ev("AP4000000001", 0, adapters.StatusDelivered, "Delivered")
	delivered.Factors = []string{"1234"}
	dropped := ev("AP4000000002", 0, adapters.StatusInTransit, "Departed Hangzhou hub")
	dropped.Factors = []string{"1234"}
	in.mustPost(t, delivered, dropped)
	in.do(t, http.MethodDelete, "/v1/parcels/AP4000000002", testToken, "", nil)
	in.putFactors(t, "AP4000000003", `{"factors":["1234"]}`) // factors, no events yet

	got := list(t, in)
	if len(got) != n+1 {
		t.Fatalf("listed %d parcels, want %d", len(got), n+1)
	}
	for tn, p := range got {
		if err := p.View.Check(); err != nil || p.Version != 1 || !slices.Equal(p.Factors, []string{"1234"}) {
			t.Fatalf("%s: version %d factors %q check %v", tn, p.Version, p.Factors, err)
		}
	}
	if _, ok := got["AP4000000001"]; !ok {
		t.Fatal("a delivered parcel within its retention is not listed")
	}

	// Past the retention the delivered parcel is gone, the others stay.
	in.clock.Set(testNow.Add(webhook.DefaultRetention))
	got = list(t, in)
	if _, ok := got["AP4000000001"]; ok || len(got) != n {
		t.Fatalf("after the retention: %d parcels listed, the delivered one among them: %v", len(got), ok)
	}
	if _, err := in.lookup(t, "AP4000000001"); !errors.Is(err, adapters.ErrNotFound) {
		t.Fatalf("Lookup of a parcel past its retention: %v", err)
	}
}

func TestParcelsStopsWhenAsked(t *testing.T) {
	in := openIngest(t)
	for i := range 3 {
		in.mustPost(t, ev(fmt.Sprintf("AP5%09d", i), 0, adapters.StatusInTransit, "Departed"))
	}
	calls := 0
	if err := in.Parcels(t.Context(), func(adapters.Parcel) bool { calls++; return false }); err != nil || calls != 1 {
		t.Fatalf("yield returning false: %d calls, %v", calls, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	calls = 0
	err := in.Parcels(ctx, func(adapters.Parcel) bool { calls++; cancel(); return true })
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("cancelled while listing: %d calls, %v", calls, err)
	}
}

// watch runs Watch until the test ends and returns the parcels it
// reports.
func watch(t *testing.T, in *ingest) <-chan adapters.Parcel {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	reports := make(chan adapters.Parcel, 100)
	done := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		close(started)
		done <- in.Watch(ctx, func(p adapters.Parcel) { reports <- p })
	}()
	<-started
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Watch returned %v, want context.Canceled", err)
		}
	})
	waitWatching(t, in)
	return reports
}

// waitWatching waits, boundedly, until Watch runs: changes are reported
// from then on.
func waitWatching(t *testing.T, in *ingest) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if webhook.IsWatching(in.Adapter) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("Watch did not start within 10 s")
}

func next(t *testing.T, reports <-chan adapters.Parcel) adapters.Parcel {
	t.Helper()
	select {
	case p := <-reports:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("Watch reported nothing within 10 s")
		return adapters.Parcel{}
	}
}

func TestWatchReportsEachChange(t *testing.T) {
	in := openIngest(t, phoneCourier)
	reports := watch(t, in)

	first := ev(goodTN, 0, adapters.StatusInTransit, "Departed Hangzhou hub")
	first.Factors = []string{"1234"}
	in.mustPost(t, first)
	if p := next(t, reports); p.View.TrackingNumber != goodTN || p.Version != 1 {
		t.Fatalf("first report: %s v%d", p.View.TrackingNumber, p.Version)
	}
	in.mustPost(t, ev(goodTN, 60, adapters.StatusOutForDelivery, "Out for delivery"))
	if p := next(t, reports); p.Version != 2 || p.View.Status != adapters.StatusOutForDelivery {
		t.Fatalf("second report: v%d %s", p.Version, p.View.Status)
	}
	// New factors are a change at the same version.
	in.putFactors(t, goodTN, `{"factors":["5678"]}`)
	if p := next(t, reports); p.Version != 2 || !slices.Equal(p.Factors, []string{"5678"}) {
		t.Fatalf("factor report: v%d %q", p.Version, p.Factors)
	}
	// A duplicate changes nothing and is not reported: the next report is
	// the other parcel's.
	in.mustPost(t, ev(goodTN, 60, adapters.StatusOutForDelivery, "Out for delivery"))
	other := ev("AP1000000002", 0, adapters.StatusInTransit, "Departed Hangzhou hub")
	other.Factors = []string{"1234"}
	in.mustPost(t, other)
	if p := next(t, reports); p.View.TrackingNumber != "AP1000000002" {
		t.Fatalf("after a duplicate, Watch reported %s v%d", p.View.TrackingNumber, p.Version)
	}
}

func TestWatchRefusesASecondWatchAndEndsOnClose(t *testing.T) {
	in := openIngest(t)
	done := make(chan error, 1)
	go func() { done <- in.Watch(context.Background(), func(adapters.Parcel) {}) }()
	waitWatching(t, in)
	if err := in.Watch(t.Context(), func(adapters.Parcel) {}); !errors.Is(err, webhook.ErrWatching) {
		t.Fatalf("a second Watch returned %v, want ErrWatching", err)
	}
	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, webhook.ErrClosed) {
			t.Fatalf("Watch returned %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Watch did not end within 10 s of Close")
	}
}

// A courier host starts Watch in a goroutine next to its first listing;
// an event that lands before Watch registers must still reach it (it was
// lost before, and the host served "not found" until a restart).
func TestWatchReportsChangesMadeBeforeItStarted(t *testing.T) {
	in := openIngest(t, phoneCourier)
	early := ev(goodTN, 0, adapters.StatusInTransit, "Departed Hangzhou hub")
	early.Factors = []string{"1234"}
	in.mustPost(t, early)
	reports := watch(t, in)
	if p := next(t, reports); p.View.TrackingNumber != goodTN || p.Version != 1 {
		t.Fatalf("first report: %s v%d", p.View.TrackingNumber, p.Version)
	}
}
