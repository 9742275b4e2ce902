// Package courierhost is the courier host of docs/protocol.md §8: the service a
// courier runs next to its own systems. It holds the courier's OPRF keys
// and its adapter, and it is the only place where a tracking number meets
// a locator.
//
// The pieces:
//
//   - config.go: Config, validated once by New.
//   - host.go: Host, its keys, Ready and the pull-mode Bucket and Record.
//   - rotation.go: SetKeys and SetSigningKey, which replace the keys of a
//     running host (a key rotation without a restart).
//   - statements.go: the signed statements of the host's keys and the
//     courier's signing-key statements (docs/protocol.md §8.1), served
//     with the keys for the gateway's key log; a change of signing key is
//     stated by the old key and the new one.
//   - loading.go: Loading, whether the host is still publishing its
//     first records (docs/protocol.md §7.1), told to the gateway with its
//     keys (KeysAnswer).
//   - evaluate.go: blind evaluation under the host's own rate limit; the
//     host never trusts the gateway to limit for it (§1).
//   - index.go: the locator index. Every live parcel, for every second
//     factor and every currently valid key, gives one sealed record at the
//     locator derived from FullEvaluate (§4–§5).
//   - sync.go: Run, which builds the index from the adapter's Lister and
//     keeps it fresh from its Watcher, sweeping expired records.
//   - publish.go, httppublisher.go: push mode, publishing changed records
//     to the gateway with capped, jittered exponential backoff; a record
//     the gateway refuses (a limit reached) stays queued and goes again
//     later.
//   - partition.go: Partition, a push replica's share of the courier's
//     parcels, so that replicas never publish the same parcel.
//   - http.go, problems.go: the signed /tg1 HTTP API (requests signed by
//     the gateway for this courier, never replayed; every answer signed
//     with the courier's key, docs/protocol.md §8, §9), errors as
//     problem+json with type URIs that package remotehost understands.
//
// The same Host serves the gateway in process (it implements
// api.CourierHost) and over HTTP (Handler), so both paths share one code
// path. Logs hold counts and durations only: never a tracking number, a
// factor, a locator, a group element or a view.
package courierhost
