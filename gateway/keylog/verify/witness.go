package verify

import (
	"crypto/ed25519"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto/keystatement"
)

// Witness cosigns the checkpoints of a log that it has checked extend
// every checkpoint it cosigned before: a log that shows one history to
// some and another to others cannot have both cosigned by one honest
// witness. A cosignature is a plain Ed25519 note signature on the
// checkpoint's text under the witness's name.
type Witness struct {
	v      *Verifier
	signer note.Signer
}

// NewWitness returns a witness named name, signing with sk, of the log of
// cfg (whose Quorum it requires too, usually 0), resuming from st.
func NewWitness(cfg Config, name string, sk ed25519.PrivateKey, st State) (*Witness, error) {
	if name == cfg.Origin {
		return nil, fmt.Errorf("witness: %q is the log's own name", name)
	}
	signer, err := keystatement.NewSigner(name, sk)
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	v, err := New(cfg, st)
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	return &Witness{v: v, signer: signer}, nil
}

// Cosign checks signed as Verifier.Update does (ErrRollback, ErrFork and
// the rest refuse it) and returns it signed by the log and then by the
// witness, for the log's AddCosignature. Other cosignatures are left
// out.
func (w *Witness) Cosign(signed []byte, proof tlog.TreeProof) ([]byte, error) {
	_, n, err := w.v.update(signed, proof)
	if err != nil {
		return nil, err
	}
	msg, err := note.Sign(n, w.signer)
	if err != nil {
		return nil, fmt.Errorf("cosign: %w", err)
	}
	return msg, nil
}

// State returns what the witness must remember: its last cosigned
// checkpoint.
func (w *Witness) State() State { return w.v.State() }

// Latest returns the last checkpoint the witness cosigned.
func (w *Witness) Latest() (Checkpoint, bool) { return w.v.Latest() }
