package storetest

import (
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

// exactnessCases guard what a store that does not hold Go values can get
// wrong: versions at the top of the protocol's range (2^53 − 1, where a
// float64 still is exact but a careless encoding is not), expiries to the
// nanosecond, and batches a store splits up (by bucket, by node) yet must
// answer and apply as one sequence.
var exactnessCases = []testCase{
	{name: "VersionsCompareExactly", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 7, maxVersion-2, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		steps := []struct {
			version uint64
			want    string
		}{
			{maxVersion - 2, "stale"},
			{maxVersion - 1, "stored"},
			{maxVersion - 2, "stale"},
			{maxVersion, "stored"},
			{maxVersion - 1, "stale"},
		}
		for _, st := range steps {
			f.expect(f.now, puts(withVersion(r, st.version)), st.want)
		}
		f.served(f.now, r.Locator, withVersion(r, maxVersion))
		f.expect(f.now, extend("sim-swift", r.Locator, maxVersion-1, f.at(2*time.Hour)), "stale")
		f.expect(f.now, withdraw("sim-swift", r.Locator, maxVersion-1), "stale")
		f.expect(f.now, withdraw("sim-swift", r.Locator, maxVersion), "stored")
		f.served(f.now, r.Locator)
	}},
	{name: "ExpiryIsExactToTheNanosecond", run: func(f *fixture) {
		edge := Record(f.t, "sim-swift", 8, 1, f.at(time.Nanosecond))
		odd := Record(f.t, "sim-swift", 8, 1, f.at(time.Hour+123456789*time.Nanosecond))
		far := Record(f.t, "sim-swift", 8, 1, f.at(store.DefaultMaxRecordTTL))
		f.expect(f.now, puts(edge, odd, far), "stored stored stored")
		f.served(f.now, edge.Locator, edge)
		f.served(f.now, odd.Locator, odd)
		f.served(f.now, far.Locator, far)
		next := f.at(time.Nanosecond)
		f.served(next, edge.Locator)
		f.inBucket(next, 8, odd, far)
		f.expect(f.now, extend("sim-swift", odd.Locator, 1, odd.ExpiresAt.Add(time.Nanosecond)), "stored")
		f.served(odd.ExpiresAt, odd.Locator, withExpiry(odd, odd.ExpiresAt.Add(time.Nanosecond)))
		f.served(odd.ExpiresAt.Add(time.Nanosecond), odd.Locator)
	}},
	{name: "SameLocatorTwiceInABatchAppliesInOrder", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 2, 1, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		f.expect(f.now, puts(withVersion(r, 2), withVersion(r, 3)), "stored stored")
		f.expect(f.now, puts(withVersion(r, 5), withVersion(r, 4)), "stored stale")
		f.served(f.now, r.Locator, withVersion(r, 5))
		b := puts(withVersion(r, 6))
		b.Extend = []store.Extension{
			{Locator: r.Locator, Version: 6, ExpiresAt: f.at(2 * time.Hour)},
			{Locator: r.Locator, Version: 6, ExpiresAt: f.at(3 * time.Hour)},
			{Locator: r.Locator, Version: 6, ExpiresAt: f.at(3 * time.Hour)},
		}
		f.expect(f.now, b, "stored stored stored stale")
		f.served(f.now, r.Locator, withExpiry(withVersion(r, 6), f.at(3*time.Hour)))
	}},
	{name: "MixedBatchAcrossBucketsAnswersEveryItem", run: func(f *fixture) {
		held := Record(f.t, "sim-swift", 10, 5, f.at(time.Hour))
		f.expect(f.now, puts(held), "stored")
		fresh := []crypto.SealedRecord{
			Record(f.t, "sim-swift", 10, 1, f.at(time.Hour)),
			Record(f.t, "sim-swift", 11, 1, f.at(time.Hour)),
			Record(f.t, "sim-swift", 12, 1, f.at(time.Hour)),
		}
		b := puts(
			fresh[0], withVersion(held, 3), fresh[1],
			Record(f.t, "sim-swift", 11, 1, f.at(-time.Minute)), fresh[2],
		)
		b.Withdraw = []store.Withdrawal{{Locator: fresh[1].Locator, Version: 1}, {Locator: held.Locator, Version: 4}}
		f.expect(f.now, b, "stored stale stored stale stored stored stale")
		f.served(f.now, held.Locator, held)
		f.inBucket(f.now, 10, held, fresh[0])
		f.inBucket(f.now, 11)
		f.inBucket(f.now, 12, fresh[2])
	}},
}
