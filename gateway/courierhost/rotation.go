package courierhost

import (
	"bytes"
	"crypto/ed25519"
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

// SetSigningKey replaces the Ed25519 key the host signs its answers
// (docs/protocol.md §8) and its key statements (§8.1) with, for every
// answer after this call. statements, when given, are the courier's
// signing-key statements up to key, as 'trackgate keys rotate --kind
// signing' keeps them beside the key file, checked as Config's are.
// Without them the host states a change of key itself, signed by the key
// it had and by key, the two signatures the change needs; but that
// statement lives only in this process, and a host restarted with key and
// no statements cannot prove it again: keep the statements file. The
// gateway verifies answers with the courier's registered public key, so
// it must be given the new one (its file's public_key) as well: the host
// logs it, and logs nothing when the key is the one it already had.
func (h *Host) SetSigningKey(key ed25519.PrivateKey, statements ...[]byte) error {
	h.signerMu.Lock()
	defer h.signerMu.Unlock()
	prev := h.signer.Load()
	var next *signer
	var err error
	switch {
	case len(statements) > 0 || prev == nil:
		next, err = newSigner(h.cfg.Courier, key, statements)
	default:
		next, err = prev.next(h.cfg.Courier, key)
	}
	if err != nil {
		return err
	}
	if prev != nil && prev.key.Equal(key) && sameChain(prev.chain, next.chain) {
		return nil
	}
	h.signer.Store(next)
	if prev != nil && prev.key.Equal(key) {
		h.cfg.Logger.Info("signing-key statements changed", "statements", len(next.chain))
		return nil
	}
	h.cfg.Logger.Info("signing key changed; the gateway must register its public key for this courier",
		"public_key", crypto.EncodeB64(next.public()), "statements", len(next.chain))
	if len(statements) == 0 && prev != nil {
		h.cfg.Logger.Warn("the change of signing key is stated by this process only; keep its statements beside the key file ('trackgate keys rotate --kind signing' does), or after a restart the host cannot prove its key and the gateway refuses its statements")
	}
	return nil
}

func sameChain(a, b [][]byte) bool {
	return slices.EqualFunc(a, b, bytes.Equal)
}

// signingKey is the key answers are signed with now.
func (h *Host) signingKey() ed25519.PrivateKey { return h.signer.Load().key }
