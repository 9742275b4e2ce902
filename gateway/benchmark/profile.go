package benchmark

import (
	"io"
	"time"

	"github.com/trackgate/trackgate/gateway/courierhost/outbox"
)

// Profile sizes a run: how many rounds, how long each side of a round
// runs, how much load and how much data.
type Profile struct {
	Name string
	// Rounds is how many times each figure alternates its measurement
	// and its baseline; the figure is the median of the rounds.
	Rounds int
	// Throughput is how long one side of one round of a throughput
	// figure (reads, evaluate, publish) runs; Latency the same for the
	// latency figures (lookup, fan-out). Warmup runs each side once,
	// unrecorded, before the first round.
	Throughput time.Duration
	Latency    time.Duration
	Warmup     time.Duration
	// Workers is the fixed number of requests in flight of the read and
	// evaluate figures (and of their baselines); PublishWorkers that of
	// the publish figure, whose requests are megabytes each.
	Workers        int
	PublishWorkers int
	// Parcels is the number of parcels of each simulated courier, and
	// BucketBits the deployment's bucket_bits: together they set how many
	// records a bucket holds, hence the size of a bucket answer.
	Parcels    int
	BucketBits int
	// ReadTargets is how many buckets (and locators) the read figures
	// cycle through.
	ReadTargets int
	// PublishBatchBytes bounds the JSON of one publish, as a courier
	// host's outbox bounds its batches (outbox.DefaultMaxBatchBytes).
	PublishBatchBytes int
	// MemoryRecords is how many new records each round of the memory
	// figure stores.
	MemoryRecords int
	// FanoutDelay is how long the fan-out figures' courier hosts wait
	// before they answer an evaluation.
	FanoutDelay time.Duration
}

// The profiles. Short is the default of `trackgate bench`: under two
// minutes on a 2-core machine. Long is the run for the documentation.
// Tiny runs in seconds, for tests: its numbers mean nothing.
var (
	Short = Profile{
		Name: "short", Rounds: 3, Throughput: 1500 * time.Millisecond, Latency: time.Second, Warmup: 300 * time.Millisecond,
		Workers: 8, PublishWorkers: 4, Parcels: 2000, BucketBits: 10, ReadTargets: 128,
		PublishBatchBytes: outbox.DefaultMaxBatchBytes, MemoryRecords: 2000, FanoutDelay: 20 * time.Millisecond,
	}
	Long = Profile{
		Name: "long", Rounds: 7, Throughput: 5 * time.Second, Latency: 3 * time.Second, Warmup: time.Second,
		Workers: 8, PublishWorkers: 4, Parcels: 2000, BucketBits: 10, ReadTargets: 256,
		PublishBatchBytes: outbox.DefaultMaxBatchBytes, MemoryRecords: 5000, FanoutDelay: 20 * time.Millisecond,
	}
	Tiny = Profile{
		Name: "tiny", Rounds: 2, Throughput: 150 * time.Millisecond, Latency: 150 * time.Millisecond, Warmup: 30 * time.Millisecond,
		Workers: 2, PublishWorkers: 1, Parcels: 20, BucketBits: 4, ReadTargets: 4,
		PublishBatchBytes: 64 << 10, MemoryRecords: 40, FanoutDelay: 5 * time.Millisecond,
	}
)

// Options are what Run is asked to do.
type Options struct {
	Profile Profile
	// Only lists the scenarios to run (see Scenarios); empty runs all.
	Only []string
	// RedisServer is the redis-server program to start; empty looks it
	// up in PATH.
	RedisServer string
	// Progress receives a line per step and round; nil discards them.
	Progress io.Writer
}
