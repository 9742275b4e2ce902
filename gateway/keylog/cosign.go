package keylog

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"

	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// AddCosignature takes a checkpoint of this log cosigned by one or more
// configured witnesses (verify.Witness.Cosign) and keeps each witness's
// cosignature, if it is of a larger or the same tree as the one kept for
// that witness. It is ErrBadCosignature unless the note carries the log's
// signature on a checkpoint this log issued and a valid cosignature of a
// configured witness; verify.ErrFork if the log's key signed a root this
// log does not have.
func (l *Log) AddCosignature(ctx context.Context, cosigned []byte) error {
	if len(cosigned) > verify.MaxCheckpointSize {
		return fmt.Errorf("%w: %d bytes", ErrBadCosignature, len(cosigned))
	}
	n, err := note.Open(cosigned, note.VerifierList(append([]note.Verifier{l.verifier}, l.witnesses...)...))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadCosignature, err)
	}
	var signedByLog bool
	var cosigs []note.Signature
	for _, s := range n.Sigs {
		if s.Name == l.verifier.Name() && s.Hash == l.verifier.KeyHash() {
			signedByLog = true
		} else {
			cosigs = append(cosigs, s)
		}
	}
	if !signedByLog {
		return fmt.Errorf("%w: the checkpoint is not signed by the log %s", ErrBadCosignature, l.origin)
	}
	if len(cosigs) == 0 {
		return fmt.Errorf("%w: no cosignature of a configured witness", ErrBadCosignature)
	}
	c, err := verify.ParseCheckpoint(n.Text)
	if err != nil || c.Origin != l.origin || n.Text != c.Text() {
		return fmt.Errorf("%w: not a checkpoint of %s as this log writes them", ErrBadCosignature, l.origin)
	}
	if err := l.within(ctx, c.Size); err != nil {
		if errors.Is(err, ErrRange) {
			return fmt.Errorf("%w: %w", ErrBadCosignature, err)
		}
		return err
	}
	ours, err := l.tree(ctx, c.Size)
	if err != nil {
		return err
	}
	if ours.Hash != c.Hash {
		return fmt.Errorf("%w: the log's key signed root %s for %d entries, but the log's root is %s", verify.ErrFork, c.Hash, c.Size, ours.Hash)
	}
	for _, s := range cosigs {
		line := "— " + s.Name + " " + s.Base64 + "\n"
		if err := l.storage.PutCosignature(ctx, s.Name, Cosignature{Size: c.Size, Line: line}); err != nil {
			return fmt.Errorf("keep cosignature of %s: %w", s.Name, err)
		}
	}
	return nil
}
