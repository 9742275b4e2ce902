// Package transparency keeps the counts of the regulator's transparency
// report (docs/transparency.md) and answers the report: per UTC day, per
// courier and per tenant, what the gateway did — evaluations relayed,
// fetches, records stored and refused, subscriptions and deliveries — and
// the requests it refused, by reason.
//
// Counts only. A count is addressed by a day, a Scope (a courier's id, a
// tenant's id, or the deployment as a whole) and a metric from a fixed
// list; a Recorder drops anything else, so no locator, tracking number,
// address, key or origin can reach it even by mistake.
//
//   - metrics.go: Scope, the metric names (the report's JSON names) and the
//     refusal reasons, and which metric belongs to which scope.
//   - recorder.go: the Recorder interface and Hook, the function other
//     packages count through without importing one another.
//   - report.go: the report's structure, assembled from a day's counts,
//     and the date range a report may cover (ParseDay, CheckRange).
//   - memory.go: the Recorder of the embedded default, in this process.
//   - redis.go: the Recorder of production, one Redis hash per UTC day
//     kept 400 days, fed by a buffer so that a slow or absent Redis never
//     slows or fails a request.
//   - readerkey.go: report reader keys (tg1rk_…), kept only as SHA-256.
package transparency
