package redisstore

import (
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

// TestCourierTotalsFollowEveryChange checks the courier's hourly totals
// (usage.go) after puts, a replacement, an extension into another hour and
// a withdrawal, and that hours which have ended are dropped.
func TestCourierTotalsFollowEveryChange(t *testing.T) {
	r := redistest.Single(t)
	s := New(r.Client, testLimits, WithKeyPrefix(r.Prefix(t)))
	one := int64(storetest.CiphertextSize(t, 1))
	two := int64(storetest.CiphertextSize(t, 2))
	a := storetest.Record(t, "sim-swift", 1, 1, testNow.Add(30*time.Minute))
	b := storetest.RecordOfBlocks(t, "sim-swift", 2, 1, testNow.Add(5*time.Hour), 2)
	apply := func(batch store.Batch, now time.Time) {
		t.Helper()
		if stored, err := storedOf(s.Apply(t.Context(), batch, now)); err != nil || stored != batch.Len() {
			t.Fatalf("Apply: stored %d of %d, err %v", stored, batch.Len(), err)
		}
	}
	check := func(now time.Time, records, bytes int64, fields int) {
		t.Helper()
		got, err := s.readTotals(t.Context(), "sim-swift", now)
		if err != nil {
			t.Fatal(err)
		}
		if got.records != records || got.bytes != bytes {
			t.Errorf("totals %d records, %d bytes; want %d, %d", got.records, got.bytes, records, bytes)
		}
		if n := r.Client.HLen(t.Context(), s.courierKey("sim-swift")).Val(); n != int64(fields) {
			t.Errorf("%d fields in the courier's totals, want %d", n, fields)
		}
	}

	apply(puts(a, b), testNow)
	check(testNow, 2, one+two, 4) // two hours, records and bytes each
	smaller := b
	smaller.Version, smaller.Ciphertext = 2, a.Ciphertext
	apply(puts(smaller), testNow)
	check(testNow, 2, 2*one, 4)
	apply(store.Batch{Courier: "sim-swift", Extend: []store.Extension{{Locator: a.Locator, Version: 1, ExpiresAt: testNow.Add(3 * time.Hour)}}}, testNow)
	check(testNow, 2, 2*one, 6) // the first hour's fields are left at zero
	apply(store.Batch{Courier: "sim-swift", Withdraw: []store.Withdrawal{{Locator: b.Locator, Version: 2}}}, testNow)
	check(testNow, 1, one, 6)

	// Once a's hour has ended, a's share is gone with no sweep of a's
	// bucket, and the next write drops the fields of the hours that ended.
	later := testNow.Add(4 * time.Hour)
	check(later, 0, 0, 6)
	c := storetest.Record(t, "sim-swift", 3, 1, later.Add(time.Hour))
	apply(puts(c), later)
	check(later, 1, one, 2) // c's hour, which was b's

}
