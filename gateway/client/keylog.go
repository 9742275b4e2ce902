package client

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// maxProofBytes bounds a consistency proof answer: a few dozen hashes.
const maxProofBytes = 64 << 10

// KeyLog is what a Client trusts of the gateway's key log before it sees
// it (docs/protocol.md §7.8). The zero KeyLog trusts the log the first
// directory announces and pins it, like the couriers' signing keys.
type KeyLog struct {
	// Key is the note verifier key of the log's checkpoint signing key,
	// "<origin>+<hash>+<base64>", as the gateway's operator publishes it.
	// Empty: the key of the first directory's "key_log" is pinned in the
	// state, and every later directory must show the same.
	Key string
	// Origin, when set, must be Key's name (the log's origin).
	Origin string
	// Witnesses are the witnesses whose cosignatures count, by note name.
	Witnesses map[string]ed25519.PublicKey
	// Quorum is how many of Witnesses must have cosigned a checkpoint
	// before it is trusted (0: the log's signature alone).
	Quorum int
	// Pins are couriers' signing keys by courier id: a courier whose
	// history in the log does not contain its pinned key is refused.
	// Couriers not pinned here are pinned on first sight.
	Pins map[string]ed25519.PublicKey
	// Store keeps what the Client learns of the log between runs (the
	// last checkpoint trusted, the keys pinned on first sight). nil keeps
	// it in memory, for the Client's life only.
	Store KeyLogStore
}

// WithKeyLog sets how the Client checks the gateway's key log. Without
// it the Client still checks every directory, trusting on first sight
// and remembering in memory only.
func WithKeyLog(kl KeyLog) Option { return func(c *Client) { c.keyLog.config = kl } }

// keyLogCheck is a Client's side of the key log: the configuration, the
// state store and, once the log is known, its verifier. mu serializes
// directory fetches, so that two answers are checked in the order the
// gateway gave them and an older one never looks like a rollback.
type keyLogCheck struct {
	config KeyLog
	origin string            // configured, else pinned; "" before either
	key    ed25519.PublicKey // likewise
	how    string            // how key came to be trusted, for errors
	loaded bool              // state read from the store
	state  KeyLogState       // as last loaded or saved
	v      *verify.Verifier  // nil until the log is known
}

// init checks the configuration, once, in New.
func (k *keyLogCheck) init() error {
	cfg := &k.config
	if cfg.Store == nil {
		cfg.Store = &memoryKeyLogStore{}
	}
	if cfg.Key == "" {
		if cfg.Origin != "" {
			return fmt.Errorf("key log: an origin without the log's key")
		}
	} else {
		name, pk, err := keystatement.ParseVerifierKey(cfg.Key)
		if err != nil {
			return fmt.Errorf("key log: %w", err)
		}
		if cfg.Origin != "" && cfg.Origin != name {
			return fmt.Errorf("key log: origin %q, but the key is of %q", cfg.Origin, name)
		}
		k.origin, k.key, k.how = name, pk, "configured"
	}
	// verify.New checks the rest (witness names and keys, quorum, pins)
	// with a stand-in log key, so that a mistake shows at New, not at
	// the first directory.
	_, err := verify.New(k.verifyConfig(cmp.Or(k.origin, "trackgate.invalid/log"), make(ed25519.PublicKey, ed25519.PublicKeySize)), verify.State{})
	if err != nil {
		return err
	}
	return nil
}

func (k *keyLogCheck) verifyConfig(origin string, key ed25519.PublicKey) verify.Config {
	return verify.Config{
		Origin: origin, LogKey: key,
		Witnesses: maps.Clone(k.config.Witnesses), Quorum: k.config.Quorum, Pins: maps.Clone(k.config.Pins),
	}
}

