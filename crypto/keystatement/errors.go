package keystatement

import "errors"

// Sentinel errors; compare with errors.Is. The wrapped text adds detail.
var (
	// ErrMalformed: not a statement of the expected kind in its one
	// canonical encoding (a line missing, added, out of order or written
	// another way; a value out of range; a kid that is not its key's).
	ErrMalformed = errors.New("malformed key statement")
	// ErrBadSignature: a signature is missing, does not verify, or is one
	// too many.
	ErrBadSignature = errors.New("key statement signature does not verify")
	// ErrSigningKeyChanged: a courier's signing key is shown changed
	// without the previous key's signature, or a statement is signed by a
	// key that is not the courier's signing key at that point of the log.
	ErrSigningKeyChanged = errors.New("courier signing key changed without the previous key's signature")
	// ErrWrongCourier: a statement about another courier than the one
	// asked about.
	ErrWrongCourier = errors.New("key statement is about another courier")
	// ErrTooManyLiveKeys: more than MaxLiveKeys keys of one courier are
	// live at once.
	ErrTooManyLiveKeys = errors.New("too many live keys for one courier")
)
