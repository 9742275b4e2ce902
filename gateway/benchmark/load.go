package benchmark

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// attack is the phase of a throughput figure over HTTP: vegeta keeps
// workers requests in flight all the time (a closed loop at a fixed
// concurrency, as fast as the server answers) for the phase's duration.
type attack struct {
	name string
	// client is the side's own, kept from round to round so that its
	// connections stay open, as a real client's would.
	client     *http.Client
	workers    int
	targets    vegeta.Targeter // called by several workers at once
	perRequest float64         // operations a successful request counts for
	// check, when set, reads every answer's body; an error fails the phase.
	check func(body []byte) error
}

// newLoadClient is an HTTP client for workers requests at once to one
// server, keeping that many connections open.
func newLoadClient(workers int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost: workers,
			IdleConnTimeout:     90 * time.Second,
		},
	}
}

func (a attack) phase() phase {
	return func(ctx context.Context, d time.Duration) (sample, error) {
		opts := []func(*vegeta.Attacker){
			vegeta.Client(a.client), vegeta.Workers(uint64(a.workers)), vegeta.MaxWorkers(uint64(a.workers)),
		}
		if a.check == nil {
			opts = append(opts, vegeta.MaxBody(0)) // answers are read to the end, not kept
		}
		atk := vegeta.NewAttacker(opts...)
		defer context.AfterFunc(ctx, func() { atk.Stop() })()
		var (
			m        vegeta.Metrics
			checkErr error
		)
		// Rate{} is no pacing at all: each worker sends its next request
		// as soon as its last one is answered.
		for res := range atk.Attack(a.targets, vegeta.Rate{}, d, a.name) {
			if a.check != nil && res.Error == "" && checkErr == nil {
				if err := a.check(res.Body); err != nil {
					checkErr = fmt.Errorf("%s: an answer: %w", a.name, err)
					atk.Stop()
				}
			}
			res.Body = nil
			m.Add(res)
		}
		m.Close()
		switch {
		case ctx.Err() != nil:
			return sample{}, ctx.Err()
		case checkErr != nil:
			return sample{}, checkErr
		case m.Requests == 0 || m.Success < 1:
			codes := make([]string, 0, len(m.StatusCodes))
			for code, n := range m.StatusCodes {
				codes = append(codes, fmt.Sprintf("%s×%d", code, n))
			}
			slices.Sort(codes)
			return sample{}, fmt.Errorf("%s: %.0f%% of %d requests failed (statuses %s): %s",
				a.name, 100*(1-m.Success), m.Requests, strings.Join(codes, " "), strings.Join(m.Errors, "; "))
		}
		return sample{rate: m.Throughput * a.perRequest, p50: m.Latencies.P50, p99: m.Latencies.P99, n: int(m.Requests)}, nil
	}
}

// cycle is a Targeter that hands out targets in turn, safely from
// several workers.
func cycle(targets []vegeta.Target) vegeta.Targeter {
	var next atomic.Uint64
	return func(t *vegeta.Target) error {
		*t = targets[(next.Add(1)-1)%uint64(len(targets))]
		return nil
	}
}
