package benchmark

import (
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := median(tt.xs); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
}

func TestQuantileIsNearestRank(t *testing.T) {
	sorted := make([]time.Duration, 100)
	for i := range sorted {
		sorted[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}}
	for _, tt := range tests {
		if got := quantile(sorted, tt.q); got != tt.want {
			t.Errorf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if got := quantile([]time.Duration{7}, 0.99); got != 7 {
		t.Errorf("quantile of one = %v, want it", got)
	}
}

// TestGoals checks each kind of goal on both sides of its bound.
func TestGoals(t *testing.T) {
	twoMs := 2.0
	f := Figure{Unit: "records/s", Ratio: 0.5, Measured: Side{Value: 25000}, OverheadMs: &twoMs}
	tests := []struct {
		goal Goal
		want bool
	}{
		{f.ratioAtLeast(0.5), true},
		{f.ratioAtLeast(0.8), false},
		{f.ratioAtMost(0.5), true},
		{f.ratioAtMost(0.4), false},
		{f.valueAtLeast(20000), true},
		{f.valueAtLeast(30000), false},
		{f.overheadAtMost(3 * time.Millisecond), true},
		{f.overheadAtMost(time.Millisecond), false},
	}
	for _, tt := range tests {
		if tt.goal.Holds != tt.want {
			t.Errorf("goal %q holds %v, want %v", tt.goal.Text, tt.goal.Holds, tt.want)
		}
	}
	if got := f.withGoals(tests[0].goal, tests[1].goal); got.Holds {
		t.Error("a figure with a goal that does not hold holds")
	}
}