// checkKeyLog checks a directory against the key log: the checkpoint it
// names must extend the last one trusted, and each courier's keys must be
// stated in the log, by the courier, as the directory lists them. A
// checkpoint that fails is returned as a *KeyLogError and the directory
// must not be used; a courier that fails is marked refused. What was
// learned is saved in the store.
func (c *Client) checkKeyLog(ctx context.Context, d *directory) error {
	k := &c.keyLog
	if !k.loaded {
		st, err := k.config.Store.Load()
		if err != nil {
			return fmt.Errorf("load key log state: %w", err)
		}
		k.state, k.loaded = st, true
	}
	kl := d.doc.KeyLog
	if kl == nil {
		if k.key != nil || k.state.Key != "" {
			return &KeyLogError{Err: fmt.Errorf("%w: the log %s is trusted (%s)", ErrNoKeyLog, cmp.Or(k.origin, k.state.Origin), cmp.Or(k.how, "pinned on first sight"))}
		}
		// A gateway that never showed a key log: nothing to check yet.
		return nil
	}
	if err := k.open(kl); err != nil {
		return err
	}
	signed := []byte(kl.Checkpoint)
	next, err := k.v.OpenCheckpoint(signed)
	if err != nil {
		return &KeyLogError{Err: err}
	}
	var proof tlog.TreeProof
	if last, ok := k.v.Latest(); ok && last.Size > 0 && next.Size > last.Size {
		if proof, err = c.consistencyProof(ctx, last.Size, next.Size); err != nil {
			return err
		}
	}
	if _, err := k.v.Update(signed, proof); err != nil {
		return &KeyLogError{Err: err}
	}
	for _, e := range d.doc.Couriers {
		ci := d.couriers[e.ID]
		if err := k.checkCourier(d, ci, c.now()); err != nil {
			ci.refused = &KeyLogError{Courier: e.ID, Err: err}
		}
	}
	k.state.State = k.v.State()
	if err := k.config.Store.Save(k.state); err != nil {
		return fmt.Errorf("save key log state: %w", err)
	}
	return nil
}

// open makes the verifier on first use: the log's key is the configured
// one, else the one pinned in the state, else the directory's, which is
// pinned. A directory that announces another key than the one trusted is
// refused: its checkpoints would not verify.
func (k *keyLogCheck) open(kl *api.KeyLog) error {
	name, pk, err := keystatement.ParseVerifierKey(kl.Key)
	if err != nil || name != kl.Origin {
		return &KeyLogError{Err: fmt.Errorf("%w: key_log key %q is not a note verifier key of origin %q", verify.ErrMalformed, kl.Key, kl.Origin)}
	}
	if k.v == nil && k.state.Key != "" && k.key != nil && k.state.Key != mustVerifierKey(k.origin, k.key) {
		return &KeyLogError{Err: fmt.Errorf("%w: the key log state was kept for the log key %s, not the configured %s; remove it to trust the configured key",
			verify.ErrBadSignature, k.state.Key, mustVerifierKey(k.origin, k.key))}
	}
	if k.key == nil {
		k.origin, k.key, k.how = name, pk, "pinned on first sight"
		if k.state.Key != "" {
			if k.origin, k.key, err = keystatement.ParseVerifierKey(k.state.Key); err != nil {
				return fmt.Errorf("key log state: %w", err)
			}
		}
	}
	if name != k.origin || !bytes.Equal(pk, k.key) {
		return &KeyLogError{Err: fmt.Errorf("%w: the gateway announces the log key %s, not %s (%s)", verify.ErrBadSignature, kl.Key, mustVerifierKey(k.origin, k.key), k.how)}
	}
	if k.v != nil {
		return nil
	}
	k.state.Origin, k.state.Key = k.origin, mustVerifierKey(k.origin, k.key)
	v, err := verify.New(k.verifyConfig(k.origin, k.key), k.state.State)
	if err != nil {
		return &KeyLogError{Err: err}
	}
	k.v = v
	return nil
}

func mustVerifierKey(origin string, pk ed25519.PublicKey) string {
	s, err := keystatement.VerifierKey(origin, pk)
	if err != nil {
		return "(invalid key)"
	}
	return s
}

