// Package gateway is the neutral tg1 gateway (docs/protocol.md §7): the HTTP
// service a shopper's client, a marketplace and the courier hosts talk to.
//
// It serves the courier directory, relays blinded evaluations to courier
// hosts (fanning out to every courier at once and answering with whatever
// arrived by a deadline), stores the sealed records that push-mode
// couriers publish, fetches records live from pull-mode couriers, and
// delivers new versions of records to marketplaces that subscribed to
// their locators (webhooks, §10). It
// never sees a tracking number, a second factor or a tracking event: it
// handles blinded group elements, locators, buckets and ciphertext only,
// and its logs hold routes, statuses, counts and durations (and a tenant's
// id), never those nor an API key.
//
// The pieces:
//
//   - config.go: Config and the registered couriers, validated once by New.
//   - server.go: the gin engine, its middleware and routes.
//   - directory.go: GET /v1/couriers, assembled from the hosts' keys, ETag,
//     and which couriers are still loading their first records (§7.1).
//   - keylog.go: the key log's side of the directory (§7.8): the
//     statements each host serves, checked against its courier's history
//     in the log (package keylog) and appended; a courier lists only keys
//     whose statements the directory's checkpoint holds, shown with their
//     inclusion proofs. keylog_routes.go: GET /v1/log/checkpoint,
//     consistency, inclusion and entries, and witnesses' POST
//     /v1/log/cosignatures.
//   - evaluate.go: POST /v1/evaluate and its fan-out.
//   - fetch.go: GET /v1/buckets/{bucket} and /v1/records/{locator},
//     merging every courier's records from the store and the pull-mode
//     couriers' buckets, served in public form.
//   - padding.go: the dummy records that pad a bucket answer to its size
//     class, derived from the padding secret.
//   - publish.go: PUT /v1/couriers/{courier}/records, signed (§9): a
//     batch checked whole, then applied per item by the store; and the
//     in-process publisher the embedded default uses.
//   - limits.go: the per-client fetch limit on bucket and record GETs;
//     evaluate.go applies the evaluation limit (limiters: package
//     ratelimit; defaults and reasons: docs/protocol.md §12).
//   - tenants.go: the marketplaces registered as tenants (§7.6): their
//     API keys (TG-Api-Key, checked against hashes; package tenant), the
//     quota a keyed request is charged to instead of the client's, and
//     CORS for their origins, preflights included.
//   - transparency.go: GET /v1/transparency, the regulator's report
//     (docs/transparency.md), for a report reader key; and the counting
//     behind it — every 4xx on /v1 by reason, and, where they happen,
//     evaluations relayed, fetches and records published, per courier
//     and tenant, into the Recorder of package transparency. Counts only.
//   - secretkey.go, subscriptions.go: the subscription routes (§10),
//     for a tenant's server with its secret key, never a page.
//   - webhooks.go: the webhook engine (package delivery) built with the
//     gateway's store and pull couriers, and the deliveries of a publish,
//     queued before it is acknowledged.
//
// Courier hosts are reached through api.CourierHost, in process or over
// HTTP (package remotehost); the gateway takes the same path for both.
package gateway
