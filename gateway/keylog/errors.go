package keylog

import (
	"errors"

	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// Sentinel errors; compare with errors.Is.
var (
	// ErrInvalidStatement: Append was given something that is not a
	// statement signed by the key it names (wrapping keystatement's error).
	ErrInvalidStatement = errors.New("not a valid key statement")
	// ErrNotFound: no such entry in the log.
	ErrNotFound = errors.New("no such entry in the key log")
	// ErrRange: an index or tree size outside the log, or a range too
	// long for one answer.
	ErrRange = errors.New("outside the key log")
	// ErrBadCosignature: AddCosignature was given no valid cosignature
	// of a configured witness on a checkpoint of this log.
	ErrBadCosignature = errors.New("not a witness cosignature of this log's checkpoint")
	// ErrNotWitnessed: no checkpoint has the cosignatures asked for.
	ErrNotWitnessed = verify.ErrNotWitnessed
	// ErrBusy: an append lost the race for the next index too many times.
	ErrBusy = errors.New("key log busy")
)
