package simulator

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// AdapterName is the name the simulator registers with adapters.Register.
const AdapterName = "simulator"

// maxParcelsPerCourier bounds the "parcels" option: a world is generated
// in memory at once.
const maxParcelsPerCourier = 100_000

func init() { adapters.Register(AdapterName, open) }

// optionNames are the options open understands.
var optionNames = []string{"courier", "seed", "parcels", "speed", "start", "wall_start", "tick"}

// open is the adapters.Factory of the simulator. Options:
//
//	courier     sim-swift, sim-panda or sim-global (required)
//	seed        integer, default 1
//	parcels     parcels per courier, default 3000
//	speed       simulated seconds per wall second, default 1
//	start       simulated epoch, RFC 3339, default DefaultStart()
//	wall_start  wall-clock time at which the simulated clock reads start,
//	            RFC 3339, default when opened; give every courier host of a
//	            deployment the same value to share one simulated clock
//	tick        how often Watch looks at the clock, a Go duration, default 1s
func open(options map[string]string) (adapters.Source, error) {
	cfg, courierID, err := parseOptions(options)
	if err != nil {
		return nil, err
	}
	return NewWorld(cfg).Source(courierID)
}

func parseOptions(options map[string]string) (Config, string, error) {
	cfg := Config{Seed: 1}
	for _, name := range slices.Sorted(maps.Keys(options)) {
		if !slices.Contains(optionNames, name) {
			return cfg, "", fmt.Errorf("unknown option %q; known options: %s", name, strings.Join(optionNames, ", "))
		}
	}
	courierID, ok := options["courier"]
	if !ok || courierID == "" {
		return cfg, "", fmt.Errorf("option \"courier\" is required: one of %s", strings.Join(courierIDs(), ", "))
	}
	if _, ok := courierByID(courierID); !ok {
		return cfg, "", fmt.Errorf("option \"courier\": %w %q; want one of %s", ErrUnknownCourier, courierID, strings.Join(courierIDs(), ", "))
	}
	var err error
	if v, ok := options["seed"]; ok {
		if cfg.Seed, err = strconv.ParseInt(v, 10, 64); err != nil {
			return cfg, "", fmt.Errorf("option \"seed\": %q is not an integer", v)
		}
	}
	if v, ok := options["parcels"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxParcelsPerCourier {
			return cfg, "", fmt.Errorf("option \"parcels\": %q is not a whole number from 1 to %d", v, maxParcelsPerCourier)
		}
		cfg.ParcelsPerCourier = n
	}
	if v, ok := options["speed"]; ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f > 0) || math.IsInf(f, 1) {
			return cfg, "", fmt.Errorf("option \"speed\": %q is not a positive number", v)
		}
		cfg.Speed = f
	}
	for _, opt := range []struct {
		name string
		dst  *time.Time
	}{{"start", &cfg.Start}, {"wall_start", &cfg.WallStart}} {
		if v, ok := options[opt.name]; ok {
			if *opt.dst, err = time.Parse(time.RFC3339, v); err != nil {
				return cfg, "", fmt.Errorf("option %q: %q is not an RFC 3339 time such as 2026-06-01T00:00:00+08:00", opt.name, v)
			}
		}
	}
	if v, ok := options["tick"]; ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return cfg, "", fmt.Errorf("option \"tick\": %q is not a positive duration such as 500ms", v)
		}
		cfg.TickInterval = d
	}
	return cfg, courierID, nil
}
