package keyfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestStatementsRoundTripBesideTheKey(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "signing.key")
	path := StatementsPath(key)
	if path != key+".statements" {
		t.Fatalf("StatementsPath = %s", path)
	}
	if got, err := LoadStatements(path); err != nil || got != nil {
		t.Fatalf("a missing file: %q, %v; want none and no error", got, err)
	}
	want := [][]byte{[]byte("tg1 signing key\ncourier a\n\n— x y\n"), []byte("second\n")}
	if err := SaveStatements(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := LoadStatements(path)
	if err != nil || !slices.EqualFunc(got, want, bytes.Equal) {
		t.Fatalf("LoadStatements = %q, %v", got, err)
	}
	// Saving again replaces the file: a rotation appends to the chain.
	if err := SaveStatements(path, want[:1]); err != nil {
		t.Fatal(err)
	}
	if got, _ := LoadStatements(path); len(got) != 1 {
		t.Fatalf("after replacing: %d statements", len(got))
	}
	// LoadDir, which reads the key files of a directory, passes it over.
	if files, err := LoadDir(dir); err != nil || len(files) != 0 {
		t.Errorf("LoadDir: %v, %v; want no key file", files, err)
	}
}

func TestLoadStatementsRefusesWhatIsNotAStatementsFile(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"not JSON": "tg1 signing key\n",
		"a key":    `{"kind":"tg1-signing-key","statements":["x"]}`,
		"empty":    `{"kind":"tg1-signing-key-statements","statements":[]}`,
		"no kind":  `{"statements":["x"]}`,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadStatements(path); !errors.Is(err, ErrInvalidFile) {
			t.Errorf("%s: %v, want ErrInvalidFile", name, err)
		}
	}
}
