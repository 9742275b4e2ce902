// Package declarative is an adapter without Go code: a YAML file
// describes a carrier's HTTP tracking API — how to ask for a parcel, how
// to authenticate, how to tell its errors, and how to read its JSON
// answer with jq expressions (github.com/itchyny/gojq) and a status
// table — and the adapter does the rest as the Go adapters do: carrierhttp
// for timeouts, retries and Retry-After, scrub for free text, the tg1
// rules for views. docs/adapters.md shows a complete description;
// carriers/dhl.yaml, built in, describes DHL's Unified API and passes the
// tests of the Go adapter adapters/dhl.
//
// It registers as "declarative" with the option "file" (a description)
// or "carrier" (a built-in one: dhl), "courier", "base_url", "timeout",
// the options the description declares (each also as NAME_env, naming
// the environment variable that holds it), and the watchlist's
// "watchlist" and "poll".
//
// A description is checked once, when it is loaded: an unknown key, a jq
// syntax error, a status outside the tg1 taxonomy, a template naming an
// undeclared option, or a request that sends the tracking number nowhere
// is refused with the line it is on. Its parts:
//
//   - carrier, courier, base_url, timeout, zone, limits: names, the
//     default courier id, the API's base URL, the timeout of an attempt,
//     where times without an offset are ("place", the default: the
//     event's place; or a zone such as Asia/Shanghai or +08:00), and the
//     bounds of an answer (body bytes, jq run time, events).
//   - options: what the courier host's configuration gives, each
//     required or with a default, maybe read from an environment variable.
//   - request: method, url, query, headers and a json or form body, as
//     templates: {number} (normalized), {factor}, {option.NAME},
//     {base_url}, {token}, {uuid}, {now.unix}, {now.unix_ms},
//     {now.rfc3339}, {now.local}, with filters such as {number|upper}.
//     Values are escaped where they go (path, query, JSON, form).
//   - auth: a header or query parameter, OAuth 2.0 client credentials
//     (the token cached until shortly before it expires, fetched anew once
//     on a 401), and a signature (md5, sha1, sha256 or their HMACs, over a
//     template that may hold {body} and {form.NAME}, in base64 or hex, into
//     a header, query parameter or form field).
//   - errors: HTTP statuses mapped to error classes (404 not_found, 401
//     and 403 misconfigured, any other non-2xx unavailable unless
//     mapped; 429 and 5xx are retried first, honouring Retry-After), and jq
//     predicates on a 2xx answer that say not found inside a 200.
//   - answer: jq expressions for the shipment, its events and each
//     event's time, code, description, words to classify and location; the
//     shipment's current status line; ETA windows in order of preference;
//     the personal names the answer holds, masked wherever texts repeat
//     them; the place whose zone dates events no place dates.
//   - status: the carrier's codes mapped to tg1 statuses (or keep, an
//     informational line), the statuses an event's words may refine a
//     code into, what an event without a code is (its words' class by
//     adapters/phrases, keep, or a status), and what an unknown code is.
//
// trackgate adds jq functions for what the Go adapters do in Go:
// locality (a locality string to a place, by adapters/places), local_time
// (a local time to one with its place's offset, places.Zone),
// phrase_status (a text's status, by adapters/phrases) and
// tracking_number (an id, string or number, normalized). Expressions see
// $number and $factor, and an empty environment: env and $ENV hold no
// secrets of the host. A jq error on an answer is a malformed answer
// (ErrUnavailable) whose text names the expression's line, never the
// values jq failed on.
//
// The view follows the whole history (phrases.History): events oldest
// first (a list whose first event is its newest is read backwards), each
// event's status the parcel's after it; a delivered (returned, expired)
// parcel stays so through informational lines and late scans after it,
// and a parcel under way never goes back to pending or info_received.
// Texts lose the answer's personal names and pass through scrub.Text; a
// place is never finer than a city. The version is one more than the
// number of events.
package declarative
