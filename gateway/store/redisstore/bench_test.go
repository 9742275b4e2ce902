package redisstore

import (
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

// The benchmarks run the memory store first as the baseline, then Redis
// (a redis-server on loopback, or TRACKGATE_TEST_REDIS_URL), which
// reports its time per operation as a multiple of memory's: x-memory.

// BenchmarkApply publishes a batch of 1000 records over the 256 buckets
// of bucket_bits 8, each time a new version of the same parcels (the
// common case: couriers republish what changed), so every record is
// stored.
func BenchmarkApply(b *testing.B) {
	const batchSize = 1000
	batch := make([]crypto.SealedRecord, batchSize)
	for i := range batch {
		batch[i] = storetest.Record(b, "sim-swift", uint32(i)%(1<<storetest.BucketBits), 1, testNow.Add(time.Hour))
	}
	compareStores(b, func(b *testing.B, s store.Store) func() {
		version := uint64(0)
		return func() {
			version++
			for i := range batch {
				batch[i].Version = version
			}
			if stored, err := storedOf(s.Apply(b.Context(), puts(batch...), testNow)); err != nil || stored != batchSize {
				b.Fatalf("stored %d of %d, err %v", stored, batchSize, err)
			}
		}
	})
}

// BenchmarkBucket reads a bucket of 64 records, as a client fetching
// privately does.
func BenchmarkBucket(b *testing.B) {
	const bucket, size = 5, 64
	batch := make([]crypto.SealedRecord, size)
	for i := range batch {
		batch[i] = storetest.Record(b, "sim-swift", bucket, 1, testNow.Add(time.Hour))
	}
	compareStores(b, func(b *testing.B, s store.Store) func() {
		if stored, err := storedOf(s.Apply(b.Context(), puts(batch...), testNow)); err != nil || stored != size {
			b.Fatalf("stored %d of %d, err %v", stored, size, err)
		}
		return func() {
			if got, err := s.Bucket(b.Context(), bucket, testNow); err != nil || len(got) != size {
				b.Fatalf("bucket holds %d of %d, err %v", len(got), size, err)
			}
		}
	})
}

// compareStores runs op (prepared by setup on an empty store) against the
// memory store, then against Redis, and reports Redis's x-memory.
func compareStores(b *testing.B, setup func(b *testing.B, s store.Store) func()) {
	r := redistest.Single(b)
	var memoryPerOp float64
	measure := func(b *testing.B, s store.Store) float64 {
		op := setup(b, s)
		n := 0
		for b.Loop() {
			op()
			n++
		}
		return float64(b.Elapsed()) / float64(n)
	}
	b.Run("store=memory", func(b *testing.B) {
		memoryPerOp = measure(b, memory.New(testLimits))
	})
	b.Run("store=redis", func(b *testing.B) {
		perOp := measure(b, New(r.Client, testLimits, WithKeyPrefix(r.Prefix(b))))
		if memoryPerOp > 0 {
			b.ReportMetric(perOp/memoryPerOp, "x-memory")
		}
	})
}
