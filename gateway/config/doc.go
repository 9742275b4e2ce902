// Package config reads the YAML configuration files of a production
// deployment — one for a gateway, one for each courier host — and builds
// the running components from them.
//
// A file is decoded once at start and checked completely before anything
// starts: an unknown field is an error (a misspelt key must not silently
// fall back to a default), and every mistake is reported as a *FieldError
// naming the field's path in the file (couriers[1].public_key) and how to
// fix it. Key files are read and checked while loading, secrets are taken
// from environment variables named in the file, never from the file
// itself, and relative paths are resolved against the file's directory.
// After that the configuration is trusted.
//
//   - decode.go: strict YAML decoding and FieldError; types.go: Duration
//     and Paths; load.go: LoadOption; checks.go, files.go: the checks
//     both files share (addresses, modes, public keys, key files, URLs).
//   - gateway.go, gateway_build.go: the gateway's file (LoadGateway) and
//     the gateway it builds: its store (Redis, one node or a Cluster, or
//     memory), its shared rate limit, and a remotehost client per courier
//     host, from whose /tg1/keys the directory is assembled. records.go:
//     its records section, the store's limits and the padding secret.
//     tenants.go: its tenants section, the marketplaces with their API
//     key hashes, origins and quotas (docs/protocol.md §7.6).
//     transparency.go: its transparency section, the hashes of the keys
//     that read the transparency report (docs/transparency.md), whose
//     counts are kept in the gateway's Redis. keylog.go: its key_log
//     section, the key log of the couriers' key statements
//     (docs/protocol.md §7.8): origin, checkpoint key, witnesses and
//     quorum, kept in the gateway's Redis when it has one.
//     key hashes, secret key hashes, origins and quotas (docs/protocol.md
//     §7.6). webhooks.go: its webhooks section, which callback URLs
//     subscriptions may name and how deliveries are made, kept in Redis
//     (package redisdelivery) when there is one (§10).
//   - courier.go, courier_build.go: a courier host's file (LoadCourier)
//     and the host it builds: its adapter, OPRF keys, durable outbox and
//     publisher in push mode, and the verifier of the gateway's requests.
//     inprocess.go: a host run inside the gateway's own process
//     (trackgate serve --courier), which needs no gateway section.
//   - inspect.go: what a loaded file holds besides its fields (the public
//     halves of its keys, the clients Build dials with), for the tools
//     that check a deployment against it (trackgate doctor).
//     courier_keys.go: its keys read again while it runs (ReloadKeys, on
//     SIGHUP and when the key files change), without a restart.
//
// The documented examples are deploy/local/gateway.example.yaml and
// deploy/local/courier.example.yaml.
package config
