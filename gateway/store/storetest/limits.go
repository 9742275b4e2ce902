package storetest

import (
	"strconv"
	"strings"
	"time"

	"github.com/trackgate/trackgate/gateway/store"
)

// size is the length of a ciphertext of blocks blocks, for limits set
// before a test has a *testing.T (see CiphertextSize).
func size(blocks int) int64 {
	sizes := ciphertextSizes()
	if blocks < 1 || blocks > len(sizes) {
		panic("storetest: crypto accepts no ciphertext of " + strconv.Itoa(blocks) + " blocks")
	}
	return int64(sizes[blocks-1])
}

// limitCases: each limit refuses by name, per courier, counting only live
// records and only the growth of a replacement.
func limitCases() []testCase {
	cases := []testCase{
		{
			name:   "CiphertextLongerThanTheMaximumIsRefused",
			limits: store.Limits{MaxCiphertextBytes: int(size(2))},
			run: func(f *fixture) {
				fits := RecordOfBlocks(f.t, "sim-swift", 40, 1, f.at(time.Hour), 2)
				long := RecordOfBlocks(f.t, "sim-swift", 40, 1, f.at(time.Hour), 3)
				results := f.expect(f.now, puts(fits, long), "stored refused:max_ciphertext_bytes")
				checkDetail(f, results[1], store.LimitCiphertextBytes, size(2))
				f.served(f.now, long.Locator)
				// Even a version that would otherwise replace a record.
				f.expect(f.now, puts(withVersion(RecordOfBlocks(f.t, "sim-swift", 40, 2, f.at(time.Hour), 3), 2)), "refused:max_ciphertext_bytes")
			},
		},
		{name: "ReplacingARecordCountsOnlyTheGrowth", limits: store.Limits{CourierRecords: 2, CourierBytes: size(1) + size(2)}, run: testReplacingCountsTheGrowth},
		{name: "TombstonesFreeTheQuota", limits: store.Limits{CourierRecords: 1}, run: testTombstonesFreeTheQuota},
		{name: "ExpiredRecordsFreeTheQuota", limits: store.Limits{CourierRecords: 1, CourierBytes: size(1), CourierBucketBytes: size(1)}, run: testExpiredRecordsFreeTheQuota},
		{name: "ExtensionsAreNeverRefused", limits: store.Limits{CourierRecords: 1, CourierBytes: size(1), CourierBucketBytes: size(1)}, run: testExtensionsAreNeverRefused},
	}
	return append(cases, quotaCases()...)
}

// quotaCases fill one courier's quota to the limit, in two batches, then
// show the next record refused by name (in a batch of its own and at the
// end of a batch), while another courier is not.
func quotaCases() []testCase {
	tests := []struct {
		limit  string
		limits store.Limits
		value  int64
		bucket func(i int) uint32 // of the i-th record
	}{
		{store.LimitCourierRecords, store.Limits{CourierRecords: 4}, 4, func(i int) uint32 { return uint32(50 + i) }},
		{store.LimitCourierBytes, store.Limits{CourierBytes: 4 * size(1)}, 4 * size(1), func(i int) uint32 { return uint32(50 + i) }},
		{store.LimitCourierBucketBytes, store.Limits{CourierBucketBytes: 4 * size(1)}, 4 * size(1), func(int) uint32 { return 60 }},
	}
	var cases []testCase
	for _, tt := range tests {
		cases = append(cases, testCase{name: "QuotaRefusalNames_" + tt.limit, limits: tt.limits, run: func(f *fixture) {
			rec := func(i int, courier string) store.Batch {
				return puts(Record(f.t, courier, tt.bucket(i), 1, f.at(time.Hour)))
			}
			f.expect(f.now, batchOf(rec(0, "sim-swift"), rec(1, "sim-swift")), "stored stored")
			f.expect(f.now, batchOf(rec(2, "sim-swift"), rec(3, "sim-swift")), "stored stored")
			refused := "refused:" + tt.limit
			results := f.expect(f.now, rec(4, "sim-swift"), refused)
			checkDetail(f, results[0], tt.limit, tt.value)
			// The refused record was not stored: the courier is still full.
			f.expect(f.now, rec(5, "sim-swift"), refused)
			// Another courier, even in the same bucket, is not affected.
			f.expect(f.now, batchOf(rec(2, "sim-panda"), rec(3, "sim-panda")), "stored stored")
			// Within one batch (one bucket, so exact in every store).
			over := Record(f.t, "sim-global", tt.bucket(0), 1, f.at(time.Hour))
			var batch []store.Batch
			for range 4 {
				batch = append(batch, puts(Record(f.t, "sim-global", tt.bucket(0), 1, f.at(time.Hour))))
			}
			batch = append(batch, puts(over))
			f.expect(f.now, batchOf(batch...), "stored stored stored stored "+refused)
			f.served(f.now, over.Locator)
		}})
	}
	return cases
}

