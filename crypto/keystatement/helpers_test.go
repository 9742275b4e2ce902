package keystatement

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/trackgate/trackgate/crypto"
)

// testNow is the clock of these tests.
var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// signingKey is a deterministic Ed25519 key named by label.
func signingKey(label string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("signing " + label))
	return ed25519.NewKeyFromSeed(seed[:])
}

func public(sk ed25519.PrivateKey) ed25519.PublicKey { return sk.Public().(ed25519.PublicKey) }

// oprfKey is a deterministic OPRF public key named by label.
func oprfKey(t testing.TB, label string) []byte {
	t.Helper()
	seed := sha256.Sum256([]byte("oprf " + label))
	k, err := crypto.DeriveKey(seed[:], []byte("keystatement test"))
	if err != nil {
		t.Fatal(err)
	}
	return k.Public().Bytes()
}

// sampleKey is a valid key statement of sim-swift signed by sk.
func sampleKey(t testing.TB, label string, sk ed25519.PrivateKey) Key {
	return Key{
		Courier:    "sim-swift",
		PublicKey:  oprfKey(t, label),
		NotBefore:  time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:   time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC),
		Mode:       ModePush,
		Factor:     crypto.FactorPhoneLast4,
		BucketBits: 8,
		SigningKey: public(sk),
	}
}

func signedKey(t testing.TB, k Key, sk ed25519.PrivateKey) []byte {
	t.Helper()
	msg, err := SignKey(k, sk)
	if err != nil {
		t.Fatalf("SignKey: %v", err)
	}
	return msg
}

// signNote signs any text with each key under name, in order, bypassing
// every check of this package.
func signNote(t testing.TB, text, name string, keys ...ed25519.PrivateKey) []byte {
	t.Helper()
	var signers []note.Signer
	for _, sk := range keys {
		s, err := NewSigner(name, sk)
		if err != nil {
			t.Fatal(err)
		}
		signers = append(signers, s)
	}
	msg, err := note.Sign(&note.Note{Text: text}, signers...)
	if err != nil {
		t.Fatalf("note.Sign: %v", err)
	}
	return msg
}

// textAndSigs splits a signed note into its text and its signature lines.
func textAndSigs(t testing.TB, msg []byte) (string, []string) {
	t.Helper()
	i := bytes.LastIndex(msg, []byte("\n\n"))
	if i < 0 {
		t.Fatalf("not a signed note: %q", msg)
	}
	return string(msg[:i+1]), strings.Split(strings.TrimSuffix(string(msg[i+2:]), "\n"), "\n")
}

// join puts a signed note together again.
func join(text string, sigs []string) []byte {
	return []byte(text + "\n" + strings.Join(sigs, "\n") + "\n")
}

// editLine replaces the line of text beginning with prefix by line.
func editLine(t testing.TB, text, prefix, line string) string {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			lines[i] = line
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("no line %q in %q", prefix, text)
	return ""
}

// corruptSig flips a bit of the signature (not the key hash) of a
// signature line, keeping it well-formed.
func corruptSig(t testing.TB, line string) string {
	t.Helper()
	i := strings.LastIndexByte(line, ' ')
	raw, err := base64.StdEncoding.DecodeString(line[i+1:])
	if err != nil || len(raw) != 4+ed25519.SignatureSize {
		t.Fatalf("not a signature line: %q", line)
	}
	raw[10] ^= 1
	return line[:i+1] + base64.StdEncoding.EncodeToString(raw)
}
