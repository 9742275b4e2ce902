// Package webhook is the adapter for couriers with no API that trackgate
// could query: the courier's own systems push their tracking events, as
// they happen, to an ingest HTTP API that the adapter serves inside the
// courier host. The host seals and publishes them like any other adapter's
// parcels. It registers as the adapter "webhook".
//
// The ingest API (docs/adapters.md and docs/webhook-events.schema.json
// give the full schema, with curl examples) is served on the adapter's own
// listener, never on the /tg1 port the gateway calls, and every request
// but GET /healthz carries "Authorization: Bearer <token>":
//
//	POST   /v1/events                   up to 1000 events → 202 {"received","stored","duplicates","parcels"}
//	GET    /v1/parcels/{tracking_number} the parcel as it will be published
//	PUT    /v1/parcels/{tracking_number} {"factors":["1234"]}: replace its second factors → 204
//	DELETE /v1/parcels/{tracking_number} drop it → 204
//	GET    /healthz                      {"status":"ok"}, no token
//
// A batch is validated as a whole before anything is stored: one bad
// event refuses the request (400, RFC 9457 problem+json listing every
// problem by JSON pointer) and changes nothing. Accepted events are
// committed to the state file (bbolt, fsynced) before the 202, so nothing
// acknowledged is lost in a crash. Posting is idempotent: an event equal
// to a stored one in tracking number, time (the same instant), status and
// description is counted as a duplicate and stored once, so a courier
// retries a batch whose answer it did not see without a second thought.
// Free text (descriptions, cities, regions) passes through scrub.Text
// before it is stored.
//
// From the stored events the adapter builds each parcel's view: events
// oldest first (events at the same instant in the order they arrived);
// status, substatus and updated_at from the latest event; the ETA of the
// latest event that gives one, dropped once the parcel is final; handoffs
// from the events that name one. A parcel's version is the number of its
// events, plus the version it had when it was last dropped, so that it
// never goes back (docs/protocol.md §5). An Adapter is an adapters.Source
// (Lookup), an adapters.Lister (Parcels: every live parcel), an
// adapters.Watcher (Watch: each parcel whose events or factors change;
// several changes in quick succession may come as one report of the
// latest version) and an adapters.Closer.
//
// Lifecycle: Open opens the state file and starts serving the ingest API
// at once (in the courier host that is when the configuration is built,
// before the host runs): events posted before the host has started are
// stored and reach it through Parcels. Close stops the listener, letting
// requests in flight finish, then closes the state file. A parcel stays
// in the file until it has been final (delivered, returned, expired), or
// without events, for the retention period, or until it is dropped.
// Dropping a parcel does not withdraw records already published: they
// expire at the gateway after the host's record_ttl.
//
// Adapter options (all strings, as in a courier host's file):
//
//	courier    the courier id, as in the host's file (required)
//	listen     host:port of the ingest API, e.g. 127.0.0.1:9180 (required)
//	token_env  name of the environment variable holding the bearer token,
//	           at least 32 characters (required)
//	state      path of the state file, created with mode 0600 (required;
//	           give an absolute path: it is not resolved against the
//	           configuration file's directory)
//	factor     none (default) or phone_last4, as in the host's file: with
//	           phone_last4 a parcel must get at least one factor, with
//	           none it may get none
//	retention  how long a final parcel stays, a Go duration or whole days
//	           (default 30d; keep it above the host's record_ttl)
//	tls_cert   certificate file (PEM) to serve HTTPS with, with tls_key
//	tls_key    its private key file (PEM)
//
// The token travels in every request: serve on loopback or a private
// network, or give tls_cert and tls_key. Logs hold counts only, never a
// tracking number, a factor or an event; they go through the courier
// host's logger (SetLogger), in its format, with the attribute
// adapter=webhook.
package webhook
