package storetest

import (
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

// maxVersion is the highest version a courier record may carry
// (docs/protocol.md §5).
const maxVersion = 1<<53 - 1

// courierCases: records of different couriers at one locator never
// interact.
var courierCases = []testCase{
	// AttackLocatorSquatting: courier B, knowing or guessing courier A's
	// locator, publishes there first with the highest version and an expiry
	// in year 9999. Revision 1 kept one record per locator, owned by its
	// first courier, so A's every later put was stale and A's parcel was
	// hidden until year 9999; here both records must be served.
	{name: "AttackLocatorSquatting", run: func(f *fixture) {
		year9999 := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
		mine := Record(f.t, "sim-swift", 12, 1, f.at(30*24*time.Hour))
		squat := withExpiry(withVersion(withCourier(mine, "sim-panda"), maxVersion), year9999)
		f.expect(f.now, puts(squat), "stored")
		f.expect(f.now, puts(mine), "stored")
		served := withExpiry(squat, f.at(store.DefaultMaxRecordTTL))
		f.served(f.now, mine.Locator, mine, served)
		f.inBucket(f.now, 12, mine, served)
		// Nothing else the squatter sends at that locator touches A's record.
		f.expect(f.now, withdraw("sim-panda", mine.Locator, maxVersion), "stored")
		f.expect(f.now, extend("sim-panda", mine.Locator, 1, f.at(time.Minute)), "stale")
		f.served(f.now, mine.Locator, mine)
		// And A still updates its own record.
		newer := withVersion(mine, 2)
		f.expect(f.now, puts(newer), "stored")
		f.served(f.now, mine.Locator, newer)
	}},
	{name: "CouriersAtOneLocatorKeepVersionsOfTheirOwn", run: func(f *fixture) {
		a := Record(f.t, "sim-swift", 13, 5, f.at(time.Hour))
		b := withVersion(withCourier(a, "sim-panda"), 1)
		f.expect(f.now, puts(a), "stored")
		f.expect(f.now, puts(b), "stored")
		b2 := withVersion(b, 2)
		f.expect(f.now, puts(b2), "stored")
		f.expect(f.now, withdraw("sim-swift", a.Locator, 5), "stored")
		f.served(f.now, a.Locator, b2)
		b3 := withVersion(b, 3)
		f.expect(f.now, puts(b3), "stored")
		f.expect(f.now, puts(withVersion(a, 3)), "stale")
		f.served(f.now, a.Locator, b3)
		f.inBucket(f.now, 13, b3)
	}},
	{name: "ManyCouriersAtOneLocatorAreAllServed", run: func(f *fixture) {
		base := Record(f.t, "sim-swift", 14, 1, f.at(time.Hour))
		var all []crypto.SealedRecord
		for _, c := range []string{"sim-swift", "sim-panda", "sim-global", "c0", "courier-with-a-31-character-id"} {
			r := withVersion(withCourier(base, c), uint64(len(all)+1))
			f.expect(f.now, puts(r), "stored")
			all = append(all, r)
		}
		f.served(f.now, base.Locator, all...)
		f.inBucket(f.now, 14, all...)
		// One expires, the others stay.
		f.expect(f.now, extend("sim-panda", base.Locator, 2, f.at(3*time.Hour)), "stored")
		f.served(f.at(2*time.Hour), base.Locator, withExpiry(all[1], f.at(3*time.Hour)))
	}},
}
