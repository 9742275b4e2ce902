package telemetry

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Namespace begins the name of every metric of trackgate.
const Namespace = "trackgate"

// NewRegistry returns a registry for one gateway or courier host process,
// with the Go runtime's and the process's collectors (go_*, process_*).
// It is never prometheus.DefaultRegisterer: two gateways in one test
// binary each count their own traffic.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// latencyBuckets (seconds) cover a cache hit (100 µs) to a request at the
// gateway's longest deadline (10 s).
var latencyBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
