// Package benchmark is the harness behind `trackgate bench`: it starts a
// whole deployment on loopback — its own redis-server, gateways built from
// configuration files as `trackgate serve --config` builds them, courier
// hosts answering signed requests over HTTP — and measures each figure
// against a baseline it runs in the same process and the same run.
//
// Every figure alternates its measurement and its baseline for several
// rounds (the order flipping each round, so that drift on a busy machine
// falls on both sides alike), keeps the median of the rounds and reports
// measured ÷ baseline for throughput and memory, measured − baseline
// (p50) for latency, with the goal the figure must meet and whether it
// holds. The figures and their baselines:
//
//   - bucket-read: GET /v1/buckets/{bucket} on the gateway, against a bare
//     net/http server that reads the same Redis hash and answers the same
//     bytes (reads.go);
//   - record-read: GET /v1/records/{locator}, likewise with the same
//     Redis field (reads.go);
//   - evaluate: POST /v1/evaluate of one element through the gateway to a
//     courier host, against circl's VOPRF Evaluate in a loop
//     (evaluate.go);
//   - lookup: a private lookup through the Go SDK (client.Track, the
//     whole fixed shape), against one plain GET of the same views' bytes
//     (lookup.go);
//   - publish: signed publishes of sealed records into Redis through the
//     gateway, against pipelined Redis SETs of the same sizes
//     (publish.go);
//   - fanout-1, fanout-4, fanout-16: an evaluation fanned out to couriers
//     whose hosts answer after a fixed delay, against asking the same
//     hosts directly, all at once (fanout.go);
//   - memory: Redis memory per stored record, against the record's sealed
//     size (memory.go).
//
// Throughput is loaded with vegeta at a fixed concurrency; latency is
// measured one request after another. The pieces: profile.go (how long
// and how big a run is), redis.go (the redis-server process),
// deployment.go, hosts.go, gateways.go and loopback.go (what runs on
// loopback), phase.go and load.go (one side of one round), rounds.go
// (interleaving and medians), figure.go (a figure, its goals), report.go
// (the markdown table and the JSON), machine.go and run.go (Run).
//
// The package's tests also hold the scale-out run of CI
// (scaleout_test.go): three gateways over a 3-master Redis Cluster and
// two replicas of one push courier's host, loaded with the attacks of
// load.go while a gateway and a replica are killed.
package benchmark
