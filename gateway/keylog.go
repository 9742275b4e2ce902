package gateway

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keylog"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// logKeeper is the gateway's side of the key log (docs/protocol.md §7.8):
// it appends the statements courier hosts serve once they pass the
// courier's history, and shows each courier's statements with their
// proofs. It mirrors the log's entries in memory, by courier, reading
// only what was appended since (by this gateway or another on the same
// storage).
type logKeeper struct {
	log    *keylog.Log
	quorum int
	origin string
	key    string // the log key as a note verifier key
	logger *slog.Logger

	mu      sync.Mutex // guards the mirror
	size    int64
	entries map[string][]logEntry // by courier, in log order
}

// logEntry is one statement of the log, opened.
type logEntry struct {
	index   int64
	raw     []byte
	key     *keystatement.Key
	signing *keystatement.SigningKey
}

// errHostRefused marks a host whose statements break its courier's
// history in the log, or the rule of two live keys: none of them is
// appended, and none of its keys listed.
var errHostRefused = errors.New("courier host's key statements refused")

func newLogKeeper(cfg *KeyLog, logger *slog.Logger) (*logKeeper, error) {
	storage := cfg.Storage
	if storage == nil {
		storage = keylog.NewMemory()
	}
	l, err := keylog.New(storage, keylog.Config{Origin: cfg.Origin, Key: cfg.Key, Witnesses: cfg.Witnesses})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	vkey, err := keystatement.VerifierKey(cfg.Origin, cfg.Key.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, fmt.Errorf("%w: key_log: %v", ErrConfig, err)
	}
	return &logKeeper{log: l, quorum: cfg.Quorum, origin: cfg.Origin, key: vkey, logger: logger,
		entries: map[string][]logEntry{}}, nil
}

// sync reads the entries appended since the last call into the mirror.
func (k *logKeeper) sync(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	n, err := k.log.Size(ctx)
	if err != nil {
		return err
	}
	for k.size < n {
		end := min(n, k.size+keylog.MaxEntries)
		batch, err := k.log.Entries(ctx, k.size, end)
		if err != nil {
			return err
		}
		for _, raw := range batch {
			e := logEntry{index: k.size, raw: raw}
			var courier string
			key, signing, err := keystatement.Open(raw)
			switch {
			case err != nil:
				// Append opens every statement; this is not one.
				k.logger.Error("key log entry does not open; it is never shown", "index", e.index, "error", err)
			case key != nil:
				e.key, courier = key, key.Courier
			default:
				e.signing, courier = signing, signing.Courier
			}
			if courier != "" {
				k.entries[courier] = append(k.entries[courier], e)
			}
			k.size++
		}
	}
	return nil
}

// history is the courier's entries below size that hold in log order
// (docs/protocol.md §8.1): each signing-key statement continues the
// history, each key statement is signed by the courier's signing key at
// its place. Entries that do not (appended concurrently by two gateways
// at a change of key) are left out: never shown, never counted.
func (k *logKeeper) history(courier string, size int64) (*keystatement.History, []logEntry) {
	k.mu.Lock()
	all := k.entries[courier]
	k.mu.Unlock()
	h := keystatement.NewHistory(courier)
	var valid []logEntry
	for _, e := range all {
		if e.index >= size {
			break
		}
		var err error
		if e.signing != nil {
			err = h.Change(*e.signing)
		} else {
			err = h.Check(*e.key)
		}
		if err != nil {
			k.logger.Warn("key log entry breaks its courier's history; it is not shown", "courier", courier, "index", e.index, "error", err)
			continue
		}
		valid = append(valid, e)
	}
	return h, valid
}

