package simulator

import (
	"math/rand/v2"
	"time"
)

// timeline builds a parcel's events in order: it keeps the current
// simulated instant and moves it forward by plausible amounts.
type timeline struct {
	rng    *rand.Rand
	at     time.Time
	events []event
}

func newTimeline(rng *rand.Rand, start time.Time) *timeline {
	return &timeline{rng: rng, at: start.Truncate(time.Second), events: make([]event, 0, 16)}
}

// emit records an event of kind k in city c at the current instant and
// returns its index.
func (t *timeline) emit(k eventKind, c cityID) int {
	return t.emitAux(k, c, 0)
}

func (t *timeline) emitAux(k eventKind, c cityID, aux uint16) int {
	if n := len(t.events); n > 0 && t.at.Unix() <= t.events[n-1].at {
		// Two scans never share a second; keeps views strictly ordered.
		t.at = time.Unix(t.events[n-1].at+1+t.rng.Int64N(60), 0)
	}
	t.events = append(t.events, event{at: t.at.Unix(), kind: k, city: c, aux: aux})
	return len(t.events) - 1
}

// wait moves the clock forward by a random duration in [lo, hi).
func (t *timeline) wait(lo, hi time.Duration) {
	t.at = t.at.Add(lo + time.Duration(t.rng.Int64N(int64(hi-lo)))).Truncate(time.Second)
}

// daytime moves the clock to a random instant within the next local
// window [from, to) after midnight in city c (staying today if the window
// has not closed yet): couriers deliver and pick up by day.
func (t *timeline) daytime(c cityID, from, to time.Duration) {
	loc := c.city().loc
	local := t.at.In(loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	lo, hi := midnight.Add(from), midnight.Add(to)
	if !t.at.Before(hi) {
		lo, hi = lo.AddDate(0, 0, 1), hi.AddDate(0, 0, 1)
	}
	if t.at.After(lo) {
		lo = t.at
	}
	t.at = lo
	t.wait(0, hi.Sub(lo))
}

// truck moves the clock by the time a line-haul truck needs from a to b.
func (t *timeline) truck(a, b cityID) {
	hours := distanceKm(a, b)/65 + 1
	d := time.Duration(hours * float64(time.Hour))
	t.wait(d*9/10, d*13/10+time.Hour)
}

// flight moves the clock by a scheduled flight from a to b, including the
// wait for it.
func (t *timeline) flight(a, b cityID) {
	hours := distanceKm(a, b)/800 + 2
	d := time.Duration(hours * float64(time.Hour))
	t.wait(d, d+6*time.Hour)
}

// expire ends a stalled timeline: 30 days without news, closed by the
// nightly job in city c.
func (t *timeline) expire(c cityID) {
	t.wait(30*24*time.Hour, 30*24*time.Hour+time.Minute)
	t.daytime(c, 2*time.Hour, 4*time.Hour)
	t.emit(kExpired, c)
}

func (t *timeline) chance(percent int) bool { return t.rng.IntN(100) < percent }

// station draws the number of a pickup point or locker: three digits,
// so that no digit run in a view is long enough to be phone digits.
func (t *timeline) station() uint16 { return uint16(100 + t.rng.IntN(900)) }
