package delivery

import (
	"math/rand/v2"
	"time"
)

// Defaults of Retry (docs/protocol.md §10).
const (
	DefaultRetryInitial = 10 * time.Second
	DefaultRetryMax     = time.Hour
	DefaultRetryFor     = 24 * time.Hour
)

// Retry is when a failed delivery is tried again: after the n-th failure,
// at a time drawn uniformly between now and Initial·2^(n−1), capped at Max
// (exponential backoff with full jitter, so that the deliveries a
// receiver's outage failed together do not come back together), until
// For has passed since the first attempt; the next failure makes it a
// dead letter.
type Retry struct {
	Initial, Max, For time.Duration
}

func (r Retry) withDefaults() Retry {
	if r.Initial <= 0 {
		r.Initial = DefaultRetryInitial
	}
	if r.Max <= 0 {
		r.Max = DefaultRetryMax
	}
	if r.Max < r.Initial {
		r.Max = r.Initial
	}
	if r.For <= 0 {
		r.For = DefaultRetryFor
	}
	return r
}

// Delay is the wait after the failures-th failure (from 1).
func (r Retry) Delay(failures int) time.Duration {
	ceiling := r.Initial
	for i := 1; i < failures && ceiling < r.Max; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, r.Max)
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// GiveUp reports whether a delivery first tried at first is dead when an
// attempt fails at now.
func (r Retry) GiveUp(first, now time.Time) bool { return now.Sub(first) >= r.For }
