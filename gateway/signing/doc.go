// Package signing carries the Ed25519 request signatures of PROTOCOL.md §9
// over HTTP, between the gateway and courier hosts: a Signer that adds the
// TG-Key-Id, TG-Timestamp and TG-Signature headers to an outgoing request,
// and gin middleware that verifies them on an incoming one (401 for an
// unknown key id, a bad signature or a timestamp more than 300 s off).
//
// The bytes signed are built by crypto.SigningPayload; this package only
// moves them through net/http.
package signing
