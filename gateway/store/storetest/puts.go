package storetest

import (
	"context"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

// putCases: the version rule of one courier's puts, expiry, reads.
var putCases = []testCase{
	{name: "PutIsServedByLocatorAndBucket", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 3, 1, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		f.served(f.now, r.Locator, r)
		f.inBucket(f.now, 3, r)
	}},
	{name: "HigherVersionReplaces", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 3, 4, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		newer := withVersion(r, 9)
		f.expect(f.now, puts(newer), "stored")
		f.served(f.now, r.Locator, newer)
		f.inBucket(f.now, 3, newer)
	}},
	{name: "EqualOrLowerVersionIsStaleAndIgnored", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 3, 5, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		f.expect(f.now, puts(withVersion(r, 5), withVersion(r, 4), withVersion(r, 1)), "stale stale stale")
		f.served(f.now, r.Locator, r)
	}},
	{name: "AlreadyExpiredPutIsStale", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 3, 1, f.at(time.Hour))
		f.expect(f.now, puts(withExpiry(r, f.now), withExpiry(r, f.at(-time.Second))), "stale stale")
		f.served(f.now, r.Locator)
		f.expect(f.now, puts(r), "stored")
		f.expect(f.now, puts(withExpiry(withVersion(r, 2), f.now)), "stale")
		f.served(f.now, r.Locator, r)
	}},
	{name: "ExpiresAtIsCappedToMaxRecordTTL", run: func(f *fixture) {
		year9999 := time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
		r := Record(f.t, "sim-swift", 3, 1, year9999)
		f.expect(f.now, puts(r), "stored")
		capped := withExpiry(r, f.at(store.DefaultMaxRecordTTL))
		f.served(f.now, r.Locator, capped)
		f.served(f.at(store.DefaultMaxRecordTTL-time.Nanosecond), r.Locator, capped)
		f.served(f.at(store.DefaultMaxRecordTTL), r.Locator)
		f.inBucket(f.at(store.DefaultMaxRecordTTL), 3)
	}},
	{name: "ExpiresAtIsCappedToAConfiguredMaxRecordTTL", limits: store.Limits{MaxRecordTTL: time.Hour}, run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 3, 1, f.at(2*time.Hour))
		f.expect(f.now, puts(r), "stored")
		f.served(f.now, r.Locator, withExpiry(r, f.at(time.Hour)))
		f.served(f.at(time.Hour), r.Locator)
	}},
	{name: "BucketHoldsExactlyItsRecords", run: func(f *fixture) {
		a := Record(f.t, "sim-swift", 5, 1, f.at(time.Hour))
		b := Record(f.t, "sim-swift", 5, 2, f.at(time.Hour))
		c := Record(f.t, "sim-panda", 5, 2, f.at(time.Hour))
		other := Record(f.t, "sim-swift", 6, 1, f.at(time.Hour))
		f.expect(f.now, puts(a, b, other), "stored stored stored")
		f.expect(f.now, puts(c), "stored")
		f.inBucket(f.now, 5, a, b, c)
		f.inBucket(f.now, 6, other)
		f.inBucket(f.now, 200)
	}},
	{name: "ExpiredRecordsAreNotServed", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 9, 1, f.at(time.Minute))
		f.expect(f.now, puts(r), "stored")
		f.served(f.at(time.Minute-time.Nanosecond), r.Locator, r)
		f.served(f.at(time.Minute), r.Locator)
		f.inBucket(f.at(time.Minute), 9)
		f.served(f.at(2*time.Minute), r.Locator)
		f.inBucket(f.at(2*time.Minute), 9)
	}},
	{name: "ExpiredRecordCanBeReplacedAtAnyVersion", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 9, 8, f.at(time.Minute))
		f.expect(f.now, puts(r), "stored")
		later := f.at(2 * time.Minute)
		fresh := withExpiry(withVersion(r, 2), later.Add(time.Hour))
		f.expect(later, puts(fresh), "stored")
		f.served(later, r.Locator, fresh)
	}},
	{name: "RepeatedBatchIsIdempotent", run: func(f *fixture) {
		a := Record(f.t, "sim-swift", 1, 3, f.at(time.Hour))
		b := Record(f.t, "sim-swift", 2, 3, f.at(time.Hour))
		batch := puts(a, b)
		batch.Extend = []store.Extension{{Locator: a.Locator, Version: 3, ExpiresAt: f.at(2 * time.Hour)}}
		f.expect(f.now, batch, "stored stored stored")
		f.expect(f.now, batch, "stale stale stale")
		f.served(f.now, a.Locator, withExpiry(a, f.at(2*time.Hour)))
		f.served(f.now, b.Locator, b)
	}},
	{name: "UnknownLocatorOrBucketHasNoRecords", run: func(f *fixture) {
		for _, loc := range [][]byte{make([]byte, crypto.LocatorSize), {1, 2, 3}, nil} {
			got, err := f.s.Locator(context.Background(), loc, f.now)
			if err != nil || len(got) != 0 {
				f.t.Fatalf("Locator(%x): %d records, err %v; want none, nil", loc, len(got), err)
			}
			pub, err := f.s.PublicLocator(context.Background(), loc, f.now)
			if err != nil || pub == nil || len(pub) != 0 {
				f.t.Fatalf("PublicLocator(%x): %d records (nil %v), err %v; want none, nil", loc, len(pub), pub == nil, err)
			}
		}
		got, err := f.s.Bucket(context.Background(), 1<<BucketBits, f.now)
		if err != nil || len(got) != 0 {
			f.t.Fatalf("Bucket beyond bucket_bits: %d records, err %v; want none, nil", len(got), err)
		}
		pub, err := f.s.PublicBucket(context.Background(), 1<<BucketBits, f.now)
		if err != nil || pub == nil || len(pub) != 0 {
			f.t.Fatalf("PublicBucket beyond bucket_bits: %d records (nil %v), err %v; want none, nil", len(pub), pub == nil, err)
		}
	}},
	{name: "ReturnedRecordsDoNotAliasStoredData", run: func(f *fixture) {
		r := Record(f.t, "sim-swift", 4, 1, f.at(time.Hour))
		f.expect(f.now, puts(r), "stored")
		got, err := f.s.Locator(context.Background(), r.Locator, f.now)
		if err != nil || len(got) != 1 {
			f.t.Fatalf("Locator: %d records, err %v", len(got), err)
		}
		got[0].Ciphertext[0] ^= 0xff
		got[0].Locator[0] ^= 0xff
		bucket, err := f.s.Bucket(context.Background(), 4, f.now)
		if err != nil || len(bucket) != 1 {
			f.t.Fatalf("Bucket: %d records, err %v", len(bucket), err)
		}
		bucket[0].Nonce[0] ^= 0xff
		f.served(f.now, r.Locator, r)
	}},
	{name: "ResultsFollowTheOrderRecordsExtendWithdraw", run: func(f *fixture) {
		held := Record(f.t, "sim-swift", 7, 5, f.at(time.Hour))
		f.expect(f.now, puts(held), "stored")
		fresh := Record(f.t, "sim-swift", 8, 1, f.at(time.Hour))
		b := puts(fresh, withVersion(held, 4))
		b.Extend = []store.Extension{
			{Locator: held.Locator, Version: 5, ExpiresAt: f.at(2 * time.Hour)},
			{Locator: fresh.Locator, Version: 2, ExpiresAt: f.at(2 * time.Hour)},
		}
		b.Withdraw = []store.Withdrawal{
			{Locator: held.Locator, Version: 3},
			{Locator: fresh.Locator, Version: 1},
		}
		f.expect(f.now, b, "stored stale stored stale stale stored")
		f.served(f.now, held.Locator, withExpiry(held, f.at(2*time.Hour)))
		f.served(f.now, fresh.Locator)
	}},
}
