package benchmark

import (
	"fmt"
	"slices"
	"time"
)

// Kind is how a figure compares with its baseline.
type Kind string

const (
	// KindThroughput: operations a second; Ratio = measured ÷ baseline.
	KindThroughput Kind = "throughput"
	// KindLatency: p50 in milliseconds, one operation at a time;
	// OverheadMs = measured − baseline.
	KindLatency Kind = "latency"
	// KindMemory: bytes per record; Ratio = measured ÷ baseline.
	KindMemory Kind = "memory"
)

// Figure is one measured figure, its baseline and its goals.
type Figure struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  Kind   `json:"kind"`
	// Unit is that of the sides' Value: "requests/s", "evaluations/s",
	// "records/s", "ms" (a p50) or "bytes/record".
	Unit     string `json:"unit"`
	Measured Side   `json:"measured"`
	Baseline Side   `json:"baseline"`
	// Ratio is Measured.Value ÷ Baseline.Value, for every kind.
	Ratio float64 `json:"ratio"`
	// OverheadMs is Measured.P50Ms − Baseline.P50Ms, for latency figures.
	OverheadMs *float64 `json:"overhead_ms,omitempty"`
	Goals      []Goal   `json:"goals"`
	// Holds is whether every goal holds.
	Holds bool `json:"holds"`
}

// Side is one side of a figure: the medians of its rounds.
type Side struct {
	// What ran, in a few words.
	What  string  `json:"what"`
	Value float64 `json:"value"`
	// P50Ms and P99Ms are the medians of the rounds' latency quantiles
	// (none for memory).
	P50Ms float64 `json:"p50_ms,omitempty"`
	P99Ms float64 `json:"p99_ms,omitempty"`
	// Rounds are the rounds' values, in order.
	Rounds []float64 `json:"rounds"`
}

// Goal is a bound a figure must meet.
type Goal struct {
	Text  string `json:"text"`
	Holds bool   `json:"holds"`
}

// throughputFigure makes a figure of operations a second from rounds.
func throughputFigure(id, title, unit, measured, baseline string, r rounds) Figure {
	rate := func(s sample) float64 { return s.rate }
	return ratioFigure(Figure{ID: id, Title: title, Kind: KindThroughput, Unit: unit,
		Measured: side(measured, r.measured, rate), Baseline: side(baseline, r.baseline, rate)})
}

// latencyFigure makes a figure of p50 latencies from rounds.
func latencyFigure(id, title, measured, baseline string, r rounds) Figure {
	p50 := func(s sample) float64 { return ms(s.p50) }
	f := ratioFigure(Figure{ID: id, Title: title, Kind: KindLatency, Unit: "ms",
		Measured: side(measured, r.measured, p50), Baseline: side(baseline, r.baseline, p50)})
	overhead := f.Measured.P50Ms - f.Baseline.P50Ms
	f.OverheadMs = &overhead
	return f
}

func ratioFigure(f Figure) Figure {
	if f.Baseline.Value > 0 {
		f.Ratio = f.Measured.Value / f.Baseline.Value
	}
	return f
}

func side(what string, samples []sample, value func(sample) float64) Side {
	s := Side{What: what, Rounds: make([]float64, len(samples))}
	p50s := make([]float64, len(samples))
	p99s := make([]float64, len(samples))
	for i, x := range samples {
		s.Rounds[i] = value(x)
		p50s[i], p99s[i] = ms(x.p50), ms(x.p99)
	}
	s.Value, s.P50Ms, s.P99Ms = median(s.Rounds), median(p50s), median(p99s)
	return s
}

// withGoals sets the figure's goals and whether they all hold.
func (f Figure) withGoals(goals ...Goal) Figure {
	f.Goals = goals
	f.Holds = true
	for _, g := range goals {
		f.Holds = f.Holds && g.Holds
	}
	return f
}

// ratioAtLeast: measured ≥ x × baseline.
func (f Figure) ratioAtLeast(x float64) Goal {
	return Goal{Text: fmt.Sprintf("≥ %.2f× baseline", x), Holds: f.Ratio >= x}
}

// ratioAtMost: measured ≤ x × baseline.
func (f Figure) ratioAtMost(x float64) Goal {
	return Goal{Text: fmt.Sprintf("≤ %.2f× baseline", x), Holds: f.Ratio <= x}
}

// valueAtLeast: measured ≥ x in the figure's unit.
func (f Figure) valueAtLeast(x float64) Goal {
	return Goal{Text: fmt.Sprintf("≥ %s %s", number(x), f.Unit), Holds: f.Measured.Value >= x}
}

// overheadAtMost: measured p50 ≤ baseline p50 + d.
func (f Figure) overheadAtMost(d time.Duration) Goal {
	return Goal{Text: fmt.Sprintf("≤ +%s ms p50", number(ms(d))), Holds: f.OverheadMs != nil && *f.OverheadMs <= ms(d)}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// median of xs (0 for none); xs is not changed.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
