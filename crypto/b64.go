package crypto

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"
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

// appendB64 appends the unpadded base64url of src to dst, as
// b64.AppendEncode does but about twice as fast: every 12 bits become two
// characters at once, from a table. Records are encoded on every read of
// a bucket the gateway does not keep in public form (docs/protocol.md
// §5.3), so this is the hottest loop of a read.
func appendB64(dst, src []byte) []byte {
	start := len(dst)
	dst = slices.Grow(dst, b64.EncodedLen(len(src)))
	dst = dst[:start+b64.EncodedLen(len(src))]
	out := dst[start:]
	si, di := 0, 0
	// 12 bytes become 16 characters; each 8-byte load uses its first 6.
	for ; len(src)-si >= 14; si, di = si+12, di+16 {
		v := binary.BigEndian.Uint64(src[si:])
		w := binary.BigEndian.Uint64(src[si+6:])
		o := out[di : di+16]
		binary.BigEndian.PutUint64(o, uint64(b64Pairs[v>>52])<<48|uint64(b64Pairs[v>>40&0xfff])<<32|
			uint64(b64Pairs[v>>28&0xfff])<<16|uint64(b64Pairs[v>>16&0xfff]))
		binary.BigEndian.PutUint64(o[8:], uint64(b64Pairs[w>>52])<<48|uint64(b64Pairs[w>>40&0xfff])<<32|
			uint64(b64Pairs[w>>28&0xfff])<<16|uint64(b64Pairs[w>>16&0xfff]))
	}
	b64.Encode(out[di:], src[si:])
	return dst
}

// b64Pairs maps 12 bits to their two base64url characters.
var b64Pairs = func() (t [4096]uint16) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range t {
		t[i] = uint16(alphabet[i>>6])<<8 | uint16(alphabet[i&63])
	}
	return t
}()
