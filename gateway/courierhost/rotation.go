package courierhost

import (
	"crypto/ed25519"
	"fmt"
	"slices"

	"github.com/trackgate/trackgate/crypto"
)

// SetKeys replaces the host's OPRF keys while it runs, as a key rotation
// does (trackgate keys rotate): keys are checked as New checks them, and
// on success the new set replaces the old at once, for every request
// after this call. A key that stays keeps its kid, and a shortened window
// takes effect; a new key is served and, right away, every live parcel is
// sealed under it too. During a rotation's overlap both keys are in the
// set, each with its window (docs/protocol.md §7.1): clients that still
// hold the directory listing the old key keep being answered until it
// expires. A key left out of keys is no longer served. The change is
// logged, by kid: never a private key.
func (h *Host) SetKeys(keys []KeyConfig) error {
	if err := validateKeys(keys); err != nil {
		return err
	}
	next := hostKeys(keys)
	prev := h.keys.Swap(next)
	added, removed, changed := keyChanges(*prev, *next)
	if len(added)+len(removed)+len(changed) == 0 {
		return nil
	}
	now := h.cfg.Now()
	var valid []string
	for _, k := range *next {
		if k.validAt(now) {
			valid = append(valid, k.kid)
		}
	}
	h.cfg.Logger.Info("OPRF keys changed", "added", added, "removed", removed,
		"window_changed", changed, "valid_now", valid)
	select {
	case h.rekeyed <- struct{}{}:
	default:
	}
	return nil
}

// keyChanges names, by kid, the keys of next that prev lacks, those of
// prev that next lacks, and those in both whose window differs.
func keyChanges(prev, next []hostKey) (added, removed, changed []string) {
	find := func(keys []hostKey, kid string) *hostKey {
		for i := range keys {
			if keys[i].kid == kid {
				return &keys[i]
			}
		}
		return nil
	}
	for i := range next {
		switch old := find(prev, next[i].kid); {
		case old == nil:
			added = append(added, next[i].kid)
		case !old.notBefore.Equal(next[i].notBefore) || !old.notAfter.Equal(next[i].notAfter):
			changed = append(changed, next[i].kid)
		}
	}
	for i := range prev {
		if find(next, prev[i].kid) == nil {
			removed = append(removed, prev[i].kid)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	slices.Sort(changed)
	return added, removed, changed
}

// SetSigningKey replaces the Ed25519 key the host signs its answers with
// (docs/protocol.md §8), for every answer after this call. The gateway
// verifies answers with the courier's registered public key, so it must
// be given the new one (its file's public_key) as well: the host logs it,
// and logs nothing when the key is the one it already had.
func (h *Host) SetSigningKey(key ed25519.PrivateKey) error {
	if len(key) != ed25519.PrivateKeySize {
		return fmt.Errorf("%w: the signing key must be an Ed25519 private key", ErrConfig)
	}
	prev := h.answerKey.Swap(&key)
	if prev != nil && prev.Equal(key) {
		return nil
	}
	h.cfg.Logger.Info("signing key changed; the gateway must register its public key for this courier",
		"public_key", crypto.EncodeB64(key.Public().(ed25519.PublicKey)))
	return nil
}

// signingKey is the key answers are signed with now.
func (h *Host) signingKey() ed25519.PrivateKey { return *h.answerKey.Load() }
