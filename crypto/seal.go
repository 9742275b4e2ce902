package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"io"
	"time"
)

// Record sealing constants (docs/protocol.md §5). Every record of a
// deployment has one ciphertext size, its record_size: whole blocks of
// BlockSize bytes, the view JSON padded to record_size − TagSize bytes
// plus the AEAD tag. One size for all makes a dummy record look like any
// real one, so a bucket answer's length says nothing but its class.
const (
	BlockSize = 384
	NonceSize = 12
	TagSize   = 16
	// DefaultRecordSize is record_size when a deployment sets none: 16
	// blocks, room for a view of a few dozen events.
	DefaultRecordSize = 6144
	// MinRecordSize and MaxRecordSize bound record_size.
	MinRecordSize = BlockSize
	MaxRecordSize = 64 * BlockSize
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
// a 12-byte nonce, a ciphertext of whole blocks, and an expiry. Whether
// the ciphertext is exactly the deployment's record_size is the
// receiver's check: this package does not know the deployment.
func (r *SealedRecord) Check() error {
	switch {
	case CheckCourierID(r.Courier) != nil:
		return fmt.Errorf("%w: courier %q", ErrInvalidRecord, r.Courier)
	case len(r.Locator) != LocatorSize:
		return fmt.Errorf("%w: locator is %d bytes, want %d", ErrInvalidRecord, len(r.Locator), LocatorSize)
	case len(r.KeyID) != KeyIDSize:
		return fmt.Errorf("%w: kid is %d bytes, want %d", ErrInvalidRecord, len(r.KeyID), KeyIDSize)
	case !ValidVersion(r.Version):
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

// ValidVersion reports whether v is a record version of docs/protocol.md
// §5.2: 1 to MaxVersion. Records, extensions and withdrawals all use it.
func ValidVersion(v uint64) bool { return v != 0 && v <= MaxVersion }

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

// CheckRecordSize accepts a record_size: a multiple of BlockSize from
// MinRecordSize to MaxRecordSize.
func CheckRecordSize(size int) error {
	if size < MinRecordSize || size > MaxRecordSize || size%BlockSize != 0 {
		return fmt.Errorf("%w: %d is not a multiple of %d from %d to %d", ErrInvalidRecordSize, size, BlockSize, MinRecordSize, MaxRecordSize)
	}
	return nil
}

// MaxViewBytes is the longest view JSON that a record of size bytes holds.
func MaxViewBytes(size int) int { return size - TagSize }

// Pad right-pads plaintext with ASCII spaces to size − TagSize bytes, so
// that the sealed ciphertext is exactly size bytes. A plaintext longer
// than that is ErrViewTooLarge.
func Pad(plaintext []byte, size int) ([]byte, error) {
	if err := CheckRecordSize(size); err != nil {
		return nil, err
	}
	n := MaxViewBytes(size)
	if len(plaintext) > n {
		return nil, fmt.Errorf("%w: %d bytes, at most %d in a record of %d bytes", ErrViewTooLarge, len(plaintext), n, size)
	}
	out := make([]byte, n)
	copy(out, plaintext)
	for i := len(plaintext); i < n; i++ {
		out[i] = ' '
	}
	return out, nil
}

// Seal pads the view JSON to the deployment's record size and seals it
// under the record key. r must carry Courier and Locator (bound in the
// AAD), and KeyID, Version and ExpiresAt for the store; Seal fills Nonce
// (read from rand) and Ciphertext, exactly size bytes. A view that does
// not fit is ErrViewTooLarge.
func Seal(recordKey []byte, r *SealedRecord, viewJSON []byte, size int, rand io.Reader) error {
	aead, err := newAEAD(recordKey)
	if err != nil {
		return err
	}
	padded, err := Pad(viewJSON, size)
	if err != nil {
		return err
	}
	nonce := make([]byte, NonceSize)
	if _, err := io.ReadFull(rand, nonce); err != nil {
		return fmt.Errorf("seal: read nonce: %w", err)
	}
	r.Nonce = nonce
	r.Ciphertext = aead.Seal(nil, nonce, padded, AAD(r.Courier, r.Locator))
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
