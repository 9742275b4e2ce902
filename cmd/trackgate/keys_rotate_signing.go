package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"path/filepath"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/keyfile"
)

// runKeysRotateSigning replaces a courier host's signing key and extends
// the chain of its signing-key statements beside it, the new link signed
// by the old key and the new one (docs/protocol.md §8.1).
func runKeysRotateSigning(e env, f keysRotateFlags) error {
	if f.dir == "" {
		return usageErrorf("--dir DIR is required: the directory of the courier host's %s", signingKeyFile)
	}
	if f.courier != "" {
		if err := crypto.CheckCourierID(f.courier); err != nil {
			return usageErrorf("--courier %q: %v", f.courier, err)
		}
	}
	path := filepath.Join(f.dir, signingKeyFile)
	old, err := keyfile.LoadSigning(path)
	if err != nil {
		return err
	}
	statementsPath := keyfile.StatementsPath(path)
	chain, err := keyfile.LoadStatements(statementsPath)
	if err != nil {
		return err
	}
	courier := f.courier
	if len(chain) == 0 {
		if courier == "" {
			return usageErrorf("%s has no signing-key statements yet: give the courier's id with --courier, so that its first key is stated", path)
		}
		first, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: courier, Key: old.Public().(ed25519.PublicKey)}, old, nil)
		if err != nil {
			return err
		}
		chain = [][]byte{first}
	} else if chain, courier, err = chainTo(chain, old, courier, statementsPath); err != nil {
		return err
	}

	// The statements first: should writing the key fail, the chain goes
	// one key past it, which a host reads up to its key.
	pub, next, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generate signing key: %w", err)
	}
	prev := old.Public().(ed25519.PublicKey)
	change, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: courier, Key: pub, Previous: prev}, next, old)
	if err != nil {
		return err
	}
	chain = append(chain, change)
	if err := keyfile.SaveStatements(statementsPath, chain); err != nil {
		return err
	}
	if err := keyfile.SaveSigning(path, next, keyfile.Overwrite()); err != nil {
		return fmt.Errorf("wrote the statement of the change, but not the new key, so %s keeps the previous one: %w", path, err)
	}
	fmt.Fprintf(e.stdout, "Wrote %s (new Ed25519 signing key of %s, mode 0600)\n", path, courier)
	fmt.Fprintf(e.stdout, "  public_key:  %s\n", crypto.EncodeB64(pub))
	fmt.Fprintf(e.stdout, "  previous:    %s\n", crypto.EncodeB64(prev))
	fmt.Fprintf(e.stdout, "Wrote %s (%d signing-key statements; the change is signed by the previous key and the new one)\n", statementsPath, len(chain))
	fmt.Fprintln(e.stdout, "A running courier host signs with the new key within 10 s (at once on SIGHUP). Register the new public_key as this courier's public_key in the gateway's file at the same time: until then the gateway cannot verify the host's answers.")
	return nil
}

// chainTo checks the signing-key statements kept beside the key and
// returns them up to key, and the courier they are of. A chain past the
// key (a rotation that wrote its statement but not its key) is cut there.
func chainTo(chain [][]byte, key ed25519.PrivateKey, courier, path string) ([][]byte, string, error) {
	pub := key.Public().(ed25519.PublicKey)
	var history *keystatement.History
	upTo := -1
	for i, msg := range chain {
		s, err := keystatement.OpenSigningKey(msg)
		if err != nil {
			return nil, "", fmt.Errorf("%s: statement %d: %w", path, i, err)
		}
		if history == nil {
			if courier != "" && courier != s.Courier {
				return nil, "", usageErrorf("%s states the signing keys of %s, not of --courier %s", path, s.Courier, courier)
			}
			courier, history = s.Courier, keystatement.NewHistory(s.Courier)
		}
		if err := history.Change(s); err != nil {
			return nil, "", fmt.Errorf("%s: statement %d: %w", path, i, err)
		}
		if bytes.Equal(history.Current(), pub) {
			upTo = i
		}
	}
	if upTo < 0 {
		return nil, "", fmt.Errorf("%s does not lead to the key in %s: restore the key and the statements that were written together", path, filepath.Base(path[:len(path)-len(keyfile.StatementsExt)]))
	}
	return chain[:upTo+1], courier, nil
}
