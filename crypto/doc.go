// Package crypto implements the cryptography of tg1, the trackgate
// blind-lookup protocol (docs/protocol.md §2–§5 and §9).
//
// A lookup runs in five steps, and this package has one file for each
// concept it needs:
//
//   - identifiers.go: normalize a tracking number, check a courier id and a
//     second factor, and build the OPRF input x (§3–4).
//   - keys.go: a courier's OPRF key pair and its kid (§3).
//   - oprf.go: the client's Blind/Finalize and the courier's Evaluate and
//     FullEvaluate over RFC 9497 VOPRF ristretto255-SHA512, with every
//     received group element validated before use (§2).
//   - derive.go: the locator, record key and bucket derived from the OPRF
//     output y (§4).
//   - seal.go: sealing a tracking view into a padded AES-256-GCM record and
//     opening it again (§5).
//   - sign.go: Ed25519 request signatures between gateway and courier hosts
//     (§9) and the courier hosts' answer signatures (§8).
//   - b64.go: the unpadded base64url encoding every binary JSON value uses (§2).
//
// The package holds no state and imports nothing else of trackgate.
package crypto
