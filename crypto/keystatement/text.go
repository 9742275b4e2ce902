package keystatement

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/trackgate/trackgate/crypto"
)

// MaxSize bounds a signed statement: the longest is a few hundred bytes.
const MaxSize = 2048

// SignerPrefix begins the note name a courier signs statements under:
// "tg1-courier/<courier id>".
const SignerPrefix = "tg1-courier/"

// SignerName is the note name of a courier's signatures.
func SignerName(courier string) string { return SignerPrefix + courier }

// timeLayout is RFC 3339 in UTC to the second: the one way a statement
// writes a time.
const timeLayout = "2006-01-02T15:04:05Z"

// field is one "<name> <value>" line of a statement.
type field struct{ name, value string }

// render writes a statement's text: its header line, then one line per
// field, each ending in LF.
func render(header string, fields []field) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteByte('\n')
	for _, f := range fields {
		b.WriteString(f.name)
		b.WriteByte(' ')
		b.WriteString(f.value)
		b.WriteByte('\n')
	}
	return b.String()
}

// split reads a statement's text back into its values, requiring the
// header and exactly the named fields in order. Whether each value is
// canonical is checked by rendering the parsed statement again.
func split(text, header string, names ...string) ([]string, error) {
	body, ok := strings.CutSuffix(text, "\n")
	if !ok {
		return nil, fmt.Errorf("%w: text does not end in a line feed", ErrMalformed)
	}
	lines := strings.Split(body, "\n")
	if lines[0] != header {
		return nil, fmt.Errorf("%w: first line is not %q", ErrMalformed, header)
	}
	if len(lines) != 1+len(names) {
		return nil, fmt.Errorf("%w: %d lines, want %d", ErrMalformed, len(lines), 1+len(names))
	}
	values := make([]string, len(names))
	for i, name := range names {
		value, ok := strings.CutPrefix(lines[1+i], name+" ")
		if !ok {
			return nil, fmt.Errorf("%w: line %d is not %q", ErrMalformed, 2+i, name)
		}
		values[i] = value
	}
	return values, nil
}

// peek returns the text of a signed note without verifying anything, so
// that the statement can name the key its signature is checked with.
func peek(msg []byte) (string, error) {
	if len(msg) > MaxSize {
		return "", fmt.Errorf("%w: %d bytes, at most %d", ErrMalformed, len(msg), MaxSize)
	}
	_, err := note.Open(msg, nil)
	var unverified *note.UnverifiedNoteError
	if !errors.As(err, &unverified) {
		return "", fmt.Errorf("%w: not a signed note: %v", ErrMalformed, err)
	}
	return unverified.Note.Text, nil
}

// open verifies msg's signatures with verifiers. It returns the
// verifiers whose signature is absent or does not verify, for the caller
// to say what that means. When all signed, msg must carry no other
// signature and be in the canonical encoding, with the signatures in the
// verifiers' order; any other failure is an error.
func open(msg []byte, verifiers ...note.Verifier) (unsigned []note.Verifier, err error) {
	n, err := note.Open(msg, note.VerifierList(verifiers...))
	var invalid *note.InvalidSignatureError
	switch {
	case errors.As(err, &invalid):
		for _, v := range verifiers {
			if v.Name() == invalid.Name && v.KeyHash() == invalid.Hash {
				return []note.Verifier{v}, nil
			}
		}
		return nil, fmt.Errorf("%w: %v", ErrBadSignature, err)
	case errors.As(err, new(*note.UnverifiedNoteError)):
		return verifiers, nil
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	var want []note.Signature
	for _, v := range verifiers {
		i := sigIndex(n.Sigs, v)
		if i < 0 {
			unsigned = append(unsigned, v)
			continue
		}
		want = append(want, n.Sigs[i])
	}
	if len(unsigned) > 0 {
		return unsigned, nil
	}
	if len(n.UnverifiedSigs) > 0 {
		s := n.UnverifiedSigs[0]
		return nil, fmt.Errorf("%w: an extra signature by %s (%08x)", ErrBadSignature, s.Name, s.Hash)
	}
	if !bytes.Equal(msg, canonical(n.Text, want)) {
		return nil, fmt.Errorf("%w: signatures out of order, repeated or not canonically encoded", ErrMalformed)
	}
	return unsigned, nil
}

func sigIndex(sigs []note.Signature, v note.Verifier) int {
	for i, s := range sigs {
		if s.Name == v.Name() && s.Hash == v.KeyHash() {
			return i
		}
	}
	return -1
}

// canonical writes a signed note with the signatures in the given order,
// each re-encoded in standard padded base64 with zero trailing bits.
func canonical(text string, sigs []note.Signature) []byte {
	var b bytes.Buffer
	b.WriteString(text)
	b.WriteByte('\n')
	for _, s := range sigs {
		raw, err := base64.StdEncoding.DecodeString(s.Base64)
		if err != nil {
			return nil // note.Open decoded it already
		}
		fmt.Fprintf(&b, "— %s %s\n", s.Name, base64.StdEncoding.EncodeToString(raw))
	}
	return b.Bytes()
}

// Value encoders and decoders. Decoders accept what the encoder writes
// and a little more; render-and-compare refuses the rest.

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func checkTime(name string, t time.Time) error {
	if t.IsZero() || t.Nanosecond() != 0 || t.Year() < 1970 || t.Year() > 9999 {
		return fmt.Errorf("%w: %s must be a time after 1970 in whole seconds", ErrMalformed, name)
	}
	return nil
}

func parseTime(name, s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %s %q is not an RFC 3339 UTC time in seconds", ErrMalformed, name, s)
	}
	return t, nil
}

func parseB64(name, s string, size int) ([]byte, error) {
	b, err := crypto.DecodeB64(s)
	if err != nil || len(b) != size {
		return nil, fmt.Errorf("%w: %s is not %d bytes of base64url", ErrMalformed, name, size)
	}
	return b, nil
}

func parseEd25519(name, s string) (ed25519.PublicKey, error) {
	b, err := parseB64(name, s, ed25519.PublicKeySize)
	return ed25519.PublicKey(b), err
}

func checkSigningKey(name string, pk ed25519.PublicKey) error {
	if len(pk) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: %s is %d bytes, want %d", ErrMalformed, name, len(pk), ed25519.PublicKeySize)
	}
	return nil
}

func parseInt(name, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q is not a decimal number", ErrMalformed, name, s)
	}
	return n, nil
}

// Open opens a statement of either kind, by its first line: a key
// statement (OpenKey) or a signing-key statement (OpenSigningKey).
// Exactly one of the two results is set when err is nil.
func Open(msg []byte) (*Key, *SigningKey, error) {
	text, err := peek(msg)
	if err != nil {
		return nil, nil, err
	}
	header, _, _ := strings.Cut(text, "\n")
	switch header {
	case KeyHeader:
		k, err := OpenKey(msg)
		if err != nil {
			return nil, nil, err
		}
		return &k, nil, nil
	case SigningKeyHeader:
		s, err := OpenSigningKey(msg)
		if err != nil {
			return nil, nil, err
		}
		return nil, &s, nil
	default:
		return nil, nil, fmt.Errorf("%w: first line %q names no kind of statement", ErrMalformed, header)
	}
}
