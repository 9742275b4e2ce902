// Package signing carries the Ed25519 signatures of docs/protocol.md §8
// and §9 over HTTP, between the gateway and courier hosts.
//
//   - Signer adds TG-Key-Id, TG-Timestamp, TG-Nonce and TG-Signature to an
//     outgoing request, signed for one receiver (its Audience).
//   - Verifier checks them on an incoming request (Require is its gin
//     middleware): 401 for an unknown key id, a bad signature, a request
//     signed for another receiver, a timestamp more than 300 s off, or a
//     (key id, nonce) pair already seen within crypto.ReplayWindow.
//   - NonceStore remembers the pairs seen. MemoryNonces keeps them in one
//     process (a courier host, the embedded default); package
//     signing/redisnonce shares them between gateways through Redis, so
//     a request replayed to another gateway is refused too. A store that
//     fails refuses the request (503): without it a replay could pass.
//   - SignAnswers is the courier host's middleware that signs every /tg1
//     answer, and VerifyAnswer what the gateway checks it with (§8).
//
// The bytes signed are built by package crypto; this package only moves
// them through net/http.
package signing
