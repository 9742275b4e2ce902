package keyfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadReadsEitherKind(t *testing.T) {
	dir := t.TempDir()
	k, sk := newOPRFKey(t), newSigningKey(t)
	if err := SaveOPRF(filepath.Join(dir, "oprf.key"), k, notBefore, notAfter); err != nil {
		t.Fatal(err)
	}
	if err := SaveSigning(filepath.Join(dir, "signing.key"), sk); err != nil {
		t.Fatal(err)
	}
	o, err := Load(filepath.Join(dir, "oprf.key"))
	if err != nil || o.Kind != KindOPRF || !bytes.Equal(o.OPRF.Key.Bytes(), k.Bytes()) || !o.OPRF.NotAfter.Equal(notAfter) || o.Signing != nil {
		t.Errorf("oprf.key loaded as %+v, %v", o, err)
	}
	s, err := Load(filepath.Join(dir, "signing.key"))
	if err != nil || s.Kind != KindSigning || !s.Signing.Equal(sk) || s.OPRF.Key != nil {
		t.Errorf("signing.key loaded as kind %q, %v", s.Kind, err)
	}
}

func TestLoadRefusesUnknownKinds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.key")
	if err := os.WriteFile(path, []byte(`{"kind":"tg1-other"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); !errors.Is(err, ErrInvalidFile) {
		t.Errorf("err = %v, want ErrInvalidFile", err)
	}
}

func TestLoadDirReadsKeyFilesOnlySortedByName(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.key", "a.key"} {
		if err := SaveOPRF(filepath.Join(dir, name), newOPRFKey(t), notBefore, notAfter); err != nil {
			t.Fatal(err)
		}
	}
	if err := SaveSigning(filepath.Join(dir, "c.key"), newSigningKey(t)); err != nil {
		t.Fatal(err)
	}
	// Neither a hidden temporary file, nor another extension, nor a
	// directory is read.
	for _, name := range []string{".a.key.tmp123", ".hidden.key", "README", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("not a key"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "old.key"), 0o700); err != nil {
		t.Fatal(err)
	}
	files, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, filepath.Base(f.Path)+":"+f.Kind)
	}
	want := []string{"a.key:" + KindOPRF, "b.key:" + KindOPRF, "c.key:" + KindSigning}
	if len(got) != len(want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("files %v, want %v", got, want)
			break
		}
	}
}

func TestLoadDirFailsOnOneBadKeyFile(t *testing.T) {
	dir := t.TempDir()
	if err := SaveOPRF(filepath.Join(dir, "a.key"), newOPRFKey(t), notBefore, notAfter); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.key"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDir(dir); !errors.Is(err, ErrInvalidFile) {
		t.Errorf("err = %v, want ErrInvalidFile", err)
	}
	if err := os.Chmod(filepath.Join(dir, "b.key"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDir(dir); !errors.Is(err, ErrInsecureFile) {
		t.Errorf("err = %v, want ErrInsecureFile", err)
	}
}
