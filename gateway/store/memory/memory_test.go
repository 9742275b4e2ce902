package memory

import (
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

func TestMemoryStoreConforms(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return New(storetest.BucketBits) })
}

func TestSweepRemovesOnlyExpiredRecords(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	s := New(storetest.BucketBits)
	live := storetest.Record(t, "sim-swift", 1, 1, now.Add(time.Hour))
	dead := storetest.Record(t, "sim-swift", 1, 1, now.Add(time.Minute))
	if _, _, err := s.Put(t.Context(), []crypto.SealedRecord{live, dead}, now); err != nil {
		t.Fatal(err)
	}
	if removed := s.Sweep(now.Add(2 * time.Minute)); removed != 1 {
		t.Fatalf("Sweep removed %d, want 1", removed)
	}
	if s.Len() != 1 {
		t.Fatalf("%d records left, want 1", s.Len())
	}
	if _, err := s.Get(t.Context(), live.Locator, now); err != nil {
		t.Fatalf("live record gone: %v", err)
	}
}