// admit checks what a courier host served against the courier's history
// in the log and appends its new statements, signing-key statements
// first (docs/protocol.md §7.8). It returns the key statements of the
// host's keys, in the order of its keys, leaving out (and logging) a key
// without a statement of exactly that key and the courier's registered
// mode and factor and the deployment's bucket bits. A host whose
// statements break the history or make more than two keys live at once
// is errHostRefused, and nothing of it is appended.
func (k *logKeeper) admit(ctx context.Context, co *Courier, bucketBits int, answer api.KeysResponse) ([]keystatement.Key, error) {
	if err := k.sync(ctx); err != nil {
		return nil, fmt.Errorf("read the key log: %w", err)
	}
	var signing []keystatement.SigningKey
	for i, msg := range answer.SigningKeys {
		s, err := keystatement.OpenSigningKey([]byte(msg))
		if err == nil && s.Courier != co.ID {
			err = fmt.Errorf("%w: about %s", keystatement.ErrWrongCourier, s.Courier)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: signing-key statement %d: %w", errHostRefused, i, err)
		}
		signing = append(signing, s)
	}
	stated := map[string]keystatement.Key{} // by kid
	keyStatements := map[string][]byte{}
	for i, msg := range answer.Statements {
		s, err := keystatement.OpenKey([]byte(msg))
		if err == nil && s.Courier != co.ID {
			err = fmt.Errorf("%w: about %s", keystatement.ErrWrongCourier, s.Courier)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: key statement %d: %w", errHostRefused, i, err)
		}
		stated[s.KeyID()], keyStatements[s.KeyID()] = s, []byte(msg)
	}

	// The host's keys, each with its statement.
	var keys []keystatement.Key
	var keyMsgs [][]byte
	for _, key := range answer.Keys {
		s, ok := stated[key.KeyID]
		switch {
		case !ok:
			k.logger.Warn("courier host lists a key without its statement; not listed", "courier", co.ID, "kid", key.KeyID)
			continue
		case !bytes.Equal(s.PublicKey, key.PublicKey) || !s.NotBefore.Equal(key.NotBefore) || !s.NotAfter.Equal(key.NotAfter):
			k.logger.Warn("courier host lists a key other than its statement says; not listed", "courier", co.ID, "kid", key.KeyID)
			continue
		case s.Mode != co.Mode || s.Factor != co.Factor || s.BucketBits != bucketBits:
			k.logger.Warn("courier host states a key for another mode, factor or bucket bits than the gateway's; not listed",
				"courier", co.ID, "kid", key.KeyID, "mode", s.Mode, "factor", s.Factor, "bucket_bits", s.BucketBits)
			continue
		}
		keys = append(keys, s)
		keyMsgs = append(keyMsgs, keyStatements[key.KeyID])
	}

	// The new statements must continue the history the log holds.
	k.mu.Lock()
	size := k.size
	k.mu.Unlock()
	h, valid := k.history(co.ID, size)
	inLog := map[string]bool{}
	var logged []keystatement.Key
	for _, e := range valid {
		inLog[string(e.raw)] = true
		if e.key != nil {
			logged = append(logged, *e.key)
		}
	}
	k.mu.Lock()
	for _, e := range k.entries[co.ID] {
		inLog[string(e.raw)] = true // broken ones too: never appended again
	}
	k.mu.Unlock()
	var appends [][]byte
	for i, s := range signing {
		msg := []byte(answer.SigningKeys[i])
		if inLog[string(msg)] {
			continue
		}
		if err := h.Change(s); err != nil {
			return nil, fmt.Errorf("%w: signing-key statement %d: %w", errHostRefused, i, err)
		}
		appends = append(appends, msg)
	}
	newKeys := slices.Clone(logged)
	for i, s := range keys {
		if inLog[string(keyMsgs[i])] {
			continue
		}
		if err := h.Check(s); err != nil {
			return nil, fmt.Errorf("%w: key %s: %w", errHostRefused, s.KeyID(), err)
		}
		appends = append(appends, keyMsgs[i])
		newKeys = append(newKeys, s)
	}
	if err := keystatement.CheckOverlap(newKeys); err != nil {
		return nil, fmt.Errorf("%w: %w", errHostRefused, err)
	}
	for _, msg := range appends {
		index, err := k.log.Append(ctx, msg)
		if err != nil {
			return nil, fmt.Errorf("append to the key log: %w", err)
		}
		k.logger.Info("key statement appended to the key log", "courier", co.ID, "index", index)
	}
	return keys, nil
}

