package keystatement

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"slices"

	"github.com/trackgate/trackgate/crypto"
)

// History follows one courier's signing key through the log. Feed it
// that courier's statements in log order: signing-key statements to
// Change, key statements to Check. The log's order is what makes a
// statement valid: a key statement counts only if it is signed by the
// signing key the courier had at its place in the log, so a retired
// signing key, even stolen, cannot add keys after its retirement.
type History struct {
	courier string
	keys    []ed25519.PublicKey // every signing key the courier had, in order; the last is current
}

// NewHistory starts the history of courier, which has no signing key
// until its first signing-key statement.
func NewHistory(courier string) *History { return &History{courier: courier} }

// Current returns the courier's signing key now, nil before the first.
func (h *History) Current() ed25519.PublicKey {
	if len(h.keys) == 0 {
		return nil
	}
	return h.keys[len(h.keys)-1]
}

// Had reports whether pk is or was the courier's signing key.
func (h *History) Had(pk ed25519.PublicKey) bool {
	return slices.ContainsFunc(h.keys, func(k ed25519.PublicKey) bool { return bytes.Equal(k, pk) })
}

// Change applies the courier's next signing-key statement (opened, so
// already signed by the previous key it names). It is ErrSigningKeyChanged
// when the statement does not continue the history: a first key ("previous
// none") after the courier already had one, or a change from a key that is
// not the current one. A statement of the current key is a repetition and
// changes nothing.
func (h *History) Change(s SigningKey) error {
	if s.Courier != h.courier {
		return fmt.Errorf("%w: signing-key statement of %s in the history of %s", ErrWrongCourier, s.Courier, h.courier)
	}
	current := h.Current()
	switch {
	case bytes.Equal(s.Key, current):
		return nil
	case current == nil && s.Previous != nil:
		return fmt.Errorf("%w: %s's first signing key in the log claims to replace %s", ErrSigningKeyChanged, h.courier, crypto.EncodeB64(s.Previous))
	case current != nil && s.Previous == nil:
		return fmt.Errorf("%w: %s's signing key %s is replaced by %s as if it were the first", ErrSigningKeyChanged, h.courier, crypto.EncodeB64(current), crypto.EncodeB64(s.Key))
	case current != nil && !bytes.Equal(s.Previous, current):
		return fmt.Errorf("%w: %s's signing key is %s, but a change replaces %s", ErrSigningKeyChanged, h.courier, crypto.EncodeB64(current), crypto.EncodeB64(s.Previous))
	}
	h.keys = append(h.keys, slices.Clone(s.Key))
	return nil
}

// Check reports whether key statement k (opened) is the courier's and
// signed by its current signing key: ErrWrongCourier if it is another
// courier's, ErrSigningKeyChanged if it is signed by any other key,
// including a retired one or before the courier has a signing key.
func (h *History) Check(k Key) error {
	if k.Courier != h.courier {
		return fmt.Errorf("%w: key statement of %s in the history of %s", ErrWrongCourier, k.Courier, h.courier)
	}
	current := h.Current()
	if current == nil {
		return fmt.Errorf("%w: key %s of %s comes before any signing key of %s in the log", ErrSigningKeyChanged, k.KeyID(), k.Courier, k.Courier)
	}
	if !bytes.Equal(k.SigningKey, current) {
		return fmt.Errorf("%w: key %s of %s is signed by %s, not by the courier's signing key %s", ErrSigningKeyChanged, k.KeyID(), k.Courier, crypto.EncodeB64(k.SigningKey), crypto.EncodeB64(current))
	}
	return nil
}
