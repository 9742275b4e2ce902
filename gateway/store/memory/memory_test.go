package memory

import (
	"errors"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func TestMemoryStoreConforms(t *testing.T) {
	storetest.Run(t, func(_ *testing.T, limits store.Limits) store.Store { return New(limits) })
}

func TestSweepRemovesOnlyWhatExpired(t *testing.T) {
	s := New(store.Limits{BucketBits: storetest.BucketBits, MaxRecordTTL: time.Hour})
	live := storetest.Record(t, "sim-swift", 1, 1, testNow.Add(time.Hour))
	dead := storetest.Record(t, "sim-swift", 1, 1, testNow.Add(time.Minute))
	withdrawn := storetest.Record(t, "sim-swift", 2, 1, testNow.Add(time.Hour))
	b := store.Batch{Courier: "sim-swift", Records: []crypto.SealedRecord{live, dead, withdrawn},
		Withdraw: []store.Withdrawal{{Locator: withdrawn.Locator, Version: 1}}}
	if _, err := s.Apply(t.Context(), b, testNow); err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 {
		t.Fatalf("%d entries, want 3 (two records, a tombstone)", s.Len())
	}
	if removed := s.Sweep(testNow.Add(2 * time.Minute)); removed != 1 {
		t.Fatalf("Sweep removed %d, want 1", removed)
	}
	if got, err := s.Locator(t.Context(), live.Locator, testNow); err != nil || len(got) != 1 {
		t.Fatalf("live record: %d records, err %v", len(got), err)
	}
	// The tombstone is kept for max_record_ttl after the withdrawal.
	if removed := s.Sweep(testNow.Add(time.Hour)); removed != 2 {
		t.Fatalf("Sweep at the end of the hour removed %d, want 2", removed)
	}
	if s.Len() != 0 || len(s.entries) != 0 || len(s.buckets) != 0 || len(s.usage) != 0 {
		t.Fatalf("after the last sweep: %d entries, %d locators, %d buckets, %d couriers' usage; want none",
			s.Len(), len(s.entries), len(s.buckets), len(s.usage))
	}
}

func TestApplyRefusesABatchTheGatewayShouldHaveRefused(t *testing.T) {
	r := storetest.Record(t, "sim-swift", 1, 1, testNow.Add(time.Hour))
	bad := r
	bad.Nonce = bad.Nonce[:3]
	tests := []struct {
		name  string
		batch store.Batch
	}{
		{"another courier's record", store.Batch{Courier: "sim-panda", Records: []crypto.SealedRecord{r}}},
		{"a malformed record", store.Batch{Courier: "sim-swift", Records: []crypto.SealedRecord{r, bad}}},
		{"a short locator", store.Batch{Courier: "sim-swift", Records: []crypto.SealedRecord{r},
			Withdraw: []store.Withdrawal{{Locator: r.Locator[:15], Version: 1}}}},
		{"version 0", store.Batch{Courier: "sim-swift", Records: []crypto.SealedRecord{r},
			Extend: []store.Extension{{Locator: r.Locator, ExpiresAt: testNow.Add(time.Hour)}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(store.Limits{BucketBits: storetest.BucketBits})
			if _, err := s.Apply(t.Context(), tt.batch, testNow); !errors.Is(err, store.ErrInvalidBatch) {
				t.Fatalf("err %v, want ErrInvalidBatch", err)
			}
			if s.Len() != 0 {
				t.Fatalf("%d entries stored from a refused batch", s.Len())
			}
		})
	}
}

func TestUsageFollowsEveryChange(t *testing.T) {
	s := New(store.Limits{BucketBits: storetest.BucketBits})
	one := int64(storetest.CiphertextSize(t, 1))
	two := int64(storetest.CiphertextSize(t, 2))
	a := storetest.Record(t, "sim-swift", 3, 1, testNow.Add(time.Hour))
	b := storetest.RecordOfBlocks(t, "sim-swift", 3, 1, testNow.Add(2*time.Hour), 2)
	apply := func(batch store.Batch, now time.Time) {
		t.Helper()
		if _, err := s.Apply(t.Context(), batch, now); err != nil {
			t.Fatal(err)
		}
	}
	check := func(want store.Usage) {
		t.Helper()
		if got := s.usageOf("sim-swift", 3); got != want {
			t.Fatalf("usage %+v, want %+v", got, want)
		}
	}
	apply(store.Batch{Courier: "sim-swift", Records: []crypto.SealedRecord{a, b}}, testNow)
	check(store.Usage{Records: 2, Bytes: one + two, BucketBytes: one + two})
	apply(store.Batch{Courier: "sim-swift", Withdraw: []store.Withdrawal{{Locator: b.Locator, Version: 1}}}, testNow)
	check(store.Usage{Records: 1, Bytes: one, BucketBytes: one})
	apply(store.Batch{Courier: "sim-swift", Extend: []store.Extension{{Locator: a.Locator, Version: 1, ExpiresAt: testNow.Add(3 * time.Hour)}}}, testNow)
	check(store.Usage{Records: 1, Bytes: one, BucketBytes: one})
	s.Sweep(testNow.Add(3 * time.Hour))
	check(store.Usage{})
}
