package benchmark

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Report is everything a run measured, with the machine and the settings
// it ran with. WriteMarkdown and WriteJSON print the same numbers.
type Report struct {
	Machine  Machine   `json:"machine"`
	Settings Settings  `json:"settings"`
	Started  time.Time `json:"started"`
	// Elapsed is how long the whole run took, set-up included.
	Elapsed string   `json:"elapsed"`
	Figures []Figure `json:"figures"`
}

// Settings are the profile and data a run used.
type Settings struct {
	Profile           string   `json:"profile"`
	Rounds            int      `json:"rounds"`
	ThroughputPhase   string   `json:"throughput_phase"`
	LatencyPhase      string   `json:"latency_phase"`
	Warmup            string   `json:"warmup"`
	Workers           int      `json:"workers"`
	PublishWorkers    int      `json:"publish_workers"`
	BucketBits        int      `json:"bucket_bits"`
	RecordSize        int      `json:"record_size"`
	ParcelsPerCourier int      `json:"parcels_per_courier"`
	FanoutDelay       string   `json:"fanout_delay"`
	Scenarios         []string `json:"scenarios"`
}

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteMarkdown writes r as a few lines about the run, a markdown table
// with a row per figure, and what each figure's sides ran.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	s, m := r.Settings, r.Machine
	fmt.Fprintf(&b, "trackgate bench, profile %s: %d rounds of %s per side (throughput) and %s per side (latency), %d requests in flight (publish %d); %s in all\n\n",
		s.Profile, s.Rounds, s.ThroughputPhase, s.LatencyPhase, s.Workers, s.PublishWorkers, r.Elapsed)
	fmt.Fprintf(&b, "Machine: %s, %d cores (GOMAXPROCS %d), %s, %s, redis-server %s; started %s\n\n",
		m.CPU, m.Cores, m.GOMAXPROCS, m.OS, m.Go, m.Redis, r.Started.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "Data: bucket_bits %d, record_size %d, %d parcels per simulated courier; fan-out couriers answer after %s\n\n",
		s.BucketBits, s.RecordSize, s.ParcelsPerCourier, s.FanoutDelay)
	b.WriteString("| figure | measured | baseline | ratio / overhead | goal | holds |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, f := range r.Figures {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n",
			cell("`"+f.ID+"` "+f.Title), cell(f.sideCell(f.Measured)), cell(f.sideCell(f.Baseline)),
			cell(f.comparisonCell()), cell(f.goalCell()), yesNo(f.Holds))
	}
	b.WriteString("\n")
	for _, f := range r.Figures {
		fmt.Fprintf(&b, "- `%s`: measured %s; baseline %s.\n", f.ID, f.Measured.What, f.Baseline.What)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// sideCell shows a side's value with its latency quantiles.
func (f *Figure) sideCell(s Side) string {
	switch f.Kind {
	case KindLatency:
		return fmt.Sprintf("p50 %s ms, p99 %s ms", number(s.P50Ms), number(s.P99Ms))
	case KindThroughput:
		return fmt.Sprintf("%s %s (p50 %s ms, p99 %s ms)", number(s.Value), f.Unit, number(s.P50Ms), number(s.P99Ms))
	default:
		return number(s.Value) + " " + f.Unit
	}
}

func (f *Figure) comparisonCell() string {
	if f.Kind == KindLatency && f.OverheadMs != nil {
		return fmt.Sprintf("%+.2f ms p50", *f.OverheadMs)
	}
	return fmt.Sprintf("%.2f×", f.Ratio)
}

func (f *Figure) goalCell() string {
	texts := make([]string, len(f.Goals))
	for i, g := range f.Goals {
		texts[i] = g.Text
	}
	return strings.Join(texts, "; ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// cell keeps a table cell on one line and free of column separators.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// number prints x with about three significant digits, never in
// exponent form: 12345, 123, 12.3, 1.23, 0.12.
func number(x float64) string {
	switch a := math.Abs(x); {
	case a >= 100:
		return fmt.Sprintf("%.0f", x)
	case a >= 10:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.2f", x)
	}
}
