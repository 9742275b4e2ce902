package webhook

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

func openTestStore(t *testing.T) *store {
	t.Helper()
	s, err := openStore(filepath.Join(t.TempDir(), "w.db"), "acme-post")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.close() })
	return s
}

func storedAt(tn string, hour int, status adapters.Status) event {
	return event{TrackingNumber: tn, stored: storedEvent{
		Time: time.Date(2026, 5, 30, hour, 0, 0, 0, time.UTC), Status: status, Description: "scan",
	}}
}

func TestPruneDeletesOnlyParcelsPastTheirRetention(t *testing.T) {
	s := openTestStore(t)
	day := 24 * time.Hour
	t0 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	put := func(at time.Time, evs ...event) {
		t.Helper()
		if _, bad, err := s.ingest(evs, crypto.FactorNone, at); err != nil || bad != nil {
			t.Fatalf("ingest: %v %+v", err, bad)
		}
	}
	put(t0, storedAt("DELIVERED1", 1, adapters.StatusDelivered))
	put(t0, storedAt("MOVING0001", 1, adapters.StatusInTransit))
	put(t0.Add(5*day), storedAt("DELIVERED2", 1, adapters.StatusDelivered)) // changed later
	put(t0, storedAt("DROPPED001", 1, adapters.StatusInTransit))
	if _, err := s.drop("DROPPED001", t0); err != nil {
		t.Fatal(err)
	}

	n, err := s.prune(t0.Add(10*day), 10*day)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want the delivered parcel and the dropped one", n, err)
	}
	var left []string
	page, err := s.scan("", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range page {
		left = append(left, p.tn)
	}
	if want := []string{"DELIVERED2", "MOVING0001"}; !slices.Equal(left, want) {
		t.Fatalf("left %q, want %q (a parcel in transit stays until it is final)", left, want)
	}
}

func TestScanPagesThroughEveryParcelInOrder(t *testing.T) {
	s := openTestStore(t)
	var evs []event
	for _, tn := range []string{"PARCEL0005", "PARCEL0001", "PARCEL0003", "PARCEL0002", "PARCEL0004"} {
		evs = append(evs, storedAt(tn, 1, adapters.StatusInTransit))
	}
	if _, _, err := s.ingest(evs, crypto.FactorNone, time.Now()); err != nil {
		t.Fatal(err)
	}
	var got []string
	after := ""
	for range 10 {
		page, err := s.scan(after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page {
			got = append(got, p.tn)
		}
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].tn
	}
	if want := []string{"PARCEL0001", "PARCEL0002", "PARCEL0003", "PARCEL0004", "PARCEL0005"}; !slices.Equal(got, want) {
		t.Fatalf("scanned %q", got)
	}
}