// batchOf joins batches of one courier.
func batchOf(batches ...store.Batch) store.Batch {
	all := store.Batch{Courier: batches[0].Courier}
	for _, b := range batches {
		all.Records = append(all.Records, b.Records...)
		all.Extend = append(all.Extend, b.Extend...)
		all.Withdraw = append(all.Withdraw, b.Withdraw...)
	}
	return all
}

// checkDetail checks that a refusal's detail names its limit and value.
func checkDetail(f *fixture, r store.Result, limit string, value int64) {
	f.t.Helper()
	if r.Limit != limit || !strings.Contains(r.Detail, limit) || !strings.Contains(r.Detail, strconv.FormatInt(value, 10)) {
		f.t.Fatalf("refusal %q %q does not name %s and its value %d", r.Limit, r.Detail, limit, value)
	}
}

func testReplacingCountsTheGrowth(f *fixture) {
	small := RecordOfBlocks(f.t, "sim-swift", 41, 1, f.at(time.Hour), 1)
	big := RecordOfBlocks(f.t, "sim-swift", 42, 1, f.at(time.Hour), 2)
	f.expect(f.now, puts(small, big), "stored stored") // both limits reached
	f.expect(f.now, puts(withVersion(big, 2)), "stored")
	grown := withVersion(RecordOfBlocks(f.t, "sim-swift", 41, 1, f.at(time.Hour), 2), 2)
	grown.Locator = small.Locator
	f.expect(f.now, puts(grown), "refused:"+store.LimitCourierBytes)
	shrunk := withVersion(RecordOfBlocks(f.t, "sim-swift", 42, 1, f.at(time.Hour), 1), 3)
	shrunk.Locator = big.Locator
	f.expect(f.now, puts(shrunk), "stored")
	f.expect(f.now, puts(grown), "stored") // now it fits
	f.expect(f.now, puts(Record(f.t, "sim-swift", 43, 1, f.at(time.Hour))), "refused:"+store.LimitCourierRecords)
	f.served(f.now, small.Locator, grown)
	f.served(f.now, big.Locator, shrunk)
}

func testTombstonesFreeTheQuota(f *fixture) {
	first := Record(f.t, "sim-swift", 44, 1, f.at(time.Hour))
	second := Record(f.t, "sim-swift", 44, 1, f.at(time.Hour))
	f.expect(f.now, puts(first), "stored")
	f.expect(f.now, puts(second), "refused:"+store.LimitCourierRecords)
	f.expect(f.now, withdraw("sim-swift", first.Locator, 1), "stored")
	f.expect(f.now, puts(second), "stored")
	// The tombstone counts nothing, the record it hides came back.
	f.expect(f.now, puts(withVersion(first, 2)), "refused:"+store.LimitCourierRecords)
}

func testExpiredRecordsFreeTheQuota(f *fixture) {
	first := Record(f.t, "sim-swift", 45, 1, f.at(30*time.Minute))
	f.expect(f.now, puts(first), "stored")
	second := Record(f.t, "sim-swift", 45, 1, f.at(5*time.Hour))
	f.expect(f.now, puts(second), "refused:"+store.LimitCourierRecords)
	// Stores may count an expired record until the end of its hour.
	f.expect(f.at(3*time.Hour), puts(second), "stored")
}

func testExtensionsAreNeverRefused(f *fixture) {
	r := Record(f.t, "sim-swift", 46, 1, f.at(time.Hour))
	f.expect(f.now, puts(r), "stored")
	f.expect(f.now, extend("sim-swift", r.Locator, 1, f.at(2*time.Hour)), "stored")
	f.served(f.now, r.Locator, withExpiry(r, f.at(2*time.Hour)))
}
