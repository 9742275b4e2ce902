package simulator

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

func TestSimulatorIsRegistered(t *testing.T) {
	if !slices.Contains(adapters.Names(), AdapterName) {
		t.Fatalf("adapters.Names() = %v, want it to include %q", adapters.Names(), AdapterName)
	}
}

func TestOpenRejectsBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		options map[string]string
		want    []string // substrings of the error
	}{
		{"no courier", map[string]string{}, []string{`"courier"`, "required", SwiftID, PandaID, GlobalID}},
		{"empty courier", map[string]string{"courier": ""}, []string{`"courier"`, "required"}},
		{"unknown courier", map[string]string{"courier": "sf-express"}, []string{`"courier"`, "sf-express", SwiftID, PandaID, GlobalID}},
		{"unknown option", map[string]string{"courier": SwiftID, "sped": "2"}, []string{`"sped"`, "speed"}},
		{"seed not a number", map[string]string{"courier": SwiftID, "seed": "abc"}, []string{`"seed"`, "abc"}},
		{"parcels zero", map[string]string{"courier": SwiftID, "parcels": "0"}, []string{`"parcels"`}},
		{"parcels negative", map[string]string{"courier": SwiftID, "parcels": "-4"}, []string{`"parcels"`}},
		{"parcels too many", map[string]string{"courier": SwiftID, "parcels": "100000000"}, []string{`"parcels"`}},
		{"parcels not a number", map[string]string{"courier": SwiftID, "parcels": "many"}, []string{`"parcels"`, "many"}},
		{"speed zero", map[string]string{"courier": SwiftID, "speed": "0"}, []string{`"speed"`}},
		{"speed negative", map[string]string{"courier": SwiftID, "speed": "-1"}, []string{`"speed"`}},
		{"speed NaN", map[string]string{"courier": SwiftID, "speed": "NaN"}, []string{`"speed"`}},
		{"speed infinite", map[string]string{"courier": SwiftID, "speed": "+Inf"}, []string{`"speed"`}},
		{"start not RFC 3339", map[string]string{"courier": SwiftID, "start": "2026-06-01"}, []string{`"start"`, "RFC 3339"}},
		{"wall_start not RFC 3339", map[string]string{"courier": SwiftID, "wall_start": "yesterday"}, []string{`"wall_start"`, "RFC 3339"}},
		{"tick not a duration", map[string]string{"courier": SwiftID, "tick": "5"}, []string{`"tick"`}},
		{"tick zero", map[string]string{"courier": SwiftID, "tick": "0s"}, []string{`"tick"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := adapters.Open(AdapterName, tc.options)
			if err == nil {
				t.Fatalf("Open(%v) = %v, want an error", tc.options, src)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %s", err, want)
				}
			}
		})
	}
}

func TestOpenUnknownCourierIsErrUnknownCourier(t *testing.T) {
	_, err := adapters.Open(AdapterName, map[string]string{"courier": "sim-nope"})
	if !errors.Is(err, ErrUnknownCourier) {
		t.Fatalf("err = %v, want ErrUnknownCourier", err)
	}
}

func TestOpenAppliesEveryOption(t *testing.T) {
	opened, err := adapters.Open(AdapterName, map[string]string{
		"courier": GlobalID, "seed": "77", "parcels": "40", "speed": "600",
		"start": "2026-09-01T08:00:00+08:00", "wall_start": "2099-01-01T00:00:00Z", "tick": "25ms",
	})
	if err != nil {
		t.Fatal(err)
	}
	src, ok := opened.(*Source)
	if !ok {
		t.Fatalf("Open returned %T, want *Source", opened)
	}
	w := src.World()
	start := time.Date(2026, 9, 1, 8, 0, 0, 0, time.FixedZone("", 8*3600))
	switch {
	case src.Profile().ID != GlobalID:
		t.Errorf("courier %s, want %s", src.Profile().ID, GlobalID)
	case len(w.fleets[global].parcels) != 40+demoCount(global):
		t.Errorf("%d parcels, want 40 and the demo parcels", len(w.fleets[global].parcels))
	case w.speed != 600 || !w.start.Equal(start) || w.tick != 25*time.Millisecond:
		t.Errorf("speed %v start %v tick %v", w.speed, w.start, w.tick)
	case !w.SimNow().Before(start): // wall_start lies in the future
		t.Errorf("SimNow %v is not before start although wall_start is ahead", w.SimNow())
	}
	want := NewWorld(Config{Seed: 77, ParcelsPerCourier: 40, Start: start})
	if !reflect.DeepEqual(w.fleets, want.fleets) {
		t.Error("the opened world differs from NewWorld with the same seed, size and start")
	}
}

func TestOpenDefaults(t *testing.T) {
	cfg, id, err := parseOptions(map[string]string{"courier": PandaID})
	if err != nil {
		t.Fatal(err)
	}
	if id != PandaID || !reflect.DeepEqual(cfg, Config{Seed: 1}) {
		t.Fatalf("defaults: courier %s, config %+v; want seed 1 and the rest left to NewWorld", id, cfg)
	}
}

// FuzzParseOptions checks that option parsing never panics and that what
// it accepts is a usable configuration.
func FuzzParseOptions(f *testing.F) {
	f.Add("sim-swift", "1", "3000", "600", "2026-06-01T10:00:00+08:00", "1s")
	f.Add("sim-panda", "-9", "1", "0.5", "2026-06-01T10:00:00Z", "10ms")
	f.Add("", "x", "-1", "NaN", "now", "0")
	f.Fuzz(func(t *testing.T, courierID, seed, parcels, speed, start, tick string) {
		cfg, id, err := parseOptions(map[string]string{
			"courier": courierID, "seed": seed, "parcels": parcels, "speed": speed, "start": start, "tick": tick,
		})
		if err != nil {
			return
		}
		if _, ok := courierByID(id); !ok {
			t.Fatalf("accepted courier %q", id)
		}
		if cfg.ParcelsPerCourier < 1 || cfg.ParcelsPerCourier > maxParcelsPerCourier {
			t.Fatalf("accepted parcels %d", cfg.ParcelsPerCourier)
		}
		if !(cfg.Speed > 0) || math.IsInf(cfg.Speed, 0) || cfg.TickInterval <= 0 {
			t.Fatalf("accepted speed %v tick %v", cfg.Speed, cfg.TickInterval)
		}
	})
}
