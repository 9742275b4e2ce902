package crypto

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// b64 is base64url without padding (RFC 4648 §5). Strict decoding refuses
// non-zero trailing bits, so every byte string has exactly one encoding.
var b64 = base64.RawURLEncoding.Strict()

// EncodeB64 encodes b as unpadded base64url.
func EncodeB64(b []byte) string { return b64.EncodeToString(b) }

// DecodeB64 decodes unpadded base64url; padding, the standard alphabet,
// white space and non-canonical trailing bits are all refused.
func DecodeB64(s string) ([]byte, error) {
	// encoding/base64 skips CR and LF even in strict mode, which would give
	// one byte string many accepted encodings.
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("%w: contains a line break", ErrBadBase64)
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadBase64, err)
	}
	return b, nil
}

// B64 is a byte string that marshals to and from JSON as unpadded base64url.
type B64 []byte

// MarshalText implements encoding.TextMarshaler.
func (b B64) MarshalText() ([]byte, error) { return []byte(EncodeB64(b)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *B64) UnmarshalText(text []byte) error {
	d, err := DecodeB64(string(text))
	if err != nil {
		return err
	}
	*b = d
	return nil
}
