package transparency

import (
	"context"
	"testing"
	"time"
)

// checkRecorder is what every Recorder must do: count exactly what it
// was given, by UTC day, scope and metric, and drop anything else.
func checkRecorder(t *testing.T, r Recorder, flush func()) {
	t.Helper()
	ctx := context.Background()
	cst := time.FixedZone("CST", 8*3600)
	dec3 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	dec4 := time.Date(2026, 12, 4, 0, 30, 0, 0, time.UTC)
	// 07:59 in China on 5 December is still 4 December in UTC.
	dec4cst := time.Date(2026, 12, 5, 7, 59, 0, 0, cst)
	for range 7 {
		r.Add(ctx, dec3, Courier("sim-swift"), Evaluations, 3)
	}
	r.Add(ctx, dec4, Courier("sim-swift"), Evaluations, 2)
	r.Add(ctx, dec4cst, Courier("sim-swift"), Evaluations, 5)
	r.Add(ctx, dec4, Courier("sim-global"), Fetches, 4)
	r.Add(ctx, dec4, Courier("sim-panda"), RecordsStored, 1000)
	r.Add(ctx, dec4, Courier("sim-panda"), RecordsRefused, 2)
	r.Add(ctx, dec4, Tenant("demo"), Evaluations, 7)
	r.Add(ctx, dec4, Tenant("demo"), SubscriptionsCreated, 1)
	r.Add(ctx, dec4, Global, Fetches, 11)
	r.Add(ctx, dec4, Global, RateLimited, 1)
	r.Add(ctx, dec4, Global, RateLimited, 1)
	r.Add(ctx, dec4, Global, NotFound, 3)
	// Dropped: unknown metrics, ids that are not ids, nothing to add.
	r.Add(ctx, dec4, Global, "AAAAAAAAAAAAAAAAAAAAAA", 1)
	r.Add(ctx, dec4, Courier("127.0.0.1"), Evaluations, 1)
	r.Add(ctx, dec4, Courier("sim-swift"), Evaluations, 0)
	r.Add(ctx, dec4, Courier("sim-swift"), Evaluations, -4)
	if flush != nil {
		flush()
	}

	rep, err := r.Report(ctx, dec3, dec4.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if rep.From != "2026-12-03" || rep.To != "2026-12-06" || len(rep.Days) != 4 {
		t.Fatalf("report %s..%s with %d days, want 2026-12-03..2026-12-06, 4 days", rep.From, rep.To, len(rep.Days))
	}
	d3, d4 := rep.Days[0], rep.Days[1]
	if got := d3.Courier("sim-swift").Evaluations; got != 21 || len(d3.Couriers) != 1 || len(d3.Tenants) != 0 || d3.Fetches != 0 {
		t.Errorf("3 December: %+v, want only sim-swift's 21 evaluations", d3)
	}
	want4 := map[string]int64{
		"sim-swift evaluations":   7,
		"sim-global fetches":      4,
		"sim-panda stored":        1000,
		"sim-panda refused":       2,
		"demo evaluations":        7,
		"demo subscriptions":      1,
		"fetches":                 11,
		"rate_limited":            2,
		"not_found":               3,
		"bad_request":             0,
		"couriers":                3,
		"tenants":                 1,
		"sim-swift other metrics": 0,
	}
	got4 := map[string]int64{
		"sim-swift evaluations":   d4.Courier("sim-swift").Evaluations,
		"sim-global fetches":      d4.Courier("sim-global").Fetches,
		"sim-panda stored":        d4.Courier("sim-panda").RecordsStored,
		"sim-panda refused":       d4.Courier("sim-panda").RecordsRefused,
		"demo evaluations":        d4.Tenant("demo").Evaluations,
		"demo subscriptions":      d4.Tenant("demo").SubscriptionsCreated,
		"fetches":                 d4.Fetches,
		"rate_limited":            d4.Refusals[RateLimited],
		"not_found":               d4.Refusals[NotFound],
		"bad_request":             d4.Refusals[BadRequest],
		"couriers":                int64(len(d4.Couriers)),
		"tenants":                 int64(len(d4.Tenants)),
		"sim-swift other metrics": d4.Courier("sim-swift").Fetches + d4.Courier("sim-swift").RecordsStored,
	}
	for k, w := range want4 {
		if got4[k] != w {
			t.Errorf("4 December, %s: %d, want %d", k, got4[k], w)
		}
	}
	if len(d4.Refusals) != len(Reasons()) {
		t.Errorf("refusals %v, want exactly the %d reasons", d4.Refusals, len(Reasons()))
	}
	for _, d := range rep.Days[2:] {
		if len(d.Couriers)+len(d.Tenants) != 0 || d.Fetches != 0 {
			t.Errorf("%s has counts: %+v", d.Date, d)
		}
	}
	if _, err := r.Report(ctx, dec4, dec3); err == nil {
		t.Error("a report from after to was answered")
	}
	if _, err := r.Report(ctx, dec4.AddDate(-1, 0, -1), dec4); err == nil {
		t.Error("a report of 367 days was answered")
	}
}

func TestMemoryCountsExactly(t *testing.T) {
	checkRecorder(t, NewMemory(), nil)
}

func TestMemoryForgetsDaysPastRetention(t *testing.T) {
	m := NewMemory()
	ctx := context.Background()
	old := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	m.Add(ctx, old, Global, Fetches, 1)
	kept := old.Add(Retention)
	m.Add(ctx, kept, Global, Fetches, 1)
	if rep, _ := m.Report(ctx, old, old); rep.Days[0].Fetches != 1 {
		t.Fatal("a day exactly Retention old was forgotten")
	}
	m.Add(ctx, kept.AddDate(0, 0, 1), Global, Fetches, 1)
	if rep, _ := m.Report(ctx, old, old); rep.Days[0].Fetches != 0 {
		t.Error("a day older than Retention is still reported")
	}
}