// checkCourier checks one courier of d against the log: its statements
// (verify.VerifyCourier), and that every key the directory lists is the
// key its statement states, in the courier's mode and factor and the
// directory's bucket bits.
func (k *keyLogCheck) checkCourier(d *directory, ci *courierInfo, now time.Time) error {
	e := ci.entry
	if e.Log == nil {
		return fmt.Errorf("%w: the directory shows no statement of %s's keys", verify.ErrNotIncluded, e.ID)
	}
	if len(e.Log.Keys) != len(e.Keys) {
		return fmt.Errorf("%w: the directory lists %d keys of %s but shows %d statements", verify.ErrNotIncluded, len(e.Keys), e.ID, len(e.Log.Keys))
	}
	shown := verify.Courier{ID: e.ID}
	for _, group := range []struct {
		in  []api.ProvenStatement
		out *[]verify.Proven
	}{{e.Log.SigningKeys, &shown.SigningKeys}, {e.Log.Keys, &shown.Keys}} {
		for _, p := range group.in {
			proven, err := provenOf(p)
			if err != nil {
				return fmt.Errorf("%s: %w", e.ID, err)
			}
			*group.out = append(*group.out, proven)
		}
	}
	if _, err := k.v.VerifyCourier(shown, now); err != nil {
		return err
	}
	for i, key := range e.Keys {
		st, err := keystatement.OpenKey(shown.Keys[i].Entry) // verified above
		if err != nil {
			return fmt.Errorf("%w: %s: %w", verify.ErrMalformed, e.ID, err)
		}
		if field := differs(key, st, e, d.doc.BucketBits); field != "" {
			return fmt.Errorf("%w: the directory lists %s's key %s with another %s than its statement at entry %d",
				verify.ErrNotIncluded, e.ID, key.KeyID, field, shown.Keys[i].Index)
		}
	}
	return nil
}

// differs names the first field where a directory key (of courier e, in a
// directory of bucketBits) is not what statement st says, "" if none.
func differs(key api.Key, st keystatement.Key, e *api.CourierEntry, bucketBits int) string {
	switch {
	case key.KeyID != st.KeyID():
		return "kid"
	case !bytes.Equal(key.PublicKey, st.PublicKey):
		return "public_key"
	case !key.NotBefore.Equal(st.NotBefore):
		return "not_before"
	case !key.NotAfter.Equal(st.NotAfter):
		return "not_after"
	case e.Mode != st.Mode:
		return "mode"
	case e.Factor != st.Factor:
		return "factor"
	case bucketBits != st.BucketBits:
		return "bucket_bits"
	}
	return ""
}

// provenOf decodes a statement as the directory shows it.
func provenOf(p api.ProvenStatement) (verify.Proven, error) {
	proof, err := verify.Hashes(p.Proof)
	if err != nil {
		return verify.Proven{}, fmt.Errorf("entry %d: %w", p.Index, err)
	}
	return verify.Proven{Index: p.Index, Entry: []byte(p.Statement), Proof: proof}, nil
}

// consistencyProof fetches the proof that the log of size old is a
// prefix of the log of size next (GET /v1/log/consistency).
func (c *Client) consistencyProof(ctx context.Context, old, next int64) (tlog.TreeProof, error) {
	const op = "GET /v1/log/consistency"
	target := c.endpoint("v1", "log", "consistency") + "?" + url.Values{
		"old": {strconv.FormatInt(old, 10)}, "new": {strconv.FormatInt(next, 10)},
	}.Encode()
	var answer api.LogProof
	if _, err := c.getJSON(ctx, op, target, maxProofBytes, false, &answer); err != nil {
		return nil, err
	}
	proof, err := verify.Hashes(answer.Proof)
	if err != nil {
		return nil, &KeyLogError{Err: fmt.Errorf("%s: %w", op, err)}
	}
	return proof, nil
}

// RefusedCouriers returns the couriers of the last directory fetched
// whose keys did not verify against the gateway's key log, each with why
// (a *KeyLogError). Track never asks them.
func (c *Client) RefusedCouriers() map[string]error {
	c.mu.Lock()
	d := c.dir
	c.mu.Unlock()
	out := map[string]error{}
	if d == nil {
		return out
	}
	for id, ci := range d.couriers {
		if ci.refused != nil {
			out[id] = ci.refused
		}
	}
	return out
}
