// Package client is the Go SDK of trackgate: what a shopper's app or a
// marketplace back end uses to track a parcel through a gateway without the
// gateway learning the tracking number (PROTOCOL.md §1–§7).
//
// A Client talks to one gateway. Track runs the whole tg1 lookup:
//
//  1. normalize the tracking number, refusing a bad shape before any
//     network call;
//  2. fetch the courier directory (cached with its ETag, validated: every
//     key's kid must match its public key);
//  3. pick the candidate couriers, by detection (Detect) or pinned by the
//     caller;
//  4. blind one OPRF input per candidate and send them all in one
//     POST /v1/evaluate;
//  5. verify each courier's proof against the directory key, derive the
//     locator and record key, fetch the sealed record (a whole bucket by
//     default, or the single record in fast mode), open it and check that
//     the view names the courier and number that were asked for;
//  6. follow handoffs to onward couriers and merge every leg into one
//     Result with a single timeline.
//
// "Not found" and "wrong second factor" are the same answer by design
// (ErrNotFound): the protocol makes them indistinguishable so that a
// factor cannot be guessed one digit at a time.
//
// The files follow the steps: directory.go, detect.go, track.go (planning
// and handoffs), evaluate.go (blinding and proofs), fetch.go (records and
// views), result.go (the merged answer) and errors.go.
package client
