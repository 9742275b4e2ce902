package main

import (
	"encoding/json"
	"math"
	"time"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/gateway/api"
)

func newSimulatorCmd(e env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "simulator",
		Short: "Inspect the simulated couriers that courier hosts run with the simulator adapter",
		Long: `Inspect the simulated couriers (sim-swift, sim-panda, sim-global) that courier
hosts run when their adapter is "simulator".

The simulator is deterministic: hosts given the same seed, parcels, start,
wall_start and speed simulate the same world on the same clock, whatever
process they run in. The subcommands rebuild that world here, from the same
values, to say what the hosts hold.`,
		Example: `  trackgate simulator samples --seed 1 --speed 60 --start 2026-06-01T10:00:00+08:00 --wall-start 2026-06-01T02:00:00Z`,
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newSimulatorSamplesCmd(e))
	return cmd
}

type simulatorSamplesFlags struct {
	seed                int64
	parcels, perCourier int
	speed               float64
	start, wallStart    string
}

func newSimulatorSamplesCmd(e env) *cobra.Command {
	var f simulatorSamplesFlags
	cmd := &cobra.Command{
		Use:   "samples",
		Short: "Print sample parcels of the simulated couriers as JSON, as /v1/demo/parcels does",
		Long: `Print a few parcels worth tracking per simulated courier, as they are now on
the simulated clock, in the JSON of the embedded default's /v1/demo/parcels:

  {"parcels":[{"courier":"sim-panda","tracking_number":"77…","factor":"0042"},…]}

factor is "" for couriers that need none. The demo parcels every world holds
(the same numbers every day; serve prints them) are not repeated here. Give the values of the courier hosts'
simulator options (seed, parcels, speed, start, wall_start): with other values
the parcels printed are of another world. The defaults are the adapter's own,
except that --wall-start defaults to now, as for a host opened now.`,
		Example: `  trackgate simulator samples --seed 1 --parcels 3000 --speed 60 \
      --start 2026-06-01T10:00:00+08:00 --wall-start 2026-06-01T02:00:00Z --per-courier 3`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error { return runSimulatorSamples(e, f) },
	}
	fl := cmd.Flags()
	fl.Int64Var(&f.seed, "seed", 1, "the simulator option seed")
	fl.IntVar(&f.parcels, "parcels", simulator.DefaultParcelsPerCourier, "the simulator option parcels: parcels per courier")
	fl.Float64Var(&f.speed, "speed", 1, "the simulator option speed: simulated seconds per wall-clock second")
	fl.StringVar(&f.start, "start", "", "the simulator option start, RFC 3339 (default: the simulator's default epoch)")
	fl.StringVar(&f.wallStart, "wall-start", "", "the simulator option wall_start, RFC 3339 (default: now)")
	fl.IntVar(&f.perCourier, "per-courier", 3, "how many parcels to print per courier, at most")
	return cmd
}

func runSimulatorSamples(e env, f simulatorSamplesFlags) error {
	switch {
	case f.parcels < 1 || f.parcels > 100000:
		return usageErrorf("--parcels must be between 1 and 100000")
	case !(f.speed > 0) || math.IsInf(f.speed, 1):
		return usageErrorf("--speed must be positive")
	case f.perCourier < 1:
		return usageErrorf("--per-courier must be at least 1")
	}
	cfg := simulator.Config{Seed: f.seed, ParcelsPerCourier: f.parcels, Speed: f.speed, Now: e.now}
	var err error
	if cfg.Start, err = parseRFC3339("--start", f.start); err != nil {
		return err
	}
	if cfg.WallStart, err = parseRFC3339("--wall-start", f.wallStart); err != nil {
		return err
	}
	out := api.DemoParcels{Parcels: []api.DemoParcel{}}
	for _, s := range simulator.NewWorld(cfg).Samples(f.perCourier) {
		out.Parcels = append(out.Parcels, api.DemoParcel{Courier: s.Courier, TrackingNumber: s.TrackingNumber, Factor: s.Factor})
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// parseRFC3339 reads an optional time flag; empty is the zero time, which
// the simulator replaces by its default.
func parseRFC3339(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usageErrorf("%s %q is not an RFC 3339 time such as 2026-06-01T10:00:00+08:00", flag, s)
	}
	return t, nil
}
