package store

import "github.com/trackgate/trackgate/crypto"

// PublicRecord is a live record as the public reads answer it: its public
// wire form, ready to be written as it is, and what an answer is ordered
// by. A sealed record never changes once stored, so a store can keep this
// form from the moment it stores the record (or build it straight from
// the bytes it reads), and the gateway answers by concatenation, with no
// encoding per read.
type PublicRecord struct {
	Locator []byte // 16 raw bytes
	Nonce   []byte // 12 raw bytes
	// JSON is exactly {"locator":b64,"nonce":b64,"ciphertext":b64}
	// (crypto.(*PublicRecord).AppendJSON, docs/protocol.md §5.3).
	JSON []byte
}

// NewPublicRecord returns the public form of r, its JSON in a new slice
// and its locator and nonce shared with r.
func NewPublicRecord(r *crypto.SealedRecord) PublicRecord {
	pub := r.Public()
	return PublicRecord{Locator: r.Locator, Nonce: r.Nonce, JSON: pub.AppendJSON(nil)}
}
