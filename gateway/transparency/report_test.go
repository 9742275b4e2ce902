package transparency

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseDayAcceptsOnlyRealDates(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"2026-12-04", true},
		{"2024-02-29", true},
		{"2026-02-29", false},
		{"2026-13-01", false},
		{"2026-1-4", false},
		{"04/12/2026", false},
		{"2026-12-04T00:00:00Z", false},
		{"", false},
		{"yesterday", false},
	} {
		day, err := ParseDay("from", tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseDay(%q) = %v, want ok %v", tt.in, err, tt.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrRange) || !strings.Contains(err.Error(), `"from"`) || (tt.in != "" && strings.Contains(err.Error(), tt.in)) {
				t.Errorf("ParseDay(%q): %q should name the parameter, not repeat the value", tt.in, err)
			}
			continue
		}
		if day.Location() != time.UTC || day.Format(DateLayout) != tt.in {
			t.Errorf("ParseDay(%q) = %v, want that UTC day", tt.in, day)
		}
	}
}

func TestCheckRangeAllowsAtMost366DaysInOrder(t *testing.T) {
	day := func(s string) time.Time { d, _ := ParseDay("d", s); return d }
	for _, tt := range []struct {
		from, to string
		ok       bool
	}{
		{"2026-12-04", "2026-12-04", true},
		{"2024-01-01", "2024-12-31", true}, // a leap year, 366 days
		{"2025-01-01", "2026-01-01", true}, // 366 days
		{"2025-01-01", "2026-01-02", false},
		{"2026-12-05", "2026-12-04", false},
	} {
		err := CheckRange(day(tt.from), day(tt.to))
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrRange)) {
			t.Errorf("CheckRange(%s, %s) = %v, want ok %v", tt.from, tt.to, err, tt.ok)
		}
	}
}

func TestDatesSpanMonthsAndIgnoreTheTimeOfDay(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	// 01:00 in China on 1 March is still 28 February in UTC.
	got := dates(time.Date(2026, 3, 1, 1, 0, 0, 0, cst), time.Date(2026, 3, 2, 23, 0, 0, 0, time.UTC))
	want := "2026-02-28,2026-03-01,2026-03-02"
	if strings.Join(got, ",") != want {
		t.Errorf("dates = %v, want %s", got, want)
	}
}

func TestNewDayListsEveryReasonAndSortsCouriersAndTenants(t *testing.T) {
	day := newDay("2026-12-04", map[string]int64{
		"courier:sim-swift:evaluations": 5,
		"courier:sim-global:fetches":    2,
		"courier:sim-swift:deliveries":  1,
		"tenant:shop:fetches":           3,
		"tenant:demo:replays":           4,
		"global:fetches":                9,
		"global:rate_limited":           6,
		"global:secret":                 1, // unknown: left out
		"courier:sim-swift:replays":     1, // a tenant's metric: left out
	})
	if day.Date != "2026-12-04" || day.Fetches != 9 {
		t.Errorf("day %s fetches %d", day.Date, day.Fetches)
	}
	if len(day.Couriers) != 2 || day.Couriers[0].Courier != "sim-global" || day.Couriers[1].Courier != "sim-swift" {
		t.Fatalf("couriers %+v, want sim-global then sim-swift", day.Couriers)
	}
	if c := day.Courier("sim-swift"); c.Evaluations != 5 || c.Deliveries != 1 || c.Fetches != 0 {
		t.Errorf("sim-swift %+v", c)
	}
	if c := day.Courier("sim-global"); c.Fetches != 2 {
		t.Errorf("sim-global %+v", c)
	}
	if len(day.Tenants) != 2 || day.Tenants[0].Tenant != "demo" || day.Tenant("shop").Fetches != 3 || day.Tenant("demo").Replays != 4 {
		t.Errorf("tenants %+v", day.Tenants)
	}
	if len(day.Refusals) != len(Reasons()) || day.Refusals[RateLimited] != 6 || day.Refusals[NotFound] != 0 {
		t.Errorf("refusals %v, want every reason, rate_limited 6", day.Refusals)
	}
	if _, ok := day.Refusals["secret"]; ok {
		t.Error("an unknown field reached the report")
	}
	if z := day.Courier("nobody"); z != (CourierCounts{Courier: "nobody"}) {
		t.Errorf("an absent courier is %+v", z)
	}
}