// checkpoint is the signed checkpoint the directory names and the tree
// size its statements are proven in: the latest, or with a quorum the
// latest the quorum cosigned, and size 0 (nothing shown) while there is
// none.
func (k *logKeeper) checkpoint(ctx context.Context) ([]byte, int64, error) {
	signed, err := k.log.WitnessedCheckpoint(ctx, k.quorum)
	if errors.Is(err, keylog.ErrNotWitnessed) {
		k.logger.Warn("no checkpoint cosigned by the witness quorum yet; the directory lists no key", "quorum", k.quorum)
		latest, err := k.log.Checkpoint(ctx)
		return latest, 0, err
	}
	if err != nil {
		return nil, 0, err
	}
	c, err := parseCheckpoint(signed)
	if err != nil {
		return nil, 0, err
	}
	return signed, c.Size, nil
}

// parseCheckpoint reads the tree of a checkpoint the log signed.
func parseCheckpoint(signed []byte) (verify.Checkpoint, error) {
	text, _, ok := bytes.Cut(signed, []byte("\n\n"))
	if !ok {
		return verify.Checkpoint{}, fmt.Errorf("key log checkpoint without signatures")
	}
	return verify.ParseCheckpoint(string(text) + "\n")
}

// show returns the courier's log member of the directory for the tree of
// size entries: every signing-key statement of the courier in it, and
// for each of keys (in order) the latest statement in it of that key with
// the same window, mode, factor and bucket bits, each with its inclusion
// proof. It returns the keys it found statements for, the directory's
// keys of the courier.
func (k *logKeeper) show(ctx context.Context, courier string, keys []keystatement.Key, size int64) (*api.CourierLog, []keystatement.Key, error) {
	_, valid := k.history(courier, size)
	out := &api.CourierLog{SigningKeys: []api.ProvenStatement{}, Keys: []api.ProvenStatement{}}
	for _, e := range valid {
		if e.signing == nil {
			continue
		}
		p, err := k.prove(ctx, e, size)
		if err != nil {
			return nil, nil, err
		}
		out.SigningKeys = append(out.SigningKeys, p)
	}
	var listed []keystatement.Key
	latest := func(match func(a, b keystatement.Key) bool, want keystatement.Key) *logEntry {
		var found *logEntry
		for i := range valid {
			if e := &valid[i]; e.key != nil && match(*e.key, want) {
				found = e
			}
		}
		return found
	}
	for _, want := range keys {
		found := latest(sameKey, want)
		if found == nil {
			// A key whose window a rotation shortened is shown with its
			// earlier window until its new statement is in the checkpoint
			// (with a quorum, until the witnesses have seen it).
			found = latest(sameKeyButWindow, want)
		}
		if found == nil {
			continue // not in the checkpoint (yet)
		}
		p, err := k.prove(ctx, *found, size)
		if err != nil {
			return nil, nil, err
		}
		out.Keys = append(out.Keys, p)
		listed = append(listed, *found.key)
	}
	return out, listed, nil
}

// sameKey reports whether two statements state the same key alike, but
// for the signing key: a statement made before a change of signing key
// still proves the key.
func sameKey(a, b keystatement.Key) bool {
	return sameKeyButWindow(a, b) && a.NotBefore.Equal(b.NotBefore) && a.NotAfter.Equal(b.NotAfter)
}

// sameKeyButWindow is sameKey but for the window.
func sameKeyButWindow(a, b keystatement.Key) bool {
	return a.Courier == b.Courier && bytes.Equal(a.PublicKey, b.PublicKey) &&
		a.Mode == b.Mode && a.Factor == b.Factor && a.BucketBits == b.BucketBits
}

func (k *logKeeper) prove(ctx context.Context, e logEntry, size int64) (api.ProvenStatement, error) {
	proof, err := k.log.InclusionProof(ctx, e.index, size)
	if err != nil {
		return api.ProvenStatement{}, err
	}
	return api.ProvenStatement{Index: e.index, Statement: string(e.raw), Proof: hashes(proof)}, nil
}

// hashes writes tlog hashes as the protocol's b64 (tlog.Hash's own JSON
// is standard base64).
func hashes[H ~[32]byte](in []H) []crypto.B64 {
	out := make([]crypto.B64, len(in))
	for i := range in {
		out[i] = slices.Clone(in[i][:])
	}
	return out
}
