package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// keyLogHelp is what the commands that read a gateway's directory say
// of its key log.
const keyLogHelp = `Every directory is checked against the gateway's key log (docs/protocol.md
§7.8): its signed checkpoint must extend the last one seen, and every courier
key must be the one its courier stated in the log, signed by the courier's
signing key, at most two live at once. What was seen is kept in
<user config dir>/trackgate/keylog/<SHA-256 of the gateway URL>.json
(--keylog-state to choose another file), and the log's key and each
courier's signing key are pinned on first sight unless --log-key and --pin
give them. A check that fails is one sentence naming what the gateway did
(for example "The gateway's key log forked: …") and exit status 1; a courier
whose keys fail is not asked.`

// keyLogFlags are the flags of the key log check.
type keyLogFlags struct {
	state     string
	logKey    string
	witnesses []string
	quorum    int
	pins      []string
	flags     *pflag.FlagSet
}

func (f *keyLogFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	f.flags = fl
	fl.StringVar(&f.state, "keylog-state", "", "the file that keeps what was seen of the gateway's key log (default: one per gateway under the user config dir)")
	fl.StringVar(&f.logKey, "log-key", "", "the gateway's key log verifier key, <origin>+<hash>+<base64>; without it the key is pinned on first sight")
	fl.StringArrayVar(&f.witnesses, "witness", nil, "a witness whose cosignatures count, name=key (a note verifier key, or the b64 Ed25519 public key); repeatable")
	fl.IntVar(&f.quorum, "quorum", 0, "how many --witness must have cosigned a checkpoint before it is trusted (default: all of them)")
	fl.StringArrayVar(&f.pins, "pin", nil, "a courier's signing key, courier=key (b64 Ed25519 public key): its keys are used only if its history in the log holds it; repeatable")
}

// option makes the client's key log option for gateway, and returns the
// file the state is kept in: --keylog-state, else one in the user's
// config dir; "" for an env without a config dir (tests), which keeps it
// in memory.
func (f keyLogFlags) option(e env, gateway string) (client.Option, string, error) {
	if f.flags == nil || !f.flags.Changed("quorum") {
		f.quorum = len(f.witnesses)
	}
	kl := client.KeyLog{Key: f.logKey, Quorum: f.quorum}
	if f.quorum < 0 || f.quorum > len(f.witnesses) {
		return nil, "", usageErrorf("--quorum %d: at most the %d --witness given", f.quorum, len(f.witnesses))
	}
	for _, w := range f.witnesses {
		name, pk, err := parseWitness(w)
		if err != nil {
			return nil, "", usageErrorf("--witness %s: %v", w, err)
		}
		if kl.Witnesses == nil {
			kl.Witnesses = map[string]ed25519.PublicKey{}
		}
		kl.Witnesses[name] = pk
	}
	for _, p := range f.pins {
		courier, key, ok := strings.Cut(p, "=")
		pk, err := crypto.DecodeB64(key)
		if !ok || crypto.CheckCourierID(courier) != nil || err != nil || len(pk) != ed25519.PublicKeySize {
			return nil, "", usageErrorf("--pin %s: want courier=key, the key a courier's 32-byte Ed25519 public key in b64", p)
		}
		if kl.Pins == nil {
			kl.Pins = map[string]ed25519.PublicKey{}
		}
		kl.Pins[courier] = pk
	}
	path, err := f.statePath(e, gateway)
	if err != nil {
		return nil, "", err
	}
	if path != "" {
		kl.Store = client.KeyLogFile(path)
	}
	return client.WithKeyLog(kl), path, nil
}

// withStateHint adds to a failed check of the whole log how to start
// over, which is the way forward when the gateway's log was reset on
// purpose (an embedded gateway keeps its log in memory and makes a new
// log key at each start), and only then.
func withStateHint(err error, path string) error {
	var kle *client.KeyLogError
	if path == "" || !errors.As(err, &kle) || kle.Courier != "" {
		return err
	}
	if !errors.Is(err, verify.ErrFork) && !errors.Is(err, verify.ErrRollback) && !errors.Is(err, verify.ErrBadSignature) && !errors.Is(err, client.ErrNoKeyLog) {
		return err // not what a reset looks like
	}
	return fmt.Errorf("%w; if the gateway's log was reset on purpose (an embedded gateway started with a new identity), remove %s to trust it anew", err, path)
}

// statePath is the state file for gateway: --keylog-state, else
// <config dir>/trackgate/keylog/<hex SHA-256 of the gateway URL>.json;
// "" when the env has no config dir.
func (f keyLogFlags) statePath(e env, gateway string) (string, error) {
	if f.state != "" {
		return f.state, nil
	}
	if e.configDir == nil {
		return "", nil
	}
	dir, err := e.configDir()
	if err != nil {
		return "", usageErrorf("no place to keep what was seen of the gateway's key log (%v); give --keylog-state", err)
	}
	sum := sha256.Sum256([]byte(strings.TrimRight(gateway, "/")))
	return filepath.Join(dir, "trackgate", "keylog", hex.EncodeToString(sum[:])+".json"), nil
}

// parseWitness reads name=key, key a note verifier key of that name or a
// b64 Ed25519 public key.
func parseWitness(s string) (string, ed25519.PublicKey, error) {
	name, key, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return "", nil, fmt.Errorf("want name=key")
	}
	if vname, pk, err := keystatement.ParseVerifierKey(key); err == nil {
		if vname != name {
			return "", nil, fmt.Errorf("the verifier key is of %q, not %q", vname, name)
		}
		return name, pk, nil
	}
	pk, err := crypto.DecodeB64(key)
	if err != nil || len(pk) != ed25519.PublicKeySize {
		return "", nil, fmt.Errorf("the key is neither a note verifier key nor a 32-byte Ed25519 public key in b64")
	}
	return name, pk, nil
}
