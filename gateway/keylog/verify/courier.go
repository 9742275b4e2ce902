package verify

import (
	"cmp"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
)

// Proven is a log entry as a gateway shows it: its index, its bytes (a
// signed statement) and the proof that it is there in the tree of the
// checkpoint the client trusts.
type Proven struct {
	Index int64
	Entry []byte
	Proof tlog.RecordProof
}

// CheckInclusion reports whether e is in the log of checkpoint c at
// e.Index (ErrNotIncluded if not).
func CheckInclusion(c Checkpoint, e Proven) error {
	if e.Index < 0 || e.Index >= c.Size {
		return fmt.Errorf("%w: entry %d of a log of %d", ErrNotIncluded, e.Index, c.Size)
	}
	if err := tlog.CheckRecord(e.Proof, c.Size, c.Hash, e.Index, tlog.RecordHash(e.Entry)); err != nil {
		return fmt.Errorf("%w: entry %d of a log of %d: %v", ErrNotIncluded, e.Index, c.Size, err)
	}
	return nil
}

// Courier is what a gateway shows of one courier's statements.
type Courier struct {
	ID string
	// SigningKeys are every signing-key statement of the courier in the
	// log, from its first signing key on.
	SigningKeys []Proven
	// Keys are the key statements the client is to use.
	Keys []Proven
}

// VerifyCourier checks a courier's statements against the last
// checkpoint trusted (Update first) and returns its keys, in log order:
//
//   - every statement is in the log at its index (ErrNotIncluded), well
//     formed (ErrMalformed), signed by the key it names (ErrBadSignature),
//     and about this courier (ErrWrongCourier);
//   - the signing-key statements, in log order, begin with the courier's
//     first key, and each change is signed by the key it replaces; each
//     key statement is signed by the courier's signing key at its place in
//     the log; and the history contains the courier's pinned signing key
//     (ErrSigningKeyChanged);
//   - at most two distinct keys are live at now (ErrTooManyLiveKeys).
//
// A courier with no pin, by configuration or earlier sight, is pinned to
// its current signing key; a pin on first sight follows the courier's
// changes of key.
func (v *Verifier) VerifyCourier(c Courier, now time.Time) ([]keystatement.Key, error) {
	latest, ok := v.Latest()
	if !ok {
		return nil, fmt.Errorf("%w: no checkpoint trusted yet", ErrNotIncluded)
	}
	if err := crypto.CheckCourierID(c.ID); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	// Every entry, in log order, proven and opened.
	type opened struct {
		Proven
		key     *keystatement.Key
		signing *keystatement.SigningKey
	}
	var entries []opened
	for _, group := range [][]Proven{c.SigningKeys, c.Keys} {
		for _, p := range group {
			if err := CheckInclusion(latest, p); err != nil {
				return nil, fmt.Errorf("%s: %w", c.ID, err)
			}
			entries = append(entries, opened{Proven: p})
		}
	}
	slices.SortFunc(entries, func(a, b opened) int { return cmp.Compare(a.Index, b.Index) })
	for i := range entries {
		e := &entries[i]
		if i > 0 && entries[i-1].Index == e.Index {
			return nil, fmt.Errorf("%w: %s: entry %d shown twice", ErrMalformed, c.ID, e.Index)
		}
		k, s, err := keystatement.Open(e.Entry)
		if err != nil {
			return nil, fmt.Errorf("%s: entry %d: %w", c.ID, e.Index, statementErr(err))
		}
		if (k != nil) != isKey(c, e.Index) {
			return nil, fmt.Errorf("%w: %s: entry %d is not the kind of statement shown", ErrMalformed, c.ID, e.Index)
		}
		e.key, e.signing = k, s
	}

	history := keystatement.NewHistory(c.ID)
	var keys []keystatement.Key
	for _, e := range entries {
		var err error
		if e.signing != nil {
			err = history.Change(*e.signing)
		} else {
			err = history.Check(*e.key)
			keys = append(keys, *e.key)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: entry %d: %w", c.ID, e.Index, err)
		}
	}
	if err := keystatement.CheckLive(keys, now); err != nil {
		return nil, err
	}
	if err := v.checkAndPin(c.ID, history); err != nil {
		return nil, err
	}
	return keys, nil
}

// isKey reports whether index was shown among c's key statements.
func isKey(c Courier, index int64) bool {
	return slices.ContainsFunc(c.Keys, func(p Proven) bool { return p.Index == index })
}

// statementErr adds this package's sentinel to a statement's error.
func statementErr(err error) error {
	switch {
	case errors.Is(err, keystatement.ErrMalformed):
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	case errors.Is(err, keystatement.ErrBadSignature):
		return fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	return err
}

// checkAndPin is ErrSigningKeyChanged when courier is pinned to a key its
// history does not contain. Otherwise, unless configuration pins the
// courier, it pins the current signing key.
func (v *Verifier) checkAndPin(courier string, h *keystatement.History) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, pin := range []struct {
		key ed25519.PublicKey
		how string
	}{{v.pins[courier], "configured"}, {v.seenPins[courier], "seen before"}} {
		if pin.key != nil && !h.Had(pin.key) {
			return fmt.Errorf("%w: %s's signing key %s (%s) is not in its history in the log", ErrSigningKeyChanged, courier, crypto.EncodeB64(pin.key), pin.how)
		}
	}
	if v.pins[courier] == nil && h.Current() != nil {
		v.seenPins[courier] = h.Current()
	}
	return nil
}

// Hashes reads proof hashes as a gateway sends them (docs/protocol.md
// §7.8: the protocol's b64, 32 bytes each); a hash of another length is
// ErrMalformed.
func Hashes(in []crypto.B64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(in))
	for i, h := range in {
		if len(h) != tlog.HashSize {
			return nil, fmt.Errorf("%w: a proof hash of %d bytes, want %d", ErrMalformed, len(h), tlog.HashSize)
		}
		copy(out[i][:], h)
	}
	return out, nil
}
