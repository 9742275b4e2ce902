package crypto

import (
	"bytes"
	"fmt"
	"slices"
)

// PublicRecord is a sealed record as the gateway serves it to anyone
// (docs/protocol.md §5): no courier, kid, version or expiry, so an answer
// tells nothing of who published what, or when. The field order is that
// of the wire form.
type PublicRecord struct {
	Locator    B64 `json:"locator"`
	Nonce      B64 `json:"nonce"`
	Ciphertext B64 `json:"ciphertext"`
}

// Public returns the public form of r. It shares r's byte slices.
func (r *SealedRecord) Public() PublicRecord {
	return PublicRecord{Locator: r.Locator, Nonce: r.Nonce, Ciphertext: r.Ciphertext}
}

// AppendJSON appends r's public wire form to dst: exactly
// {"locator":b64,"nonce":b64,"ciphertext":b64}, without white space
// (docs/protocol.md §5.3), byte for byte what encoding/json writes for r.
// It is built by concatenation, so that a gateway can keep it from the
// moment a record is stored instead of encoding it on every read.
func (r *PublicRecord) AppendJSON(dst []byte) []byte {
	dst = slices.Grow(dst, PublicJSONSize(len(r.Ciphertext)))
	dst = append(dst, `{"locator":"`...)
	dst = appendB64(dst, r.Locator)
	dst = append(dst, `","nonce":"`...)
	dst = appendB64(dst, r.Nonce)
	dst = append(dst, `","ciphertext":"`...)
	dst = appendB64(dst, r.Ciphertext)
	return append(dst, `"}`...)
}

// PublicJSONSize is the length of the public wire form (AppendJSON) of a
// record whose ciphertext is n bytes, with a locator and a nonce of their
// sizes: a function of n alone.
func PublicJSONSize(n int) int {
	return len(`{"locator":"","nonce":"","ciphertext":""}`) +
		b64.EncodedLen(LocatorSize) + b64.EncodedLen(NonceSize) + b64.EncodedLen(n)
}

// Check validates the shape of a public record: a 16-byte locator, a
// 12-byte nonce and a ciphertext of whole blocks.
func (r *PublicRecord) Check() error {
	switch {
	case len(r.Locator) != LocatorSize:
		return fmt.Errorf("%w: locator is %d bytes, want %d", ErrInvalidRecord, len(r.Locator), LocatorSize)
	case len(r.Nonce) != NonceSize:
		return fmt.Errorf("%w: nonce is %d bytes, want %d", ErrInvalidRecord, len(r.Nonce), NonceSize)
	}
	return checkCiphertext(r.Ciphertext)
}

// OpenPublic decrypts a public record with the record key of the locator
// the client derived for courier, the courier it asked. A record of
// another courier at the same locator, or any change, fails with
// ErrOpenRecord.
func OpenPublic(recordKey []byte, courier string, r *PublicRecord) ([]byte, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	aead, err := newAEAD(recordKey)
	if err != nil {
		return nil, err
	}
	padded, err := aead.Open(nil, r.Nonce, r.Ciphertext, AAD(courier, r.Locator))
	if err != nil {
		return nil, ErrOpenRecord
	}
	return bytes.TrimRight(padded, " "), nil
}
