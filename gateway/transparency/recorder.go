package transparency

import (
	"context"
	"time"
)

// Recorder keeps the report's counts and answers the report.
//
// Add adds n to a metric of a scope on the UTC day of day. It never fails
// and never waits on anything slow: a count that cannot be kept is lost,
// never the request that made it. A scope or metric the report does not
// know (see Scope and the metric names) and n ≤ 0 are dropped.
//
// Report answers the counts of every UTC day from from to to, both
// included (at most MaxDays; see CheckRange). It fails when the counts
// cannot be read now.
type Recorder interface {
	Add(ctx context.Context, day time.Time, scope Scope, metric string, n int64)
	Report(ctx context.Context, from, to time.Time) (Report, error)
}

// Runner is a Recorder with background work (writing its buffer out):
// the gateway's Run runs it until its context ends.
type Runner interface {
	Run(ctx context.Context)
}

// Hook counts n of a metric for a scope today. The gateway gives one to
// the packages that count (the delivery engine, the subscription routes),
// so they need neither the Recorder nor the clock.
type Hook func(ctx context.Context, scope Scope, metric string, n int64)

// HookFor counts into r on the day now gives.
func HookFor(r Recorder, now func() time.Time) Hook {
	return func(ctx context.Context, scope Scope, metric string, n int64) {
		r.Add(ctx, now(), scope, metric, n)
	}
}
