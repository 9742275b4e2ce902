package verify

import (
	"errors"

	"github.com/trackgate/trackgate/crypto/keystatement"
)

// Sentinel errors; compare with errors.Is. Each names one way what a
// gateway shows can be wrong; the wrapped text adds detail.
var (
	// ErrMalformed: a checkpoint or a statement is not in its format.
	ErrMalformed = errors.New("malformed key log data")
	// ErrBadSignature: a checkpoint is not signed by the log's key, or a
	// statement not by the key it names.
	ErrBadSignature = errors.New("key log signature does not verify")
	// ErrNotWitnessed: a checkpoint lacks the cosignatures required.
	ErrNotWitnessed = errors.New("checkpoint lacks the required witness cosignatures")
	// ErrRollback: a checkpoint of a smaller log than one already trusted.
	ErrRollback = errors.New("key log rolled back")
	// ErrFork: a checkpoint of another history than the one trusted: the
	// same size with another root, or a larger log that does not contain
	// the trusted one. Whoever signed both shows different logs to
	// different clients.
	ErrFork = errors.New("key log forked")
	// ErrNotIncluded: a statement is not in the log at the place shown.
	ErrNotIncluded = errors.New("statement not in the key log")

	// The statements' own errors, for one import.
	ErrSigningKeyChanged = keystatement.ErrSigningKeyChanged
	ErrTooManyLiveKeys   = keystatement.ErrTooManyLiveKeys
	ErrWrongCourier      = keystatement.ErrWrongCourier
)
