package keyfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// OPRFKey is a courier's OPRF key and the window in which the directory
// lists it as current.
type OPRFKey struct {
	Key       *crypto.PrivateKey
	NotBefore time.Time
	NotAfter  time.Time
}

// oprfFile is the JSON form of an OPRF key file.
type oprfFile struct {
	Kind       string     `json:"kind"`
	Suite      string     `json:"suite"`
	KeyID      string     `json:"kid"`
	PublicKey  crypto.B64 `json:"public_key"`
	PrivateKey crypto.B64 `json:"private_key"`
	NotBefore  time.Time  `json:"not_before"`
	NotAfter   time.Time  `json:"not_after"`
}

// SaveOPRF writes k and its validity window to path with mode 0600. It
// refuses to replace an existing file unless Overwrite is given.
func SaveOPRF(path string, k *crypto.PrivateKey, notBefore, notAfter time.Time, opts ...SaveOption) error {
	if k == nil {
		return fmt.Errorf("save %s: no key", path)
	}
	if !notAfter.After(notBefore) {
		return fmt.Errorf("save %s: not_after %s is not after not_before %s", path, notAfter.Format(time.RFC3339), notBefore.Format(time.RFC3339))
	}
	data, err := json.MarshalIndent(oprfFile{
		Kind: KindOPRF, Suite: crypto.Suite,
		KeyID: k.Public().KeyID(), PublicKey: k.Public().Bytes(), PrivateKey: k.Bytes(),
		NotBefore: notBefore.UTC(), NotAfter: notAfter.UTC(),
	}, "", "  ")
	if err != nil {
		return fmt.Errorf("save %s: encode: %w", path, err)
	}
	return write(path, append(data, '\n'), opts)
}

// LoadOPRF reads an OPRF key file written by SaveOPRF. It refuses a file
// accessible to group or others (ErrInsecureFile) and one whose public
// key or kid does not match its private key (ErrInvalidFile).
func LoadOPRF(path string) (OPRFKey, error) {
	data, err := read(path)
	if err != nil {
		return OPRFKey{}, err
	}
	k, err := decodeOPRF(data)
	if err != nil {
		return OPRFKey{}, fmt.Errorf("load %s: %w", path, err)
	}
	return k, nil
}

func decodeOPRF(data []byte) (OPRFKey, error) {
	var f oprfFile
	if err := json.Unmarshal(data, &f); err != nil {
		return OPRFKey{}, fmt.Errorf("%w: %v", ErrInvalidFile, err)
	}
	if f.Kind != KindOPRF {
		return OPRFKey{}, fmt.Errorf("%w: kind %q, want %q", ErrInvalidFile, f.Kind, KindOPRF)
	}
	if f.Suite != crypto.Suite {
		return OPRFKey{}, fmt.Errorf("%w: suite %q, want %q", ErrInvalidFile, f.Suite, crypto.Suite)
	}
	k, err := crypto.ParsePrivateKey(f.PrivateKey)
	if err != nil {
		return OPRFKey{}, fmt.Errorf("%w: %v", ErrInvalidFile, err)
	}
	// The public parts are there for humans; if they disagree with the
	// private key, someone edited the file and it cannot be trusted.
	if !bytes.Equal(f.PublicKey, k.Public().Bytes()) || f.KeyID != k.Public().KeyID() {
		return OPRFKey{}, fmt.Errorf("%w: public_key or kid does not belong to private_key", ErrInvalidFile)
	}
	if !f.NotAfter.After(f.NotBefore) {
		return OPRFKey{}, fmt.Errorf("%w: not_after is not after not_before", ErrInvalidFile)
	}
	return OPRFKey{Key: k, NotBefore: f.NotBefore, NotAfter: f.NotAfter}, nil
}
