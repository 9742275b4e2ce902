package storetest

import (
	"time"

	"github.com/trackgate/trackgate/gateway/store"
)

// withdrawCases: a withdrawal leaves a tombstone that hides the record
// and keeps older versions out for max_record_ttl.
var withdrawCases = []testCase{
	{name: "WithdrawHidesTheRecord", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 30, 3, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		f.expect(f.now, withdraw("sim-swift", r.Locator, 3), "stored")
		f.served(f.now, r.Locator)
		f.inBucket(f.now, 30)
	}},
	{name: "WithdrawThenOlderOrEqualPutIsStale", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 30, 3, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		f.expect(f.now, withdraw("sim-swift", r.Locator, 3), "stored")
		f.expect(f.at(time.Minute), puts(withVersion(r, 1), withVersion(r, 3)), "stale stale")
		f.served(f.at(time.Minute), r.Locator)
		back := withVersion(r, 4)
		f.expect(f.at(time.Minute), puts(back), "stored")
		f.served(f.at(time.Minute), r.Locator, back)
	}},
	{name: "WithdrawBelowTheStoredVersionIsStale", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 30, 5, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		f.expect(f.now, withdraw("sim-swift", r.Locator, 4), "stale")
		f.served(f.now, r.Locator, r)
	}},
	{name: "WithdrawAboveTheStoredVersionHidesItAndOlderPuts", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 30, 2, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		f.expect(f.now, withdraw("sim-swift", r.Locator, 7), "stored")
		f.expect(f.now, puts(withVersion(r, 5), withVersion(r, 7)), "stale stale")
		f.expect(f.now, withdraw("sim-swift", r.Locator, 6), "stale")
		back := withVersion(r, 8)
		f.expect(f.now, puts(back), "stored")
		f.served(f.now, r.Locator, back)
	}},
	{name: "WithdrawOfNothingLeavesATombstone", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 31, 5, f.at(time.Hour))
		f.expect(f.now, withdraw("sim-swift", r.Locator, 5), "stored")
		f.expect(f.now, puts(r), "stale")
		f.served(f.now, r.Locator)
		f.expect(f.now, puts(withVersion(r, 6)), "stored")
	}},
	{name: "RepeatedWithdrawalIsStoredAgain", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 31, 5, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		f.expect(f.now, withdraw("sim-swift", r.Locator, 5), "stored")
		f.expect(f.now, withdraw("sim-swift", r.Locator, 5), "stored") // nothing above 5 is there
		f.expect(f.now, withdraw("sim-swift", r.Locator, 4), "stale")
		f.served(f.now, r.Locator)
	}},
	{name: "TombstoneIsKeptForMaxRecordTTL", limits: store.Limits{MaxRecordTTL: 2 * time.Hour}, run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 32, 5, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		f.expect(f.at(time.Minute), withdraw("sim-swift", r.Locator, 5), "stored")
		end := f.at(time.Minute + 2*time.Hour)
		old := withExpiry(withVersion(r, 4), end.Add(time.Hour))
		f.expect(end.Add(-time.Nanosecond), puts(old), "stale")
		f.expect(end, puts(old), "stored")
		f.served(end, r.Locator, withExpiry(old, end.Add(time.Hour)))
	}},
	{name: "WithdrawInTheSameBatchAppliesAfterThePut", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 33, 2, f.at(time.Hour))
		b := puts(r)
		b.Withdraw = []store.Withdrawal{{Locator: r.Locator, Version: 2}}
		f.expect(f.now, b, "stored stored")
		f.served(f.now, r.Locator)
		f.expect(f.now, puts(r), "stale")
	}},
}
