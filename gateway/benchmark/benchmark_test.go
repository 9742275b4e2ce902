package benchmark

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode) // no route dump for every gateway and host
	os.Exit(m.Run())
}

// TestRunTinyReportsEveryFigure runs the whole harness in the tiny
// profile, on its own redis-server, gateways and hosts: every figure must
// be there with a positive measurement and baseline in every round, with
// its goals, and the markdown table must show what the JSON holds. It
// asserts no timing: the tiny profile's numbers mean nothing.
func TestRunTinyReportsEveryFigure(t *testing.T) {
	var progress bytes.Buffer
	rep, err := Run(t.Context(), Options{Profile: Tiny, Progress: &progress})
	if err != nil {
		t.Fatalf("Run: %v\nprogress:\n%s", err, progress.String())
	}
	wantIDs := []string{"bucket-read", "record-read", "evaluate", "lookup", "publish", "memory", "fanout-1", "fanout-4", "fanout-16"}
	var ids []string
	for _, f := range rep.Figures {
		ids = append(ids, f.ID)
		checkFigure(t, f)
	}
	if !slices.Equal(ids, wantIDs) {
		t.Fatalf("figures %v, want %v", ids, wantIDs)
	}
	if rep.Machine.Redis == "" || rep.Machine.Cores < 1 || rep.Machine.Go == "" || rep.Settings.Rounds != Tiny.Rounds {
		t.Errorf("machine %+v, settings %+v: incomplete", rep.Machine, rep.Settings)
	}

	var table, js bytes.Buffer
	if err := rep.WriteMarkdown(&table); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	// The table and the JSON agree: the JSON decoded prints the same table.
	var decoded Report
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil {
		t.Fatalf("decode the JSON: %v", err)
	}
	var again bytes.Buffer
	if err := decoded.WriteMarkdown(&again); err != nil {
		t.Fatal(err)
	}
	if again.String() != table.String() {
		t.Errorf("the JSON prints another table:\n%s\nthan the report:\n%s", again.String(), table.String())
	}
	// One row per figure, in order, with its measurement, baseline and verdict.
	rows := tableRows(table.String())
	if len(rows) != len(rep.Figures) {
		t.Fatalf("%d table rows for %d figures:\n%s", len(rows), len(rep.Figures), table.String())
	}
	for i, f := range rep.Figures {
		row := rows[i]
		if len(row) != 6 || !strings.HasPrefix(row[0], "`"+f.ID+"`") {
			t.Errorf("row %d %q is not figure %s", i, row, f.ID)
			continue
		}
		if row[1] != f.sideCell(f.Measured) || row[2] != f.sideCell(f.Baseline) || row[4] != f.goalCell() || row[5] != yesNo(f.Holds) {
			t.Errorf("row %q does not show figure %+v", row, f)
		}
	}
}

func checkFigure(t *testing.T, f Figure) {
	t.Helper()
	if f.Measured.Value <= 0 || f.Baseline.Value <= 0 || f.Ratio <= 0 {
		t.Errorf("%s: measured %v, baseline %v, ratio %v; want all positive", f.ID, f.Measured.Value, f.Baseline.Value, f.Ratio)
	}
	for _, s := range []Side{f.Measured, f.Baseline} {
		if len(s.Rounds) != Tiny.Rounds || slices.ContainsFunc(s.Rounds, func(v float64) bool { return v <= 0 }) || s.What == "" {
			t.Errorf("%s: side %+v: want %d positive rounds and a description", f.ID, s, Tiny.Rounds)
		}
		if f.Kind != KindMemory && (s.P50Ms <= 0 || s.P99Ms < s.P50Ms) {
			t.Errorf("%s: side %+v: want 0 < p50 <= p99", f.ID, s)
		}
	}
	if (f.Kind == KindLatency) != (f.OverheadMs != nil) {
		t.Errorf("%s: a %s figure with overhead %v", f.ID, f.Kind, f.OverheadMs)
	}
	holds := len(f.Goals) > 0
	for _, g := range f.Goals {
		holds = holds && g.Holds
	}
	if len(f.Goals) == 0 || holds != f.Holds {
		t.Errorf("%s: goals %+v, holds %v", f.ID, f.Goals, f.Holds)
	}
}

// tableRows returns the cells of the markdown table's figure rows.
func tableRows(md string) [][]string {
	var rows [][]string
	for line := range strings.Lines(md) {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	return rows
}
