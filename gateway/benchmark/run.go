package benchmark

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// scenario measures one or more figures (fanout measures three).
type scenario struct {
	id  string
	run func(*bench, context.Context) ([]Figure, error)
}

// scenarios, in the order a run measures them.
var scenarios = []scenario{
	{"bucket-read", (*bench).bucketRead},
	{"record-read", (*bench).recordRead},
	{"evaluate", (*bench).evaluate},
	{"lookup", (*bench).lookup},
	{"publish", (*bench).publish},
	{"memory", (*bench).memory},
	{"fanout", (*bench).fanout},
}

// Scenarios lists the names Options.Only accepts, in the order of a run.
func Scenarios() []string {
	out := make([]string, len(scenarios))
	for i, s := range scenarios {
		out[i] = s.id
	}
	return out
}

// ErrUnknownScenario: Options.Only names no scenario.
var ErrUnknownScenario = errors.New("unknown scenario")

// Run starts a redis-server, measures the scenarios opts asks for on
// what it starts on loopback, stops everything and reports. It fails when
// redis-server cannot be started (ErrNoRedisServer) and when anything a
// figure needs does not work as it should: a figure is never reported
// from failed requests.
func Run(ctx context.Context, opts Options) (*Report, error) {
	selected, err := selectScenarios(opts.Only)
	if err != nil {
		return nil, err
	}
	if err := checkProfile(opts.Profile); err != nil {
		return nil, err
	}
	started := time.Now()
	var mu sync.Mutex
	progress := func(format string, args ...any) {
		if opts.Progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(opts.Progress, "bench: "+format+"\n", args...)
	}
	r, err := startRedis(ctx, opts.RedisServer)
	if err != nil {
		return nil, err
	}
	defer r.stop()
	progress("redis-server %s on %s", r.Version, r.Addr)
	dep, err := newDeployment(opts.Profile, r, progress)
	if err != nil {
		return nil, err
	}
	defer dep.close()
	b := &bench{profile: opts.Profile, dep: dep, progress: progress}
	report := &Report{Machine: thisMachine(r.Version), Started: started, Settings: settings(opts.Profile, selected)}
	for _, s := range selected {
		figures, err := s.run(b, ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.id, err)
		}
		report.Figures = append(report.Figures, figures...)
	}
	report.Elapsed = time.Since(started).Round(time.Second).String()
	return report, nil
}

// selectScenarios returns the scenarios only names, in run order; all
// for none.
func selectScenarios(only []string) ([]scenario, error) {
	if len(only) == 0 {
		return scenarios, nil
	}
	for _, name := range only {
		if !slices.Contains(Scenarios(), name) {
			return nil, fmt.Errorf("%w %q; choose among %s", ErrUnknownScenario, name, strings.Join(Scenarios(), ", "))
		}
	}
	var out []scenario
	for _, s := range scenarios {
		if slices.Contains(only, s.id) {
			out = append(out, s)
		}
	}
	return out, nil
}

func checkProfile(p Profile) error {
	if p.Rounds < 1 || p.Throughput <= 0 || p.Latency <= 0 || p.Warmup < 0 || p.Workers < 1 || p.PublishWorkers < 1 ||
		p.Parcels < 1 || crypto.CheckBucketBits(p.BucketBits) != nil || p.ReadTargets < 1 || p.PublishBatchBytes < 1 || p.MemoryRecords < 1 || p.FanoutDelay < 0 {
		return fmt.Errorf("benchmark profile %q is incomplete: every count and duration must be positive", p.Name)
	}
	return nil
}

func settings(p Profile, selected []scenario) Settings {
	s := Settings{
		Profile: p.Name, Rounds: p.Rounds, ThroughputPhase: p.Throughput.String(), LatencyPhase: p.Latency.String(),
		Warmup: p.Warmup.String(), Workers: p.Workers, PublishWorkers: p.PublishWorkers, BucketBits: p.BucketBits,
		RecordSize: crypto.DefaultRecordSize, ParcelsPerCourier: p.Parcels, FanoutDelay: p.FanoutDelay.String(),
	}
	for _, sc := range selected {
		s.Scenarios = append(s.Scenarios, sc.id)
	}
	return s
}
