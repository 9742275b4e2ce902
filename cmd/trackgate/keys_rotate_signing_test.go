package main

import (
	"crypto/ed25519"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/keyfile"
)

// TestKeysRotateSigningLeavesTheChainBesideTheKey: each rotation of a
// signing key writes a new key and the chain of statements a courier host
// serves to prove it, the change signed by the old key and the new.
func TestKeysRotateSigningLeavesTheChainBesideTheKey(t *testing.T) {
	dir := t.TempDir()
	if got := runCLI(t, nil, "keys", "gen", "--out", dir, "--kind", "signing"); got.code != exitOK {
		t.Fatal(got.stderr)
	}
	keyPath := filepath.Join(dir, signingKeyFile)
	first, err := keyfile.LoadSigning(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := runCLI(t, nil, "keys", "rotate", "--kind", "signing", "--dir", dir); got.code != exitUsage || !strings.Contains(got.stderr, "--courier") {
		t.Fatalf("a first rotation without --courier: exit %d %q, want a usage error naming --courier", got.code, got.stderr)
	}

	var keys []ed25519.PrivateKey
	for i, args := range [][]string{{"--courier", "sim-global"}, {}} {
		got := runCLI(t, nil, append([]string{"keys", "rotate", "--kind", "signing", "--dir", dir}, args...)...)
		if got.code != exitOK {
			t.Fatalf("rotation %d: exit %d %s", i+1, got.code, got.stderr)
		}
		key, err := keyfile.LoadSigning(keyPath)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
		chain, err := keyfile.LoadStatements(keyfile.StatementsPath(keyPath))
		if err != nil {
			t.Fatal(err)
		}
		if len(chain) != i+2 {
			t.Fatalf("rotation %d: %d statements, want %d", i+1, len(chain), i+2)
		}
		if err := courierhost.CheckSigningKeyStatements("sim-global", key, chain); err != nil {
			t.Fatalf("rotation %d: a host would refuse the chain: %v", i+1, err)
		}
		change, err := keystatement.OpenSigningKey(chain[len(chain)-1])
		previous := first
		if i > 0 {
			previous = keys[i-1]
		}
		if err != nil || !change.Previous.Equal(previous.Public().(ed25519.PublicKey)) || !change.Key.Equal(key.Public().(ed25519.PublicKey)) {
			t.Fatalf("rotation %d: the change %+v, %v; want it from the previous key to the new, signed by both", i+1, change, err)
		}
		if !strings.Contains(got.stdout, "public_key") || strings.Contains(got.stdout, "private") {
			t.Errorf("rotation %d printed %q", i+1, got.stdout)
		}
	}
	if got := runCLI(t, nil, "keys", "rotate", "--kind", "signing", "--dir", dir, "--courier", "sim-panda"); got.code != exitUsage || !strings.Contains(got.stderr, "sim-global") {
		t.Errorf("--courier of another courier: exit %d %q, want a usage error naming the chain's", got.code, got.stderr)
	}

	// A chain one key past the key file (a rotation that wrote its
	// statement and not its key) is cut at the key, then extended.
	chain, _ := keyfile.LoadStatements(keyfile.StatementsPath(keyPath))
	if err := keyfile.SaveSigning(keyPath, keys[0], keyfile.Overwrite()); err != nil {
		t.Fatal(err)
	}
	if got := runCLI(t, nil, "keys", "rotate", "--kind", "signing", "--dir", dir); got.code != exitOK {
		t.Fatalf("rotating from a key the chain goes past: exit %d %s", got.code, got.stderr)
	}
	after, _ := keyfile.LoadStatements(keyfile.StatementsPath(keyPath))
	key, _ := keyfile.LoadSigning(keyPath)
	if len(after) != len(chain) || string(after[1]) != string(chain[1]) || courierhost.CheckSigningKeyStatements("sim-global", key, after) != nil {
		t.Errorf("the chain after a rotation from an earlier key: %d statements, want %d ending with the new key", len(after), len(chain))
	}
	if got := runCLI(t, nil, "keys", "rotate", "--kind", "other", "--dir", dir); got.code != exitUsage {
		t.Errorf("--kind other: exit %d, want a usage error", got.code)
	}
}
