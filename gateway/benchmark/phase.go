package benchmark

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// A phase runs one side of a figure — the measurement or its baseline —
// for about d and measures it.
type phase func(ctx context.Context, d time.Duration) (sample, error)

// sample is what one phase measured.
type sample struct {
	rate     float64 // operations (requests, evaluations, records) a second
	p50, p99 time.Duration
	n        int // operations
}

// sequential runs op one call after another for d (at least once) and
// measures each call: the phase of a latency figure.
func sequential(op func(ctx context.Context, i int) error) phase {
	return func(ctx context.Context, d time.Duration) (sample, error) {
		var latencies []time.Duration
		start := time.Now()
		for i := 0; i == 0 || time.Since(start) < d; i++ {
			t := time.Now()
			if err := op(ctx, i); err != nil {
				return sample{}, err
			}
			latencies = append(latencies, time.Since(t))
		}
		return summarize(latencies, time.Since(start), 1), nil
	}
}

// concurrent runs op in workers loops at once for d (each at least once):
// the phase of an in-process baseline of a throughput figure. Each call
// counts perCall operations (records of a pipeline, for instance).
func concurrent(workers int, perCall float64, op func(ctx context.Context, worker, i int) error) phase {
	return func(ctx context.Context, d time.Duration) (sample, error) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			latencies []time.Duration
			firstErr  error
		)
		start := time.Now()
		for w := range workers {
			wg.Go(func() {
				var own []time.Duration
				for i := 0; i == 0 || (time.Since(start) < d && ctx.Err() == nil); i++ {
					t := time.Now()
					if err := op(ctx, w, i); err != nil {
						mu.Lock()
						firstErr = cmpErr(firstErr, err)
						mu.Unlock()
						cancel()
						return
					}
					own = append(own, time.Since(t))
				}
				mu.Lock()
				latencies = append(latencies, own...)
				mu.Unlock()
			})
		}
		wg.Wait()
		if firstErr != nil {
			return sample{}, firstErr
		}
		return summarize(latencies, time.Since(start), perCall), nil
	}
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// summarize turns the calls' latencies over elapsed into a sample.
func summarize(latencies []time.Duration, elapsed time.Duration, perCall float64) sample {
	slices.Sort(latencies)
	return sample{
		rate: float64(len(latencies)) * perCall / elapsed.Seconds(),
		p50:  quantile(latencies, 0.50),
		p99:  quantile(latencies, 0.99),
		n:    len(latencies),
	}
}

// quantile is the nearest-rank q-quantile of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(float64(len(sorted))*q)) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// checkStatus is a helper for phases that read answers themselves.
func checkStatus(what string, got, want int) error {
	if got != want {
		return fmt.Errorf("%s answered %d, want %d", what, got, want)
	}
	return nil
}
