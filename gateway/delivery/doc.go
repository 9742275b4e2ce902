// Package delivery runs webhook subscriptions (docs/protocol.md §10): a
// marketplace's server subscribes to locators, and the gateway POSTs to
// its callback URL, signed, every new version of a record stored at those
// locators and every withdrawal, at least once and in version order.
//
// The pieces:
//
//   - subscription.go, event.go: the nouns — Subscription, Event (a
//     change of a record), Delivery (an event for one subscription, with
//     its attempts), DeadLetter, Attempt.
//   - backend.go: Backend, where subscriptions, queued deliveries, dead
//     letters and watch state are kept; memory (the embedded default) and
//     redisdelivery (production, shared by every gateway) implement it,
//     and deliverytest is the suite both pass.
//   - service.go: the operations behind the subscription routes, with
//     their checks and limits.
//   - engine.go, attempt.go: the workers. The queue holds deliveries in
//     lanes, one per (subscription, courier, locator), each held by one
//     attempt at a time, so versions go in order; a tenant has at most
//     Concurrency attempts in flight per gateway, so a slow receiver
//     slows only its own tenant. attempt.go builds, signs and posts a
//     delivery through webhook.Client (the SSRF guard) and records what
//     became of it.
//   - retry.go: exponential backoff with full jitter, then dead letters.
//   - watch.go: the watcher of pull couriers, which reads their bucket of
//     every watched locator (never the locator) and queues new versions.
//   - end.go: the sweep that ends subscriptions past their time, or whose
//     parcels are all gone.
//   - count.go: the counting hook of the transparency report.
//
// Nothing accepted is lost: a record's deliveries are queued before the
// gateway acknowledges it; an attempt holds its lane until it is
// finished, and a lane held too long by a gateway that died is claimed by
// another. The price is that a receiver may get a delivery twice; it
// deduplicates by TG-Webhook-Id.
//
// What the gateway keeps here is what it serves anyway — locators, public
// records, versions — and what the tenant gave it: the callback URL and
// the secret, which it must hold to sign (docs/threat-model.md).
package delivery
