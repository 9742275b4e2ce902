package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// Record sealing constants (§5).
const (
	PadBlock  = 512
	NonceSize = 12
	TagSize   = 16
)

// SealedRecord is a sealed tracking view as it travels in JSON (§5).
type SealedRecord struct {
	Courier    string    `json:"courier"`
	Locator    B64       `json:"locator"`
	KeyID      B64       `json:"kid"`
	Version    uint64    `json:"version"`
	Nonce      B64       `json:"nonce"`
	Ciphertext B64       `json:"ciphertext"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// Check validates the shape of a record received from another party: a
// courier id, a 16-byte locator, an 8-byte kid, a positive version, a
// 12-byte nonce, a ciphertext of whole padding blocks plus the tag, and an
// expiry.
func (r *SealedRecord) Check() error {
	switch {
	case CheckCourierID(r.Courier) != nil:
		return fmt.Errorf("%w: courier %q", ErrInvalidRecord, r.Courier)
	case len(r.Locator) != LocatorSize:
		return fmt.Errorf("%w: locator is %d bytes, want %d", ErrInvalidRecord, len(r.Locator), LocatorSize)
	case len(r.KeyID) != KeyIDSize:
		return fmt.Errorf("%w: kid is %d bytes, want %d", ErrInvalidRecord, len(r.KeyID), KeyIDSize)
	case r.Version == 0:
		return fmt.Errorf("%w: version must be positive", ErrInvalidRecord)
	case len(r.Nonce) != NonceSize:
		return fmt.Errorf("%w: nonce is %d bytes, want %d", ErrInvalidRecord, len(r.Nonce), NonceSize)
	case len(r.Ciphertext) < PadBlock+TagSize || (len(r.Ciphertext)-TagSize)%PadBlock != 0:
		return fmt.Errorf("%w: ciphertext of %d bytes is not whole %d-byte blocks plus a tag", ErrInvalidRecord, len(r.Ciphertext), PadBlock)
	case r.ExpiresAt.IsZero():
		return fmt.Errorf("%w: expires_at is missing", ErrInvalidRecord)
	}
	return nil
}

// AAD builds the additional authenticated data of §5:
//
//	"tg1 record" ‖ 0x00 ‖ courier_id ‖ 0x00 ‖ locator ‖ kid ‖ uint64_be(version)
func AAD(courier string, locator, kid []byte, version uint64) []byte {
	aad := make([]byte, 0, 11+len(courier)+1+LocatorSize+KeyIDSize+8)
	aad = append(aad, "tg1 record"...)
	aad = append(aad, 0)
	aad = append(aad, courier...)
	aad = append(aad, 0)
	aad = append(aad, locator...)
	aad = append(aad, kid...)
	return binary.BigEndian.AppendUint64(aad, version)
}

// Pad right-pads plaintext with ASCII spaces to the next multiple of 512
// bytes. An empty plaintext still takes one block.
func Pad(plaintext []byte) []byte {
	n := (len(plaintext) + PadBlock - 1) / PadBlock * PadBlock
	if n == 0 {
		n = PadBlock
	}
	out := make([]byte, n)
	copy(out, plaintext)
	for i := len(plaintext); i < n; i++ {
		out[i] = ' '
	}
	return out
}

// Seal pads the view JSON and seals it under the record key. r must carry
// Courier, Locator, KeyID, Version and ExpiresAt; Seal fills Nonce (read
// from rand) and Ciphertext.
func Seal(recordKey []byte, r *SealedRecord, viewJSON []byte, rand io.Reader) error {
	aead, err := newAEAD(recordKey)
	if err != nil {
		return err
	}
	nonce := make([]byte, NonceSize)
	if _, err := io.ReadFull(rand, nonce); err != nil {
		return fmt.Errorf("seal: read nonce: %w", err)
	}
	r.Nonce = nonce
	r.Ciphertext = aead.Seal(nil, nonce, Pad(viewJSON), AAD(r.Courier, r.Locator, r.KeyID, r.Version))
	return nil
}

// Open decrypts a sealed record with the record key and returns the view
// JSON without its padding. Any mismatch (wrong key, changed header or
// ciphertext) is ErrOpenRecord.
func Open(recordKey []byte, r *SealedRecord) ([]byte, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	aead, err := newAEAD(recordKey)
	if err != nil {
		return nil, err
	}
	padded, err := aead.Open(nil, r.Nonce, r.Ciphertext, AAD(r.Courier, r.Locator, r.KeyID, r.Version))
	if err != nil {
		return nil, ErrOpenRecord
	}
	return bytes.TrimRight(padded, " "), nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != RecordKeySize {
		return nil, fmt.Errorf("%w: record key is %d bytes, want %d", ErrInvalidKey, len(key), RecordKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("record cipher: %w", err)
	}
	return cipher.NewGCM(block)
}
