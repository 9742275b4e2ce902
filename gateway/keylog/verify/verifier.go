package verify

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
)

// MaxCheckpointSize bounds a signed checkpoint: its text and up to a
// hundred signatures (the most golang.org/x/mod/sumdb/note reads).
const MaxCheckpointSize = 16 << 10

// Config is what a client trusts before it sees the log. It is checked
// once, by New.
type Config struct {
	// Origin is the log's origin: the first line of its checkpoints and
	// the note name of its signature.
	Origin string
	// LogKey is the public half of the log's checkpoint signing key.
	LogKey ed25519.PublicKey
	// Witnesses are the witnesses whose cosignatures count, by note name.
	Witnesses map[string]ed25519.PublicKey
	// Quorum is how many of Witnesses must have cosigned a checkpoint
	// before it is trusted; 0 trusts the log's signature alone.
	Quorum int
	// Pins are couriers' signing keys given by configuration: a courier
	// whose log history does not contain its pinned key is refused. A
	// courier without one is pinned on first sight (State.Pins).
	Pins map[string]ed25519.PublicKey
}

// State is what a Verifier learned and must remember between runs (on
// disk for the CLI, in storage for the browser): the last checkpoint it
// trusted, which later ones must extend, and the signing keys it pinned
// on first sight. It marshals to JSON.
type State struct {
	Checkpoint []byte                `json:"checkpoint,omitempty"` // signed, as received
	Pins       map[string]crypto.B64 `json:"pins,omitempty"`       // courier id -> Ed25519 signing key
}

// Verifier checks what a gateway shows of the key log against what it
// trusted before. It is safe for concurrent use.
type Verifier struct {
	origin    string
	log       note.Verifier
	witnesses []note.Verifier
	known     note.Verifiers
	quorum    int
	pins      map[string]ed25519.PublicKey // by configuration

	mu           sync.Mutex
	latest       Checkpoint // valid when latestSignedote != nil
	latestSigned []byte
	seenPins     map[string]ed25519.PublicKey // on first sight
}

// New checks cfg and returns a Verifier that resumes from st (the zero
// State for a client that never saw the log). A stored checkpoint must
// still carry the log's signature; cosignatures were counted when it was
// trusted.
func New(cfg Config, st State) (*Verifier, error) {
	if cfg.Origin == "" {
		return nil, errors.New("key log verifier: no origin")
	}
	logV, err := keystatement.NewVerifier(cfg.Origin, cfg.LogKey)
	if err != nil {
		return nil, fmt.Errorf("key log verifier: log key: %w", err)
	}
	v := &Verifier{origin: cfg.Origin, log: logV, quorum: cfg.Quorum, pins: map[string]ed25519.PublicKey{}, seenPins: map[string]ed25519.PublicKey{}}
	for _, name := range slices.Sorted(maps.Keys(cfg.Witnesses)) {
		if name == cfg.Origin {
			return nil, fmt.Errorf("key log verifier: witness %q has the log's own name", name)
		}
		wv, err := keystatement.NewVerifier(name, cfg.Witnesses[name])
		if err != nil {
			return nil, fmt.Errorf("key log verifier: witness: %w", err)
		}
		v.witnesses = append(v.witnesses, wv)
	}
	if cfg.Quorum < 0 || cfg.Quorum > len(v.witnesses) {
		return nil, fmt.Errorf("key log verifier: a quorum of %d from %d witnesses", cfg.Quorum, len(v.witnesses))
	}
	v.known = note.VerifierList(append([]note.Verifier{logV}, v.witnesses...)...)
	for courier, pk := range cfg.Pins {
		if err := checkPin(courier, pk); err != nil {
			return nil, fmt.Errorf("key log verifier: configured pin: %w", err)
		}
		v.pins[courier] = pk
	}
	for courier, pk := range st.Pins {
		if err := checkPin(courier, ed25519.PublicKey(pk)); err != nil {
			return nil, fmt.Errorf("key log verifier: stored pin: %w", err)
		}
		v.seenPins[courier] = ed25519.PublicKey(pk)
	}
	if st.Checkpoint != nil {
		c, _, err := v.open(st.Checkpoint, 0)
		if err != nil {
			return nil, fmt.Errorf("key log verifier: stored checkpoint: %w", err)
		}
		v.latest, v.latestSigned = c, st.Checkpoint
	}
	return v, nil
}

func checkPin(courier string, pk ed25519.PublicKey) error {
	if err := crypto.CheckCourierID(courier); err != nil {
		return err
	}
	if len(pk) != ed25519.PublicKeySize {
		return fmt.Errorf("signing key of %s is %d bytes, want %d", courier, len(pk), ed25519.PublicKeySize)
	}
	return nil
}

