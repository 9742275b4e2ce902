package benchmark

import (
	"context"
	"fmt"
	"time"
)

// bench is one run: its profile, what it started, where progress goes.
type bench struct {
	profile  Profile
	dep      *deployment
	progress func(format string, args ...any)
}

// rounds is what a figure's rounds measured, side by side.
type rounds struct{ measured, baseline []sample }

// interleave runs measured and baseline for d each, alternately, for the
// profile's rounds, after one unrecorded warm-up of each side. The order
// flips every round (measured first, then baseline first, …), so that a
// machine getting busier or quieter during a round pair weighs on both
// sides alike. A profile without warm-up skips it.
func (b *bench) interleave(ctx context.Context, id string, d time.Duration, measured, baseline phase, show func(sample) string) (rounds, error) {
	for _, p := range []phase{measured, baseline} {
		if b.profile.Warmup <= 0 {
			break
		}
		if _, err := p(ctx, b.profile.Warmup); err != nil {
			return rounds{}, fmt.Errorf("%s warm-up: %w", id, err)
		}
	}
	var r rounds
	for i := range b.profile.Rounds {
		first, second := measured, baseline
		if i%2 == 1 {
			first, second = baseline, measured
		}
		a, err := first(ctx, d)
		if err != nil {
			return rounds{}, fmt.Errorf("%s round %d: %w", id, i+1, err)
		}
		z, err := second(ctx, d)
		if err != nil {
			return rounds{}, fmt.Errorf("%s round %d: %w", id, i+1, err)
		}
		if i%2 == 1 {
			a, z = z, a
		}
		r.measured, r.baseline = append(r.measured, a), append(r.baseline, z)
		b.progress("%s round %d/%d: measured %s; baseline %s", id, i+1, b.profile.Rounds, show(a), show(z))
	}
	return r, nil
}

// showRate describes a throughput sample for progress lines.
func showRate(unit string) func(sample) string {
	return func(s sample) string {
		return fmt.Sprintf("%s %s (p50 %s ms, %d requests)", number(s.rate), unit, number(ms(s.p50)), s.n)
	}
}

// showLatency describes a latency sample for progress lines.
func showLatency(s sample) string {
	return fmt.Sprintf("p50 %s ms, p99 %s ms (%d calls)", number(ms(s.p50)), number(ms(s.p99)), s.n)
}
