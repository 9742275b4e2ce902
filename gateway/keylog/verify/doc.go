// Package verify is the client's side of the key log (gateway/keylog): it
// checks what a gateway shows of the log, so that a client blinds only
// with keys its courier really published, the same keys every other
// client is shown. The Go SDK, the CLI, monitors and witnesses import it;
// it imports nothing of the gateway's server side.
//
// A Verifier keeps the last checkpoint it trusted and checks, with a
// distinct sentinel error for each attack:
//
//   - a checkpoint: signed by the log's key (ErrBadSignature) and, when
//     asked, cosigned by enough witnesses (ErrNotWitnessed);
//   - that the log only grew since the last checkpoint: not smaller
//     (ErrRollback), and the same history, not another one of the same
//     size or a larger one that does not contain it (ErrFork);
//   - that each statement shown is in the log (ErrNotIncluded), well
//     formed (ErrMalformed), signed by the key it names (ErrBadSignature)
//     and about the courier asked about (ErrWrongCourier);
//   - that each key statement is signed by the courier's signing key at
//     its place in the log, every change of that key signed by the key it
//     replaced, and the history contains the key pinned by configuration
//     or on first sight (ErrSigningKeyChanged);
//   - that at most two of a courier's keys are live (ErrTooManyLiveKeys).
//
// A Witness is a Verifier that cosigns each checkpoint it accepted.
//
//   - checkpoint.go: the C2SP tlog-checkpoint text.
//   - verifier.go: Config, State, the Verifier and its checkpoint checks.
//   - courier.go: checking a courier's statements against the log.
//   - witness.go: cosigning.
package verify
