package keyfile

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

var (
	notBefore = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	notAfter  = notBefore.AddDate(0, 0, 90)
)

func newOPRFKey(t testing.TB) *crypto.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newSigningKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return sk
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestOPRFKeyRoundTripsThroughA0600File(t *testing.T) {
	path := filepath.Join(t.TempDir(), "oprf.key")
	k := newOPRFKey(t)
	if err := SaveOPRF(path, k, notBefore, notAfter); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("mode %04o, want 0600", m)
	}
	got, err := LoadOPRF(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Key.Bytes(), k.Bytes()) || !got.NotBefore.Equal(notBefore) || !got.NotAfter.Equal(notAfter) {
		t.Errorf("loaded %x %s–%s, want %x %s–%s", got.Key.Bytes(), got.NotBefore, got.NotAfter, k.Bytes(), notBefore, notAfter)
	}
	var doc map[string]any
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["kind"] != KindOPRF || doc["kid"] != k.Public().KeyID() || doc["public_key"] != crypto.EncodeB64(k.Public().Bytes()) {
		t.Errorf("file = %s: want kind, kid and public key for humans", data)
	}
}

func TestSigningKeyRoundTripsThroughA0600File(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signing.key")
	sk := newSigningKey(t)
	if err := SaveSigning(path, sk); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("mode %04o, want 0600", m)
	}
	got, err := LoadSigning(path)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(sk) {
		t.Error("loaded signing key differs from the saved one")
	}
	data, _ := os.ReadFile(path)
	pub := sk.Public().(ed25519.PublicKey)
	if !strings.Contains(string(data), `"kind": "tg1-signing-key"`) || !strings.Contains(string(data), crypto.EncodeB64(pub)) {
		t.Errorf("file = %s: want its kind and public key", data)
	}
}

func TestSaveNeverOverwritesUnlessAsked(t *testing.T) {
	dir := t.TempDir()
	saves := []struct {
		name string
		save func(path string, opts ...SaveOption) error
		load func(path string) ([]byte, error)
	}{
		{"oprf", func(p string, o ...SaveOption) error { return SaveOPRF(p, newOPRFKey(t), notBefore, notAfter, o...) },
			func(p string) ([]byte, error) { k, err := LoadOPRF(p); return keyBytes(k.Key, err) }},
		{"signing", func(p string, o ...SaveOption) error { return SaveSigning(p, newSigningKey(t), o...) },
			func(p string) ([]byte, error) { k, err := LoadSigning(p); return k, err }},
	}
	for _, s := range saves {
		t.Run(s.name, func(t *testing.T) {
			path := filepath.Join(dir, s.name+".key")
			if err := s.save(path); err != nil {
				t.Fatal(err)
			}
			first, err := s.load(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.save(path); !errors.Is(err, fs.ErrExist) {
				t.Fatalf("second save: err = %v, want fs.ErrExist", err)
			}
			if again, _ := s.load(path); !bytes.Equal(again, first) {
				t.Fatal("a refused save changed the file")
			}
			if err := s.save(path, Overwrite()); err != nil {
				t.Fatalf("save with Overwrite: %v", err)
			}
			replaced, err := s.load(path)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(replaced, first) {
				t.Error("Overwrite kept the old key")
			}
			if m := mode(t, path); m != 0o600 {
				t.Errorf("mode after overwrite %04o, want 0600", m)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.Contains(e.Name(), ".tmp") {
					t.Errorf("temporary file %s left behind", e.Name())
				}
			}
		})
	}
}

func keyBytes(k *crypto.PrivateKey, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return k.Bytes(), nil
}

func TestLoadRefusesFilesOthersCanRead(t *testing.T) {
	dir := t.TempDir()
	oprfPath, signPath := filepath.Join(dir, "oprf.key"), filepath.Join(dir, "signing.key")
	if err := SaveOPRF(oprfPath, newOPRFKey(t), notBefore, notAfter); err != nil {
		t.Fatal(err)
	}
	if err := SaveSigning(signPath, newSigningKey(t)); err != nil {
		t.Fatal(err)
	}
	loads := map[string]func() error{
		oprfPath: func() error { _, err := LoadOPRF(oprfPath); return err },
		signPath: func() error { _, err := LoadSigning(signPath); return err },
	}
	for _, perm := range []fs.FileMode{0o640, 0o604, 0o620, 0o644, 0o666} {
		for path, load := range loads {
			if err := os.Chmod(path, perm); err != nil {
				t.Fatal(err)
			}
			err := load()
			if !errors.Is(err, ErrInsecureFile) || !strings.Contains(err.Error(), "chmod 600 "+path) {
				t.Errorf("%s at %04o: err = %v, want ErrInsecureFile telling to chmod 600", filepath.Base(path), perm, err)
			}
		}
	}
	for path, load := range loads {
		if err := os.Chmod(path, 0o400); err != nil {
			t.Fatal(err)
		}
		if err := load(); err != nil {
			t.Errorf("%s at 0400: %v", filepath.Base(path), err)
		}
	}
}

func TestLoadRefusesTamperedFiles(t *testing.T) {
	k, other := newOPRFKey(t), newOPRFKey(t)
	oprfDoc := func(edit func(f *oprfFile)) []byte {
		f := oprfFile{Kind: KindOPRF, Suite: crypto.Suite, KeyID: k.Public().KeyID(), PublicKey: k.Public().Bytes(),
			PrivateKey: k.Bytes(), NotBefore: notBefore, NotAfter: notAfter}
		edit(&f)
		b, _ := json.Marshal(f)
		return b
	}
	sk, otherSK := newSigningKey(t), newSigningKey(t)
	signDoc := func(edit func(f *signingFile)) []byte {
		pub := sk.Public().(ed25519.PublicKey)
		f := signingFile{Kind: KindSigning, Algorithm: "Ed25519", KeyID: crypto.KeyID(pub), PublicKey: crypto.B64(pub), PrivateKey: sk.Seed()}
		edit(&f)
		b, _ := json.Marshal(f)
		return b
	}
	tests := []struct {
		name   string
		data   []byte
		decode func([]byte) error
	}{
		{"oprf: not JSON", []byte("oprf"), decodeOPRFErr},
		{"oprf: signing kind", oprfDoc(func(f *oprfFile) { f.Kind = KindSigning }), decodeOPRFErr},
		{"oprf: other suite", oprfDoc(func(f *oprfFile) { f.Suite = "P256-SHA256" }), decodeOPRFErr},
		{"oprf: public key of another key", oprfDoc(func(f *oprfFile) { f.PublicKey = other.Public().Bytes() }), decodeOPRFErr},
		{"oprf: kid of another key", oprfDoc(func(f *oprfFile) { f.KeyID = other.Public().KeyID() }), decodeOPRFErr},
		{"oprf: short private key", oprfDoc(func(f *oprfFile) { f.PrivateKey = f.PrivateKey[:31] }), decodeOPRFErr},
		{"oprf: window inverted", oprfDoc(func(f *oprfFile) { f.NotBefore, f.NotAfter = f.NotAfter, f.NotBefore }), decodeOPRFErr},
		{"signing: oprf kind", signDoc(func(f *signingFile) { f.Kind = KindOPRF }), decodeSigningErr},
		{"signing: other algorithm", signDoc(func(f *signingFile) { f.Algorithm = "RSA" }), decodeSigningErr},
		{"signing: public key of another key", signDoc(func(f *signingFile) { f.PublicKey = crypto.B64(otherSK.Public().(ed25519.PublicKey)) }), decodeSigningErr},
		{"signing: full private key instead of seed", signDoc(func(f *signingFile) { f.PrivateKey = crypto.B64(sk) }), decodeSigningErr},
		{"signing: kid of another key", signDoc(func(f *signingFile) { f.KeyID = "AAAAAAAAAAA" }), decodeSigningErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.decode(tt.data); !errors.Is(err, ErrInvalidFile) {
				t.Errorf("err = %v, want ErrInvalidFile", err)
			}
		})
	}
}

