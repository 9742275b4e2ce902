package main

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters/simulator"
)

func TestSimulatorSamplesAreTheParcelsOfTheHostsWorldNow(t *testing.T) {
	start := time.Date(2026, time.June, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	wallStart := time.Date(2026, time.June, 1, 2, 0, 0, 0, time.UTC)
	now := wallStart.Add(90 * time.Second) // 90 simulated minutes in, at speed 60
	got := runCLIAt(t, now, "simulator", "samples", "--seed", "7", "--parcels", "500", "--speed", "60",
		"--start", start.Format(time.RFC3339), "--wall-start", wallStart.Format(time.RFC3339), "--per-courier", "2")
	if got.code != exitOK {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}

	// The exact shape of /v1/demo/parcels: three fields, all strings.
	var raw struct {
		Parcels []map[string]any `json:"parcels"`
	}
	if err := json.Unmarshal([]byte(got.stdout), &raw); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, got.stdout)
	}
	var printed []simulator.Sample
	for _, p := range raw.Parcels {
		keys := make([]string, 0, len(p))
		for k := range p {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"courier", "factor", "tracking_number"}) {
			t.Fatalf("a parcel has the fields %v, want courier, factor, tracking_number", keys)
		}
		courier, _ := p["courier"].(string)
		number, _ := p["tracking_number"].(string)
		factor, ok := p["factor"].(string)
		if !ok {
			t.Fatalf("factor %v is not a string", p["factor"])
		}
		printed = append(printed, simulator.Sample{Courier: courier, TrackingNumber: number, Factor: factor})
	}

	// The same world at the same instant, as a courier host with these
	// options would simulate it.
	want := simulator.NewWorld(simulator.Config{
		Seed: 7, ParcelsPerCourier: 500, Speed: 60, Start: start, WallStart: wallStart,
		Now: func() time.Time { return now },
	}).Samples(2)
	if !slices.Equal(printed, want) {
		t.Errorf("printed %v, want the world's samples %v", printed, want)
	}
	perCourier := map[string]int{}
	for _, s := range printed {
		perCourier[s.Courier]++
		needsFactor := s.Courier == simulator.PandaID
		if hasFactor := regexp.MustCompile(`^[0-9]{4}$`).MatchString(s.Factor); hasFactor != needsFactor || (!needsFactor && s.Factor != "") {
			t.Errorf("%s %s has factor %q", s.Courier, s.TrackingNumber, s.Factor)
		}
	}
	for _, id := range []string{simulator.SwiftID, simulator.PandaID, simulator.GlobalID} {
		if perCourier[id] != 2 {
			t.Errorf("%d samples of %s, want 2", perCourier[id], id)
		}
	}
}

func TestSimulatorSamplesDependOnTheWallStart(t *testing.T) {
	// Hosts opened at another wall_start run another clock: the samples
	// must follow the flag, not the moment the command runs.
	now := time.Date(2026, time.June, 1, 2, 0, 0, 0, time.UTC)
	args := func(wallStart time.Time) []string {
		return []string{"simulator", "samples", "--parcels", "300", "--speed", "600",
			"--start", "2026-06-01T10:00:00+08:00", "--wall-start", wallStart.Format(time.RFC3339)}
	}
	early := runCLIAt(t, now, args(now.Add(-2*time.Hour))...)
	late := runCLIAt(t, now, args(now)...)
	if early.code != exitOK || late.code != exitOK {
		t.Fatalf("exit %d and %d: %s %s", early.code, late.code, early.stderr, late.stderr)
	}
	if early.stdout == late.stdout {
		t.Errorf("the same samples 2 hours (50 simulated days) apart on the simulated clock")
	}
}

func TestSimulatorSamplesRefusesBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"parcels zero", []string{"--parcels", "0"}},
		{"parcels too many", []string{"--parcels", "100001"}},
		{"speed zero", []string{"--speed", "0"}},
		{"speed infinite", []string{"--speed", "+Inf"}},
		{"per courier zero", []string{"--per-courier", "0"}},
		{"start not RFC 3339", []string{"--start", "2026-06-01 10:00"}},
		{"wall start not RFC 3339", []string{"--wall-start", "yesterday"}},
		{"an argument", []string{"SW123456789012"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCLI(t, nil, append([]string{"simulator", "samples"}, tt.args...)...)
			if got.code != exitUsage || got.stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing printed (stderr %q)", got.code, got.stdout, got.stderr)
			}
		})
	}
}
