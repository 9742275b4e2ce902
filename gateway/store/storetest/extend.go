package storetest

import (
	"time"

	"github.com/trackgate/trackgate/gateway/store"
)

// extendCases: an extension moves the expiry of exactly one version.
var extendCases = []testCase{
	{name: "ExtendKeepsAnUnchangedRecordAlivePastItsOldExpiry", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 20, 3, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		f.expect(f.at(30*time.Minute), extend("sim-swift", r.Locator, 3, f.at(3*time.Hour)), "stored")
		kept := withExpiry(r, f.at(3*time.Hour))
		f.served(f.at(2*time.Hour), r.Locator, kept)
		f.inBucket(f.at(2*time.Hour), 20, kept)
		f.served(f.at(3*time.Hour), r.Locator)
	}},
	{name: "ExtendIsStaleUnlessTheVersionIsExact", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 20, 3, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		for _, v := range []uint64{2, 4, maxVersion} {
			f.expect(f.now, extend("sim-swift", r.Locator, v, f.at(3*time.Hour)), "stale")
		}
		f.served(f.now, r.Locator, r)
	}},
	{name: "ExtendToAnEqualOrEarlierExpiryIsStale", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 20, 3, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		for _, t := range []time.Time{f.at(time.Hour), f.at(time.Hour - time.Nanosecond), f.at(-time.Hour)} {
			f.expect(f.now, extend("sim-swift", r.Locator, 3, t), "stale")
		}
		f.served(f.now, r.Locator, r)
	}},
	{name: "ExtendIsCappedToMaxRecordTTL", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 20, 3, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		year9999 := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		f.expect(f.now, extend("sim-swift", r.Locator, 3, year9999), "stored")
		f.served(f.now, r.Locator, withExpiry(r, f.at(store.DefaultMaxRecordTTL)))
		f.expect(f.now, extend("sim-swift", r.Locator, 3, year9999), "stale") // no later than the cap
		f.expect(f.at(time.Hour), extend("sim-swift", r.Locator, 3, year9999), "stored")
		f.served(f.now, r.Locator, withExpiry(r, f.at(time.Hour+store.DefaultMaxRecordTTL)))
	}},
	{name: "ExtendOfNothingExpiredWithdrawnOrAnotherCouriersIsStale", run: func(f *fixture) {
		gone := Record(f.t, "sim-swift", 21, 1, f.at(time.Hour))
		f.expect(f.now, extend("sim-swift", gone.Locator, 1, f.at(2*time.Hour)), "stale")
		f.expect(f.now, puts(gone), "stored")
		f.expect(f.at(time.Hour), extend("sim-swift", gone.Locator, 1, f.at(2*time.Hour)), "stale")
		f.served(f.at(time.Hour), gone.Locator)

		withdrawn := Record(f.t, "sim-swift", 21, 1, f.at(time.Hour))
		f.expect(f.now, puts(withdrawn), "stored")
		f.expect(f.now, withdraw("sim-swift", withdrawn.Locator, 1), "stored")
		f.expect(f.now, extend("sim-swift", withdrawn.Locator, 1, f.at(2*time.Hour)), "stale")
		f.served(f.now, withdrawn.Locator)

		theirs := Record(f.t, "sim-swift", 21, 1, f.at(time.Hour))
		f.expect(f.now, puts(theirs), "stored")
		f.expect(f.now, extend("sim-panda", theirs.Locator, 1, f.at(2*time.Hour)), "stale")
		f.served(f.at(time.Hour), theirs.Locator)
	}},
}
