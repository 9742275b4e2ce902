package main

import (
	"crypto/ed25519"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/keyfile"
)

func TestKeysGenWrites0600FilesThatLoadBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	got := runCLI(t, nil, "keys", "gen", "--out", dir, "--valid", "30d")
	if got.code != exitOK {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	for _, name := range []string{oprfKeyFile, signingKeyFile} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %04o, want 0600", name, st.Mode().Perm())
		}
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("key directory mode %04o, want 0700", st.Mode().Perm())
	}
	k, err := keyfile.LoadOPRF(filepath.Join(dir, oprfKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if d := k.NotAfter.Sub(k.NotBefore); d != 30*24*time.Hour {
		t.Errorf("OPRF key valid for %s, want 30 days", d)
	}
	sk, err := keyfile.LoadSigning(filepath.Join(dir, signingKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	// The public parts are printed; the private ones never.
	for _, want := range []string{k.Key.Public().KeyID(), crypto.EncodeB64(k.Key.Public().Bytes()), crypto.EncodeB64(sk.Public().(ed25519.PublicKey))} {
		if !strings.Contains(got.stdout, want) {
			t.Errorf("output lacks public part %q:\n%s", want, got.stdout)
		}
	}
	for _, secret := range []string{crypto.EncodeB64(k.Key.Bytes()), crypto.EncodeB64(sk.Seed()), crypto.EncodeB64(sk)} {
		if strings.Contains(got.stdout+got.stderr, secret) {
			t.Error("a private key was printed")
		}
	}
}

func TestKeysGenNeverReplacesWithoutForce(t *testing.T) {
	dir := t.TempDir()
	if got := runCLI(t, nil, "keys", "gen", "--out", dir, "--kind", "oprf"); got.code != exitOK {
		t.Fatalf("first gen: exit %d: %s", got.code, got.stderr)
	}
	before, _ := os.ReadFile(filepath.Join(dir, oprfKeyFile))

	got := runCLI(t, nil, "keys", "gen", "--out", dir)
	if got.code != exitFailure || !strings.Contains(got.stderr, "--force") {
		t.Errorf("gen over an existing key: exit %d, stderr %q; want 1 and a hint", got.code, got.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, signingKeyFile)); !os.IsNotExist(err) {
		t.Error("a refused 'all' still wrote signing.key")
	}
	if after, _ := os.ReadFile(filepath.Join(dir, oprfKeyFile)); string(after) != string(before) {
		t.Error("a refused gen changed oprf.key")
	}

	if got := runCLI(t, nil, "keys", "gen", "--out", dir, "--force"); got.code != exitOK {
		t.Fatalf("gen --force: exit %d: %s", got.code, got.stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, oprfKeyFile)); string(after) == string(before) {
		t.Error("--force kept the old key")
	}
}

func TestKeysGenKinds(t *testing.T) {
	tests := []struct {
		kind string
		want []string
	}{
		{"oprf", []string{oprfKeyFile}},
		{"signing", []string{signingKeyFile}},
		{"all", []string{oprfKeyFile, signingKeyFile}},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if got := runCLI(t, nil, "keys", "gen", "--out", dir, "--kind", tt.kind); got.code != exitOK {
			t.Fatalf("--kind %s: exit %d: %s", tt.kind, got.code, got.stderr)
		}
		var names []string
		_ = fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				names = append(names, p)
			}
			return nil
		})
		if strings.Join(names, ",") != strings.Join(tt.want, ",") {
			t.Errorf("--kind %s wrote %v, want %v", tt.kind, names, tt.want)
		}
	}
}

func TestKeysGenRefusesBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"keys", "gen"},
		{"keys", "gen", "--out", dir, "--kind", "rsa"},
		{"keys", "gen", "--out", dir, "--valid", "ninety days"},
		{"keys", "gen", "--out", dir, "--valid", "0d"},
		{"keys", "gen", "--out", dir, "--valid", "1s"},
		{"keys", "gen", "--out", dir, "extra"},
	} {
		if got := runCLI(t, nil, args...); got.code != exitUsage {
			t.Errorf("%v: exit %d, want 2; stderr %s", args, got.code, got.stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused commands wrote %d files", len(entries))
	}
}

func TestParseValidity(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"90d", 90 * 24 * time.Hour},
		{"1d", 24 * time.Hour},
		{"2160h", 2160 * time.Hour},
		{"90m", 90 * time.Minute},
	}
	for _, tt := range tests {
		got, err := parseValidity(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("parseValidity(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}
