// Package keylog is the gateway's key log: an append-only Merkle tree
// (RFC 6962 hashing, golang.org/x/mod/sumdb/tlog) of the statements
// couriers make about their keys (crypto/keystatement), with signed
// checkpoints in the C2SP tlog-checkpoint format, inclusion and
// consistency proofs, and the cosignatures of witnesses. Clients check
// what it serves with gateway/keylog/verify, which imports nothing of
// this package.
//
// The log accepts only statements that open (well formed, signed by the
// key they name); whether that key is the courier's is for clients and
// monitors to check from the log's history. Appending a statement already
// in the log returns its index: each statement is in the log once.
//
//   - storage.go: the Storage interface, and the Cosignature it keeps.
//   - memory.go: Storage in this process, for the embedded default.
//   - redis.go: Storage in Redis, shared by every gateway of a
//     deployment, appends serialized by WATCH/MULTI.
//   - log.go: the Log: appending and reading entries.
//   - checkpoint.go: signing checkpoints and serving them with their
//     cosignatures.
//   - proofs.go: inclusion and consistency proofs.
//   - cosign.go: accepting witnesses' cosignatures.
package keylog
