package transparency

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Report is the transparency report of a range of UTC days, as GET
// /v1/transparency answers it.
type Report struct {
	From string `json:"from"` // YYYY-MM-DD, the first day
	To   string `json:"to"`   // YYYY-MM-DD, the last day, included
	Days []Day  `json:"days"` // every day of the range, in order
}

// Day is the counts of one UTC day. Couriers and tenants with nothing
// counted that day are left out; every refusal reason is listed, zero or
// not.
type Day struct {
	Date string `json:"date"`
	// Fetches are every bucket and record GET answered that day, with an
	// API key or without.
	Fetches  int64            `json:"fetches"`
	Couriers []CourierCounts  `json:"couriers"`
	Tenants  []TenantCounts   `json:"tenants"`
	Refusals map[string]int64 `json:"refusals"`
}

// CourierCounts are one courier's counts of a day (see the metric names).
type CourierCounts struct {
	Courier          string `json:"courier"`
	Evaluations      int64  `json:"evaluations"`
	Fetches          int64  `json:"fetches"`
	RecordsStored    int64  `json:"records_stored"`
	RecordsRefused   int64  `json:"records_refused"`
	Deliveries       int64  `json:"deliveries"`
	DeliveryFailures int64  `json:"delivery_failures"`
}

// TenantCounts are one tenant's counts of a day (see the metric names).
type TenantCounts struct {
	Tenant               string `json:"tenant"`
	Evaluations          int64  `json:"evaluations"`
	Fetches              int64  `json:"fetches"`
	SubscriptionsCreated int64  `json:"subscriptions_created"`
	SubscriptionsEnded   int64  `json:"subscriptions_ended"`
	Deliveries           int64  `json:"deliveries"`
	DeliveryFailures     int64  `json:"delivery_failures"`
	DeadLetters          int64  `json:"dead_letters"`
	Replays              int64  `json:"replays"`
}

func (c *CourierCounts) counter(metric string) *int64 {
	switch metric {
	case Evaluations:
		return &c.Evaluations
	case Fetches:
		return &c.Fetches
	case RecordsStored:
		return &c.RecordsStored
	case RecordsRefused:
		return &c.RecordsRefused
	case Deliveries:
		return &c.Deliveries
	case DeliveryFailures:
		return &c.DeliveryFailures
	}
	return nil
}

func (t *TenantCounts) counter(metric string) *int64 {
	switch metric {
	case Evaluations:
		return &t.Evaluations
	case Fetches:
		return &t.Fetches
	case SubscriptionsCreated:
		return &t.SubscriptionsCreated
	case SubscriptionsEnded:
		return &t.SubscriptionsEnded
	case Deliveries:
		return &t.Deliveries
	case DeliveryFailures:
		return &t.DeliveryFailures
	case DeadLetters:
		return &t.DeadLetters
	case Replays:
		return &t.Replays
	}
	return nil
}

// DateLayout is how a day is written: YYYY-MM-DD.
const DateLayout = time.DateOnly

// MaxDays is the most days one report covers: a leap year.
const MaxDays = 366

// Retention is how long a day's counts are kept.
const Retention = 400 * 24 * time.Hour

// ErrRange is matched (errors.Is) by the errors of ParseDay and
// CheckRange, whose texts are sentences for the reader of the report.
var ErrRange = errors.New("bad report range")

// rangeError is a mistake in a report's range, said as a sentence.
type rangeError struct{ sentence string }

func (e *rangeError) Error() string        { return e.sentence }
func (e *rangeError) Is(target error) bool { return target == ErrRange }

func rangeErrorf(format string, args ...any) error {
	return &rangeError{fmt.Sprintf(format, args...)}
}

// ParseDay reads the date named (from or to) as YYYY-MM-DD, a UTC day.
// The error does not repeat the value.
func ParseDay(name, s string) (time.Time, error) {
	day, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, rangeErrorf("%q must be a real UTC date written YYYY-MM-DD, such as 2026-12-04.", name)
	}
	return day, nil
}

// CheckRange checks that from is not after to and that the range holds
// at most MaxDays days.
func CheckRange(from, to time.Time) error {
	from, to = dayOf(from), dayOf(to)
	if to.Before(from) {
		return rangeErrorf("\"to\" is before \"from\"; a report runs from its first day to its last, both included.")
	}
	if n := dayCount(from, to); n > MaxDays {
		return rangeErrorf("The range holds %d days; a report covers at most %d, so ask for a year at a time.", n, MaxDays)
	}
	return nil
}

// dayOf is the UTC day of t, at midnight.
func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dayCount(from, to time.Time) int {
	return int(to.Sub(from)/(24*time.Hour)) + 1
}

// dates lists the days from from to to, both included, as YYYY-MM-DD.
func dates(from, to time.Time) []string {
	from, to = dayOf(from), dayOf(to)
	var out []string
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(DateLayout))
	}
	return out
}

// newReport assembles the report of the days named by dates from their
// counts, fields as field writes them; fields it does not know are left
// out.
func newReport(dates []string, counts []map[string]int64) Report {
	r := Report{From: dates[0], To: dates[len(dates)-1], Days: make([]Day, len(dates))}
	for i, date := range dates {
		r.Days[i] = newDay(date, counts[i])
	}
	return r
}

func newDay(date string, counts map[string]int64) Day {
	day := Day{Date: date, Couriers: []CourierCounts{}, Tenants: []TenantCounts{}, Refusals: map[string]int64{}}
	for _, reason := range Reasons() {
		day.Refusals[reason] = 0
	}
	couriers := map[string]*CourierCounts{}
	tenants := map[string]*TenantCounts{}
	for f, n := range counts {
		scope, metric, ok := parseField(f)
		if !ok {
			continue
		}
		switch {
		case scope.Courier != "":
			c := couriers[scope.Courier]
			if c == nil {
				c = &CourierCounts{Courier: scope.Courier}
				couriers[scope.Courier] = c
			}
			*c.counter(metric) += n
		case scope.Tenant != "":
			t := tenants[scope.Tenant]
			if t == nil {
				t = &TenantCounts{Tenant: scope.Tenant}
				tenants[scope.Tenant] = t
			}
			*t.counter(metric) += n
		case metric == Fetches:
			day.Fetches += n
		default:
			day.Refusals[metric] += n
		}
	}
	for _, id := range slices.Sorted(maps.Keys(couriers)) {
		day.Couriers = append(day.Couriers, *couriers[id])
	}
	for _, id := range slices.Sorted(maps.Keys(tenants)) {
		day.Tenants = append(day.Tenants, *tenants[id])
	}
	return day
}

// Courier returns the counts of courier on the day (zero if none).
func (d *Day) Courier(id string) CourierCounts {
	if i := slices.IndexFunc(d.Couriers, func(c CourierCounts) bool { return c.Courier == id }); i >= 0 {
		return d.Couriers[i]
	}
	return CourierCounts{Courier: id}
}

// Tenant returns the counts of tenant on the day (zero if none).
func (d *Day) Tenant(id string) TenantCounts {
	if i := slices.IndexFunc(d.Tenants, func(t TenantCounts) bool { return t.Tenant == id }); i >= 0 {
		return d.Tenants[i]
	}
	return TenantCounts{Tenant: id}
}
