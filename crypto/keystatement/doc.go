// Package keystatement builds, signs, parses and verifies the statements a
// courier makes about its keys, which the gateway's key log (gateway/keylog)
// records so that every client can check the keys it blinds with.
//
// A statement is a signed note (golang.org/x/mod/sumdb/note): a few lines
// of text and Ed25519 signatures under the note name "tg1-courier/<id>".
// There are two kinds:
//
//   - a key statement (Key): one OPRF public key of a courier with its kid,
//     validity window, mode, second factor and bucket bits, signed by the
//     courier host's signing key, which the statement names;
//   - a signing-key statement (SigningKey): the courier's signing key and
//     the one it replaces, signed by the new key and, when there was a
//     previous key, by the previous key as well.
//
// Only the courier host holds its signing key, so the gateway can record
// statements and show them, but neither forge nor alter one. Parsing is
// strict (exact lines in exact order, canonical encodings, exactly the
// expected signatures), so every statement has exactly one encoding and
// the same statement is always the same log entry.
//
//   - key.go: key statements.
//   - signingkey.go: signing-key statements.
//   - history.go: following a courier's signing key through the log, in
//     log order, and checking the key statements against it.
//   - live.go: the rule of at most two live keys per courier.
//   - notekeys.go: note signers and verifiers made from raw Ed25519 keys,
//     which the key log and its witnesses use as well.
//   - text.go: the line format both kinds share, and opening a note.
//
// The package does no I/O and holds no state.
package keystatement