// State returns what v must remember: save it after each Update and
// VerifyCourier that succeeded.
func (v *Verifier) State() State {
	v.mu.Lock()
	defer v.mu.Unlock()
	st := State{Checkpoint: v.latestSigned}
	if len(v.seenPins) > 0 {
		st.Pins = map[string]crypto.B64{}
		for c, pk := range v.seenPins {
			st.Pins[c] = crypto.B64(pk)
		}
	}
	return st
}

// Latest returns the last checkpoint v trusted, and false before any.
func (v *Verifier) Latest() (Checkpoint, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.latest, v.latestSigned != nil
}

// OpenCheckpoint checks a signed checkpoint on its own: the log's
// signature, the origin, and the quorum of witness cosignatures
// (ErrBadSignature, ErrMalformed, ErrNotWitnessed). It neither compares
// it with the last one trusted nor remembers it: Update does.
func (v *Verifier) OpenCheckpoint(signed []byte) (Checkpoint, error) {
	c, _, err := v.open(signed, v.quorum)
	return c, err
}

// open is OpenCheckpoint with a quorum. It returns the note as well,
// with the log's signature alone.
func (v *Verifier) open(signed []byte, quorum int) (Checkpoint, *note.Note, error) {
	if len(signed) > MaxCheckpointSize {
		return Checkpoint{}, nil, fmt.Errorf("%w: checkpoint of %d bytes, at most %d", ErrMalformed, len(signed), MaxCheckpointSize)
	}
	n, err := note.Open(signed, v.known)
	var invalid *note.InvalidSignatureError
	switch {
	case errors.As(err, &invalid):
		return Checkpoint{}, nil, fmt.Errorf("%w: checkpoint signature of %s does not verify", ErrBadSignature, invalid.Name)
	case errors.As(err, new(*note.UnverifiedNoteError)):
		return Checkpoint{}, nil, fmt.Errorf("%w: checkpoint not signed by the log %s", ErrBadSignature, v.origin)
	case err != nil:
		return Checkpoint{}, nil, fmt.Errorf("%w: checkpoint: %v", ErrMalformed, err)
	}
	var logSig note.Signature
	cosigned := 0
	for _, s := range n.Sigs {
		if s.Name == v.log.Name() && s.Hash == v.log.KeyHash() {
			logSig = s
		} else {
			cosigned++
		}
	}
	if logSig.Name == "" {
		return Checkpoint{}, nil, fmt.Errorf("%w: checkpoint cosigned but not signed by the log %s", ErrBadSignature, v.origin)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	if c.Origin != v.origin {
		return Checkpoint{}, nil, fmt.Errorf("%w: checkpoint of log %q signed by the key of %s", ErrMalformed, c.Origin, v.origin)
	}
	if cosigned < quorum {
		return Checkpoint{}, nil, fmt.Errorf("%w: %d of %d cosignatures", ErrNotWitnessed, cosigned, quorum)
	}
	return c, &note.Note{Text: n.Text, Sigs: []note.Signature{logSig}}, nil
}

// Update checks a signed checkpoint (OpenCheckpoint) and that it extends
// the last one trusted, by proof, a consistency proof from the last
// trusted size to its size (tlog.TreeProof, empty when either is 0 or
// they are equal). It is ErrRollback for a smaller log, ErrFork for the
// same size with another root or a proof that fails. The first
// checkpoint a Verifier sees is trusted as it is. On success the
// checkpoint becomes the last one trusted, and is returned.
func (v *Verifier) Update(signed []byte, proof tlog.TreeProof) (Checkpoint, error) {
	c, _, err := v.update(signed, proof)
	return c, err
}

func (v *Verifier) update(signed []byte, proof tlog.TreeProof) (Checkpoint, *note.Note, error) {
	c, n, err := v.open(signed, v.quorum)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.latestSigned != nil {
		if err := extends(v.latest, c, proof); err != nil {
			return Checkpoint{}, nil, err
		}
	}
	v.latest, v.latestSigned = c, append([]byte(nil), signed...)
	return c, n, nil
}

// extends reports whether checkpoint next is old or grows from it.
func extends(old, next Checkpoint, proof tlog.TreeProof) error {
	switch {
	case next.Size < old.Size:
		return fmt.Errorf("%w: a checkpoint of %d entries after one of %d", ErrRollback, next.Size, old.Size)
	case next.Size == old.Size && next.Hash != old.Hash:
		return fmt.Errorf("%w: two checkpoints of %d entries with roots %s and %s", ErrFork, next.Size, old.Hash, next.Hash)
	case next.Size == old.Size || old.Size == 0:
		return nil
	}
	if err := tlog.CheckTree(proof, next.Size, next.Hash, old.Size, old.Hash); err != nil {
		return fmt.Errorf("%w: the log of %d entries does not extend the one of %d trusted: %v", ErrFork, next.Size, old.Size, err)
	}
	return nil
}
