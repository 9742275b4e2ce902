// Package adaptertest is the conformance kit every adapter of trackgate
// passes: Run drives an adapter against a fake of its carrier through the
// scenarios a carrier's API plays out — a parcel found with a realistic
// history, not found, bad credentials, rate limited with Retry-After, a
// server error, malformed JSON, an answer slower than the adapter's
// timeout — and checks what the courier host relies on:
//
//   - every status, of the view and of each event, is in the tg1 taxonomy
//     and View.Check passes;
//   - events come oldest first, and every time on the wire carries an
//     explicit offset;
//   - the view carries the normalized tracking number and the adapter's
//     courier id, and no personal data: no phone number, e-mail or ID
//     number, and none of the personal data the fake put in its fixture;
//   - the same fixture gives the same JSON and version twice;
//   - errors fall in their class (errors.Is): not found is
//     adapters.ErrNotFound; 429, 5xx, timeouts and malformed answers are
//     adapters.ErrUnavailable, a 429's Retry-After readable with
//     adapters.RetryAfter; bad credentials are adapters.ErrMisconfigured;
//     and no error text names the tracking number or a factor;
//   - a Lookup whose context has ended fails, and not as not found.
//
// An adapter fed by the courier's own pushes rather than a carrier's API
// (adapters/webhook) has no carrier to fake: RunPush pushes realistic
// histories, salted with personal data, through the adapter's intake and
// checks the parcels Lookup then gives — not found for parcels never
// pushed, stable views and versions when a courier retries, events
// pushed out of order, and malformed batches refused as a whole, naming
// the field at fault and changing nothing. The checks are also exported
// one by one (CheckView, CheckViewJSON, CheckError) for an adapter's own
// tests and fuzz targets.
//
// Fakes built from a carrier's documentation pass; real answers differ.
// RealAnswers runs an adapter over answers others published (kept
// verbatim under the adapter's testdata, each cited in a README.md) and
// compares what it reads with what a careful reader of each answer
// expects, written by hand in a want file next to it.
package adaptertest
