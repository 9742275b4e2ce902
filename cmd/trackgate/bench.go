package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/gateway/benchmark"
)

type benchFlags struct {
	long        bool
	json        bool
	only        []string
	redisServer string
	cpuProfile  string
}

func newBenchCmd(e env) *cobra.Command {
	var f benchFlags
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the gateway against baselines run in the same process, and print the table",
		Long: `bench starts a whole deployment on loopback by itself — its own redis-server
(on a free port, in a temporary directory), gateways built from configuration
files as serve --config builds them, courier hosts answering signed requests
over HTTP — and measures each figure against a baseline it runs in the same
process and the same run. Each figure alternates measurement and baseline for
several rounds (3, or 7 with --long) and reports the medians, measured ÷
baseline for throughput and memory, measured − baseline (p50) for latency, its
goal and whether it holds. Throughput is loaded with vegeta at a fixed
concurrency.

Figures (--only takes these names):
  bucket-read   GET /v1/buckets/{bucket}, against a bare net/http server making
                the same Redis read and answering the same bytes
  record-read   GET /v1/records/{locator}, likewise
  evaluate      POST /v1/evaluate of one element through a courier host,
                against circl's VOPRF Evaluate in a loop
  lookup        a private lookup through the Go SDK, against one plain GET of
                the same views
  publish       signed publishes into Redis through the gateway, against
                pipelined Redis SETs of the same sizes
  memory        Redis memory per record, against its sealed size
  fanout        evaluations fanned out to 1, 4 and 16 couriers answering after
                a fixed delay, against asking them directly

The default run takes under two minutes on a 2-core machine; --long is the run
for docs/benchmarks.md. Progress goes to stderr, the markdown table (or with
--json the same numbers and the machine) to stdout. A goal that does not hold
is reported, not an error: bench fails only when something it runs fails. It
needs redis-server (Debian package redis-server).`,
		Example: `  trackgate bench
  trackgate bench --only bucket-read,record-read
  trackgate bench --long --json > bench.json
  trackgate bench --only evaluate --cpuprofile evaluate.pprof`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error { return runBench(cmd, f) },
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.long, "long", false, "7 longer rounds per figure (several minutes): the run for the documentation")
	fl.BoolVar(&f.json, "json", false, "print the report as JSON, with the machine it ran on")
	fl.StringSliceVar(&f.only, "only", nil, "run only these figures (comma-separated or repeated): "+strings.Join(benchmark.Scenarios(), ", "))
	fl.StringVar(&f.redisServer, "redis-server", "", "the redis-server program to start (default: redis-server in PATH)")
	fl.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run (measured sides and baselines; Redis excluded) to this file, for go tool pprof")
	return cmd
}

func runBench(cmd *cobra.Command, f benchFlags) error {
	profile := benchmark.Short
	if f.long {
		profile = benchmark.Long
	}
	gin.SetMode(gin.ReleaseMode) // no route dump on stdout for every gateway and host
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f.cpuProfile != "" {
		out, err := os.Create(f.cpuProfile)
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	report, err := benchmark.Run(ctx, benchmark.Options{
		Profile: profile, Only: f.only, RedisServer: f.redisServer, Progress: cmd.ErrOrStderr(),
	})
	if errors.Is(err, benchmark.ErrUnknownScenario) {
		return usageErrorf("--only: %v", err)
	}
	if err != nil {
		return err
	}
	if f.json {
		return report.WriteJSON(cmd.OutOrStdout())
	}
	return report.WriteMarkdown(cmd.OutOrStdout())
}