func decodeOPRFErr(b []byte) error    { _, err := decodeOPRF(b); return err }
func decodeSigningErr(b []byte) error { _, err := decodeSigning(b); return err }

func TestSaveRefusesUnusableKeys(t *testing.T) {
	dir := t.TempDir()
	if err := SaveOPRF(filepath.Join(dir, "a"), nil, notBefore, notAfter); err == nil {
		t.Error("saved a nil OPRF key")
	}
	if err := SaveOPRF(filepath.Join(dir, "b"), newOPRFKey(t), notAfter, notBefore); err == nil {
		t.Error("saved an inverted window")
	}
	if err := SaveSigning(filepath.Join(dir, "c"), ed25519.PrivateKey(make([]byte, 10))); err == nil {
		t.Error("saved a 10-byte signing key")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("refused saves left %d files", len(entries))
	}
}

func TestLoadMissingFileIsNotExist(t *testing.T) {
	_, err := LoadOPRF(filepath.Join(t.TempDir(), "missing.key"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}

func FuzzDecodeOPRF(f *testing.F) {
	k := newOPRFKey(f)
	good, _ := json.Marshal(oprfFile{Kind: KindOPRF, Suite: crypto.Suite, KeyID: k.Public().KeyID(), PublicKey: k.Public().Bytes(),
		PrivateKey: k.Bytes(), NotBefore: notBefore, NotAfter: notAfter})
	f.Add(good)
	f.Add([]byte(`{"kind":"tg1-oprf-key"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeOPRF(data)
		if err != nil {
			return
		}
		if !got.NotAfter.After(got.NotBefore) || got.Key == nil {
			t.Fatalf("accepted %+v", got)
		}
	})
}

func FuzzDecodeSigning(f *testing.F) {
	sk := newSigningKey(f)
	pub := sk.Public().(ed25519.PublicKey)
	good, _ := json.Marshal(signingFile{Kind: KindSigning, Algorithm: "Ed25519", KeyID: crypto.KeyID(pub), PublicKey: crypto.B64(pub), PrivateKey: sk.Seed()})
	f.Add(good)
	f.Add([]byte(`{"kind":"tg1-signing-key","private_key":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeSigning(data)
		if err != nil {
			return
		}
		if len(got) != ed25519.PrivateKeySize || !bytes.Equal(ed25519.NewKeyFromSeed(got.Seed()), got) {
			t.Fatal("accepted an inconsistent signing key")
		}
	})
}
