package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"io"
	"time"
)

// Record sealing constants (docs/protocol.md §5). A sealed record's
// ciphertext is whole blocks of BlockSize bytes: the view JSON padded to
// BlockSize·k − TagSize bytes plus the AEAD tag.
const (
	BlockSize = 384
	NonceSize = 12
	TagSize   = 16
	// MaxVersion is the largest record version, 2^53−1, so that every
	// version survives JSON readers that hold numbers as float64.
	MaxVersion = 1<<53 - 1
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
// courier id, a 16-byte locator, an 8-byte kid, a version in 1…MaxVersion,
// a 12-byte nonce, a ciphertext of whole blocks, and an expiry.
func (r *SealedRecord) Check() error {
	switch {
	case CheckCourierID(r.Courier) != nil:
		return fmt.Errorf("%w: courier %q", ErrInvalidRecord, r.Courier)
	case len(r.Locator) != LocatorSize:
		return fmt.Errorf("%w: locator is %d bytes, want %d", ErrInvalidRecord, len(r.Locator), LocatorSize)
	case len(r.KeyID) != KeyIDSize:
		return fmt.Errorf("%w: kid is %d bytes, want %d", ErrInvalidRecord, len(r.KeyID), KeyIDSize)
	case r.Version == 0 || r.Version > MaxVersion:
		return fmt.Errorf("%w: version must be 1 to 2^53-1", ErrInvalidRecord)
	case len(r.Nonce) != NonceSize:
		return fmt.Errorf("%w: nonce is %d bytes, want %d", ErrInvalidRecord, len(r.Nonce), NonceSize)
	case r.ExpiresAt.IsZero():
		return fmt.Errorf("%w: expires_at is missing", ErrInvalidRecord)
	}
	return checkCiphertext(r.Ciphertext)
}

// checkCiphertext accepts whole blocks, at least one: the padded view and
// its tag (§5).
func checkCiphertext(c []byte) error {
	if len(c) == 0 || len(c)%BlockSize != 0 {
		return fmt.Errorf("%w: ciphertext of %d bytes is not whole %d-byte blocks", ErrInvalidRecord, len(c), BlockSize)
	}
	return nil
}

// Blocks is the number of blocks of a ciphertext of n bytes.
func Blocks(n int) int { return n / BlockSize }

// AAD builds the additional authenticated data of docs/protocol.md §5:
//
//	"tg1r2 record" ‖ 0x00 ‖ courier_id ‖ 0x00 ‖ locator
//
// Neither kid nor version is bound: public answers carry neither, and the
// record key already depends on the courier's OPRF key.
func AAD(courier string, locator []byte) []byte {
	aad := make([]byte, 0, len(aadLabel)+1+len(courier)+1+LocatorSize)
	aad = append(aad, aadLabel...)
	aad = append(aad, 0)
	aad = append(aad, courier...)
	aad = append(aad, 0)
	return append(aad, locator...)
}

const aadLabel = "tg1r2 record"

// Pad right-pads plaintext with ASCII spaces to BlockSize·k − TagSize
// bytes for the smallest k ≥ 1 that fits, so that the sealed ciphertext is
// exactly k blocks.
func Pad(plaintext []byte) []byte {
	k := max(1, (len(plaintext)+TagSize+BlockSize-1)/BlockSize)
	n := k*BlockSize - TagSize
	out := make([]byte, n)
	copy(out, plaintext)
	for i := len(plaintext); i < n; i++ {
		out[i] = ' '
	}
	return out
}

// Seal pads the view JSON and seals it under the record key. r must carry
// Courier and Locator (bound in the AAD), and KeyID, Version and ExpiresAt
// for the store; Seal fills Nonce (read from rand) and Ciphertext.
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
	r.Ciphertext = aead.Seal(nil, nonce, Pad(viewJSON), AAD(r.Courier, r.Locator))
	return nil
}

// Open decrypts a sealed record with the record key and returns the view
// JSON without its padding. Any mismatch (wrong key, changed courier,
// locator or ciphertext) is ErrOpenRecord.
func Open(recordKey []byte, r *SealedRecord) ([]byte, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	aead, err := newAEAD(recordKey)
	if err != nil {
		return nil, err
	}
	padded, err := aead.Open(nil, r.Nonce, r.Ciphertext, AAD(r.Courier, r.Locator))
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
