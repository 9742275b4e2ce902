package keystatement

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/trackgate/trackgate/crypto"
)

// KeyHeader is the first line of a key statement.
const KeyHeader = "tg1 key statement"

// Modes a courier publishes in (the directory's "mode").
const (
	ModePush = "push"
	ModePull = "pull"
)

// keyFields are the lines of a key statement after its header, in order.
var keyFields = []string{"courier", "kid", "public-key", "not-before", "not-after", "mode", "factor", "bucket-bits", "signing-key"}

// Key is a key statement: what a courier says about one of its OPRF keys.
// Its text is, line by line:
//
//	tg1 key statement
//	courier <courier id>
//	kid <b64 kid of public-key>
//	public-key <b64 32-byte OPRF public key>
//	not-before <RFC 3339 UTC, seconds>
//	not-after <RFC 3339 UTC, seconds>
//	mode push|pull
//	factor none|phone_last4
//	bucket-bits <decimal>
//	signing-key <b64 Ed25519 public key of the courier host>
//
// signed by SigningKey under the note name SignerName(Courier), and by
// nothing else.
type Key struct {
	Courier    string
	PublicKey  []byte // the 32-byte encoded OPRF public key
	NotBefore  time.Time
	NotAfter   time.Time // the key is live in [NotBefore, NotAfter)
	Mode       string    // ModePush or ModePull
	Factor     string    // crypto.FactorNone or crypto.FactorPhoneLast4
	BucketBits int
	SigningKey ed25519.PublicKey
}

// KeyID is the kid of the statement's public key (docs/protocol.md §3).
func (k Key) KeyID() string { return crypto.KeyID(k.PublicKey) }

// LiveAt reports whether now falls in the key's window.
func (k Key) LiveAt(now time.Time) bool {
	return !now.Before(k.NotBefore) && now.Before(k.NotAfter)
}

// Text checks k and returns its statement text.
func (k Key) Text() (string, error) {
	if err := crypto.CheckCourierID(k.Courier); err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if _, err := crypto.ParsePublicKey(k.PublicKey); err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if err := checkTime("not-before", k.NotBefore); err != nil {
		return "", err
	}
	if err := checkTime("not-after", k.NotAfter); err != nil {
		return "", err
	}
	if !k.NotAfter.After(k.NotBefore) {
		return "", fmt.Errorf("%w: not-after %s is not after not-before %s", ErrMalformed, formatTime(k.NotAfter), formatTime(k.NotBefore))
	}
	if k.Mode != ModePush && k.Mode != ModePull {
		return "", fmt.Errorf("%w: mode %q is not %q or %q", ErrMalformed, k.Mode, ModePush, ModePull)
	}
	if k.Factor != crypto.FactorNone && k.Factor != crypto.FactorPhoneLast4 {
		return "", fmt.Errorf("%w: factor %q is not %q or %q", ErrMalformed, k.Factor, crypto.FactorNone, crypto.FactorPhoneLast4)
	}
	if k.BucketBits < 0 || k.BucketBits > crypto.MaxBucketBits {
		return "", fmt.Errorf("%w: bucket-bits %d is not from 0 to %d", ErrMalformed, k.BucketBits, crypto.MaxBucketBits)
	}
	if err := checkSigningKey("signing-key", k.SigningKey); err != nil {
		return "", err
	}
	return render(KeyHeader, []field{
		{"courier", k.Courier},
		{"kid", k.KeyID()},
		{"public-key", crypto.EncodeB64(k.PublicKey)},
		{"not-before", formatTime(k.NotBefore)},
		{"not-after", formatTime(k.NotAfter)},
		{"mode", k.Mode},
		{"factor", k.Factor},
		{"bucket-bits", strconv.Itoa(k.BucketBits)},
		{"signing-key", crypto.EncodeB64(k.SigningKey)},
	}), nil
}

// SignKey returns k's signed statement. sk must be the private half of
// k.SigningKey: a courier host signs only with its own key.
func SignKey(k Key, sk ed25519.PrivateKey) ([]byte, error) {
	text, err := k.Text()
	if err != nil {
		return nil, err
	}
	if len(sk) != ed25519.PrivateKeySize || !bytes.Equal(sk.Public().(ed25519.PublicKey), k.SigningKey) {
		return nil, fmt.Errorf("sign key statement: the private key is not the statement's signing-key")
	}
	signer, err := NewSigner(SignerName(k.Courier), sk)
	if err != nil {
		return nil, err
	}
	msg, err := note.Sign(&note.Note{Text: text}, signer)
	if err != nil {
		return nil, fmt.Errorf("sign key statement: %w", err)
	}
	return msg, nil
}

// OpenKey parses a signed key statement and verifies it: the canonical
// text of a valid Key, signed by its signing-key under the courier's note
// name and by nothing else. It does not say whether that signing key is
// the courier's: History does, from the log.
func OpenKey(msg []byte) (Key, error) {
	text, err := peek(msg)
	if err != nil {
		return Key{}, err
	}
	k, err := parseKey(text)
	if err != nil {
		return Key{}, err
	}
	v, err := NewVerifier(SignerName(k.Courier), k.SigningKey)
	if err != nil {
		return Key{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	unsigned, err := open(msg, v)
	if err != nil {
		return Key{}, err
	}
	if len(unsigned) > 0 {
		return Key{}, fmt.Errorf("%w: key statement of %s is not signed by its signing-key", ErrBadSignature, k.Courier)
	}
	return k, nil
}

// parseKey reads a key statement's text, which must be exactly the text
// Key.Text writes for what it holds.
func parseKey(text string) (Key, error) {
	v, err := split(text, KeyHeader, keyFields...)
	if err != nil {
		return Key{}, err
	}
	var k Key
	k.Courier = v[0]
	if k.PublicKey, err = parseB64("public-key", v[2], crypto.ElementSize); err != nil {
		return Key{}, err
	}
	if v[1] != k.KeyID() {
		return Key{}, fmt.Errorf("%w: kid %q is not the kid of public-key (%s)", ErrMalformed, v[1], k.KeyID())
	}
	if k.NotBefore, err = parseTime("not-before", v[3]); err != nil {
		return Key{}, err
	}
	if k.NotAfter, err = parseTime("not-after", v[4]); err != nil {
		return Key{}, err
	}
	k.Mode, k.Factor = v[5], v[6]
	if k.BucketBits, err = parseInt("bucket-bits", v[7]); err != nil {
		return Key{}, err
	}
	if k.SigningKey, err = parseEd25519("signing-key", v[8]); err != nil {
		return Key{}, err
	}
	again, err := k.Text()
	if err != nil {
		return Key{}, err
	}
	if again != text {
		return Key{}, fmt.Errorf("%w: not in canonical form", ErrMalformed)
	}
	return k, nil
}
