package tenant

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// The prefixes of the kinds of keys, so that a key is recognisable in a
// page's source or a server's configuration and never mistaken for another.
const (
	// KeyPrefix begins every publishable API key (TG-Api-Key).
	KeyPrefix = "tg1pk_"
	// SecretKeyPrefix begins every tenant secret key, which a
	// marketplace's server sends as a bearer token to manage its
	// subscriptions (docs/protocol.md §10).
	SecretKeyPrefix = "tg1sk_"
	// ReportKeyPrefix begins every transparency report reader key.
	ReportKeyPrefix = "tg1rk_"
)

// keySize is the number of random bytes in a key.
const keySize = 32

// Kind is a kind of key: its prefix, its form, and what it is called in
// messages. Every kind is 32 random bytes in unpadded base64url after its
// prefix, and is kept by the gateway only as its SHA-256.
type Kind struct {
	prefix  string
	pattern *regexp.Regexp
	name    string
}

// The kinds of keys.
var (
	// Publishable keys name a tenant from shoppers' browsers; anyone can
	// read them, so they grant nothing.
	Publishable = newKind(KeyPrefix, "publishable API key")
	// Secret keys let a marketplace's server manage its subscriptions;
	// they never belong in a page.
	Secret = newKind(SecretKeyPrefix, "secret key")
	// ReportReader keys let a regulator read the transparency report.
	ReportReader = newKind(ReportKeyPrefix, "report reader key")
)

func newKind(prefix, name string) Kind {
	return Kind{prefix: prefix, name: name,
		pattern: regexp.MustCompile(`^` + prefix + `[A-Za-z0-9_-]{43}$`)}
}

// Prefix is what every key of the kind begins with.
func (k Kind) Prefix() string { return k.prefix }

// String names the kind in messages ("secret key").
func (k Kind) String() string { return k.name }

// New returns a fresh key of the kind drawn from random (crypto/rand.Reader).
func (k Kind) New(random io.Reader) (string, error) {
	b := make([]byte, keySize)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("draw a %s: %w", k.name, err)
	}
	return k.prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// WellFormed reports whether key has the form of a key of the kind.
func (k Kind) WellFormed(key string) bool { return k.pattern.MatchString(key) }

// Hash returns the hash of key, or ErrMalformedKey when key is not of
// the kind: a secret key never hashes as a publishable one, so one kind
// can never be accepted where another is expected.
func (k Kind) Hash(key string) (Hash, error) {
	if !k.WellFormed(key) {
		return Hash{}, ErrMalformedKey
	}
	return sha256.Sum256([]byte(key)), nil
}

// KindOf returns the kind whose prefix key begins with, well formed or
// not, so that a refusal can say which kind was sent instead.
func KindOf(key string) (Kind, bool) {
	for _, k := range []Kind{Publishable, Secret, ReportReader} {
		if strings.HasPrefix(key, k.prefix) {
			return k, true
		}
	}
	return Kind{}, false
}

// ErrMalformedKey is a value that cannot be a key of the kind expected.
var ErrMalformedKey = errors.New("malformed API key")

// NewKey returns a fresh publishable API key drawn from random.
func NewKey(random io.Reader) (string, error) { return Publishable.New(random) }

// WellFormed reports whether key has the form of a publishable API key.
func WellFormed(key string) bool { return Publishable.WellFormed(key) }

// Hash is the SHA-256 of a key: all the gateway keeps of it.
type Hash [sha256.Size]byte

// HashKey returns the hash of a publishable API key, or ErrMalformedKey.
func HashKey(key string) (Hash, error) { return Publishable.Hash(key) }

// String is the hash in lower-case hex, as sha256sum prints it and the
// gateway's configuration holds it.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ParseHash reads a hash written by Hash.String (upper case accepted).
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != hex.EncodedLen(len(h)) {
		return h, fmt.Errorf("%d characters, want %d hex digits (the SHA-256 of the key)", len(s), hex.EncodedLen(len(h)))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("not hex: %w", err)
	}
	return h, nil
}
