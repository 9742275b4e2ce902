package benchmark

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestInterleaveFlipsTheOrderEachRound checks the order of the phases
// (both warmed up first, then measured and baseline, baseline and
// measured, …) and that each side's samples are its own.
func TestInterleaveFlipsTheOrderEachRound(t *testing.T) {
	var order []string
	fake := func(name string, rate float64) phase {
		return func(_ context.Context, d time.Duration) (sample, error) {
			order = append(order, name+"/"+d.String())
			return sample{rate: rate, p50: time.Millisecond, p99: 2 * time.Millisecond, n: 1}, nil
		}
	}
	b := &bench{profile: Profile{Rounds: 3, Warmup: time.Microsecond}, progress: func(string, ...any) {}}
	r, err := b.interleave(t.Context(), "fake", time.Second, fake("m", 10), fake("b", 20), showLatency)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"m/1µs", "b/1µs", "m/1s", "b/1s", "b/1s", "m/1s", "m/1s", "b/1s"}
	if !slices.Equal(order, want) {
		t.Errorf("phases ran in order %v, want %v", order, want)
	}
	for i := range 3 {
		if r.measured[i].rate != 10 || r.baseline[i].rate != 20 {
			t.Errorf("round %d: measured %v, baseline %v: the sides are mixed up", i+1, r.measured[i], r.baseline[i])
		}
	}
}

func TestSequentialRunsAtLeastOnce(t *testing.T) {
	calls := 0
	s, err := sequential(func(context.Context, int) error { calls++; return nil })(t.Context(), 0)
	if err != nil || calls != 1 || s.n != 1 {
		t.Errorf("calls %d, sample %+v, err %v: want exactly one call", calls, s, err)
	}
}

func TestInterleaveWithoutWarmup(t *testing.T) {
	var calls []time.Duration
	p := func(_ context.Context, d time.Duration) (sample, error) {
		calls = append(calls, d)
		return sample{rate: 1, n: 1}, nil
	}
	b := &bench{profile: Profile{Rounds: 1}, progress: func(string, ...any) {}}
	if _, err := b.interleave(t.Context(), "fake", time.Second, p, p, showLatency); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(calls, []time.Duration{time.Second, time.Second}) {
		t.Errorf("phases ran for %v, want one round and no warm-up (vegeta would run a 0 s attack forever)", calls)
	}
}
