package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/keyfile"
)

// runCLIAt runs trackgate in process with its clock at now.
func runCLIAt(t *testing.T, now time.Time, args ...string) outcome {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, env{
		stdout: &stdout, stderr: &stderr,
		getenv: func(string) string { return "" },
		now:    func() time.Time { return now }, location: shanghai,
	})
	return outcome{code, stdout.String(), stderr.String()}
}

// oprfKeys loads the OPRF key files of dir by kid.
func oprfKeys(t *testing.T, dir string) map[string]keyfile.File {
	t.Helper()
	files, err := keyfile.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]keyfile.File{}
	for _, f := range files {
		if f.Kind == keyfile.KindOPRF {
			out[f.OPRF.Key.Public().KeyID()] = f
		}
	}
	return out
}

// newKid returns the one kid of after that is not in before.
func newKid(t *testing.T, before, after map[string]keyfile.File) string {
	t.Helper()
	var added []string
	for kid := range after {
		if _, ok := before[kid]; !ok {
			added = append(added, kid)
		}
	}
	if len(added) != 1 {
		t.Fatalf("%d new keys, want 1", len(added))
	}
	return added[0]
}

func TestKeysRotateTwiceOverlapsAndNeverLengthens(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := runCLIAt(t, t0, "keys", "gen", "--out", dir, "--valid", "90d"); got.code != exitOK {
		t.Fatalf("gen: exit %d: %s", got.code, got.stderr)
	}
	keys0 := oprfKeys(t, dir)
	first := newKid(t, nil, keys0)

	t1 := t0.Add(30 * 24 * time.Hour)
	got := runCLIAt(t, t1, "keys", "rotate", "--dir", dir, "--overlap", "7d", "--valid", "90d")
	if got.code != exitOK {
		t.Fatalf("first rotate: exit %d: %s", got.code, got.stderr)
	}
	keys1 := oprfKeys(t, dir)
	second := newKid(t, keys0, keys1)

	t2 := t1.Add(24 * time.Hour)
	if got := runCLIAt(t, t2, "keys", "rotate", "--dir", dir, "--overlap", "7d", "--valid", "30d"); got.code != exitOK {
		t.Fatalf("second rotate: exit %d: %s", got.code, got.stderr)
	}
	keys2 := oprfKeys(t, dir)
	third := newKid(t, keys1, keys2)

	day := 24 * time.Hour
	want := []struct {
		kid                 string
		notBefore, notAfter time.Time
	}{
		{first, t0, t1.Add(7 * day)},  // shortened once; the second rotate leaves it
		{second, t1, t2.Add(7 * day)}, // shortened by the second rotate
		{third, t2, t2.Add(30 * day)},
	}
	for i, w := range want {
		k, ok := keys2[w.kid]
		if !ok {
			t.Fatalf("key %d (%s) is gone", i+1, w.kid)
		}
		if !k.OPRF.NotBefore.Equal(w.notBefore) || !k.OPRF.NotAfter.Equal(w.notAfter) {
			t.Errorf("key %d: window %s – %s, want %s – %s", i+1, k.OPRF.NotBefore, k.OPRF.NotAfter, w.notBefore, w.notAfter)
		}
		if w.kid != third && !bytes.Equal(k.OPRF.Key.Bytes(), keys1[w.kid].OPRF.Key.Bytes()) {
			t.Errorf("key %d: rotation changed the key itself", i+1)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		st, err := os.Stat(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %04o, want 0600", e.Name(), st.Mode().Perm())
		}
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	if !strings.Contains(got.stdout, second) || !strings.Contains(got.stdout, "Shortened") {
		t.Errorf("first rotate printed no new kid or shortening:\n%s", got.stdout)
	}
	for _, k := range keys2 {
		if strings.Contains(got.stdout, crypto.EncodeB64(k.OPRF.Key.Bytes())) {
			t.Error("rotate printed a private key")
		}
	}
}

func TestKeysRotateRefuses(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	empty := t.TempDir()
	signingOnly := t.TempDir()
	if got := runCLIAt(t, now, "keys", "gen", "--out", signingOnly, "--kind", "signing"); got.code != exitOK {
		t.Fatal(got.stderr)
	}
	staged := t.TempDir()
	k, _ := crypto.GenerateKey(rand.Reader)
	if err := keyfile.SaveOPRF(filepath.Join(staged, "next.key"), k, now.Add(time.Hour), now.Add(90*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantText string
	}{
		{"no directory", []string{"keys", "rotate"}, exitUsage, "--dir"},
		{"overlap as long as the key", []string{"keys", "rotate", "--dir", empty, "--overlap", "90d"}, exitUsage, "--overlap"},
		{"overlap unreadable", []string{"keys", "rotate", "--dir", empty, "--overlap", "a week"}, exitUsage, "--overlap"},
		{"no OPRF key", []string{"keys", "rotate", "--dir", signingOnly}, exitFailure, "keys gen"},
		{"empty directory", []string{"keys", "rotate", "--dir", empty}, exitFailure, "no OPRF key"},
		{"a key waits for its window", []string{"keys", "rotate", "--dir", staged}, exitFailure, "valid only from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCLIAt(t, now, tt.args...)
			if got.code != tt.wantCode || !strings.Contains(got.stderr, tt.wantText) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", got.code, got.stderr, tt.wantCode, tt.wantText)
			}
			if strings.Count(strings.TrimSpace(got.stderr), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", got.stderr)
			}
		})
	}
	if entries, _ := os.ReadDir(staged); len(entries) != 1 {
		t.Errorf("a refused rotate wrote files: %d entries", len(entries))
	}
}

func TestKeysShowPrintsPublicPartsAndStatus(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := runCLIAt(t, t0, "keys", "gen", "--out", dir, "--valid", "10d"); got.code != exitOK {
		t.Fatal(got.stderr)
	}
	if got := runCLIAt(t, t0.Add(5*24*time.Hour), "keys", "rotate", "--dir", dir, "--overlap", "1d", "--valid", "30d"); got.code != exitOK {
		t.Fatal(got.stderr)
	}
	staged, _ := crypto.GenerateKey(rand.Reader)
	if err := keyfile.SaveOPRF(filepath.Join(dir, "staged.key"), staged, t0.Add(20*24*time.Hour), t0.Add(60*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	files, err := keyfile.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		at   time.Time
		want map[string]string // file name -> status
	}{
		{"during the overlap", t0.Add(5*24*time.Hour + time.Hour), map[string]string{oprfKeyFile: statusCurrent, "staged.key": statusNext}},
		{"after the overlap", t0.Add(7 * 24 * time.Hour), map[string]string{oprfKeyFile: statusExpired, "staged.key": statusNext}},
		{"once the staged key begins", t0.Add(21 * 24 * time.Hour), map[string]string{oprfKeyFile: statusExpired, "staged.key": statusCurrent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCLIAt(t, tt.at, "keys", "show", dir)
			if got.code != exitOK {
				t.Fatalf("exit %d: %s", got.code, got.stderr)
			}
			blocks := strings.Split(strings.TrimSpace(got.stdout), "\n\n")
			if len(blocks) != len(files) {
				t.Fatalf("%d blocks for %d files:\n%s", len(blocks), len(files), got.stdout)
			}
			for _, f := range files {
				block := blockFor(blocks, f.Path)
				switch f.Kind {
				case keyfile.KindOPRF:
					pub := f.OPRF.Key.Public()
					for _, part := range []string{pub.KeyID(), crypto.EncodeB64(pub.Bytes()), f.OPRF.NotBefore.Format(time.RFC3339), f.OPRF.NotAfter.Format(time.RFC3339)} {
						if !strings.Contains(block, part) {
							t.Errorf("%s: block lacks %q:\n%s", filepath.Base(f.Path), part, block)
						}
					}
					if status, ok := tt.want[filepath.Base(f.Path)]; ok && !strings.Contains(block+"\n", "status:      "+status+"\n") {
						t.Errorf("%s: want status %s:\n%s", filepath.Base(f.Path), status, block)
					}
					if strings.Contains(got.stdout, crypto.EncodeB64(f.OPRF.Key.Bytes())) {
						t.Error("show printed an OPRF private key")
					}
				case keyfile.KindSigning:
					pub := f.Signing.Public().(ed25519.PublicKey)
					if !strings.Contains(block, crypto.EncodeB64(pub)) {
						t.Errorf("signing key block lacks its public key:\n%s", block)
					}
					if strings.Contains(got.stdout, crypto.EncodeB64(f.Signing.Seed())) {
						t.Error("show printed a signing private key")
					}
				}
			}
		})
	}

	one := runCLIAt(t, t0, "keys", "show", filepath.Join(dir, signingKeyFile))
	if one.code != exitOK || !strings.Contains(one.stdout, "Ed25519 signing key") || strings.Count(one.stdout, "public_key") != 1 {
		t.Errorf("show FILE: exit %d, stdout %q", one.code, one.stdout)
	}
	if err := os.Chmod(filepath.Join(dir, signingKeyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := runCLIAt(t, t0, "keys", "show", dir); got.code != exitFailure || !strings.Contains(got.stderr, "chmod 600") {
		t.Errorf("show of a directory with a readable key: exit %d, stderr %q; want 1 and the fix", got.code, got.stderr)
	}
	if got := runCLIAt(t, t0, "keys", "show", t.TempDir()); got.code != exitFailure || !strings.Contains(got.stderr, "no key files") {
		t.Errorf("show of an empty directory: exit %d, stderr %q", got.code, got.stderr)
	}
}

func blockFor(blocks []string, path string) string {
	for _, b := range blocks {
		if strings.HasPrefix(b, path+" (") {
			return b
		}
	}
	return ""
}
