package keystatement

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func TestNoteKeysFromRawEd25519Keys(t *testing.T) {
	sk := signingKey("log")
	const name = "trackgate.example/log"
	signer, err := NewSigner(name, sk)
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := NewVerifier(name, public(sk))
	if err != nil {
		t.Fatal(err)
	}
	// The key hash is note's, which other implementations (the browser
	// client) compute the same way: SHA-256(name ‖ "\n" ‖ 0x01 ‖ key)[:4].
	sum := sha256.Sum256(append([]byte(name+"\n\x01"), public(sk)...))
	if want := binary.BigEndian.Uint32(sum[:4]); signer.KeyHash() != want || verifier.KeyHash() != want {
		t.Errorf("key hashes %08x, %08x; want %08x", signer.KeyHash(), verifier.KeyHash(), want)
	}
	msg, err := note.Sign(&note.Note{Text: "hello\n"}, signer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(verifier)); err != nil {
		t.Errorf("open with NewVerifier: %v", err)
	}
	vkey, err := VerifierKey(name, public(sk))
	if err != nil {
		t.Fatal(err)
	}
	nv, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(nv)); err != nil {
		t.Errorf("open with note.NewVerifier(VerifierKey): %v", err)
	}
	gotName, gotKey, err := ParseVerifierKey(vkey)
	if err != nil || gotName != name || !gotKey.Equal(public(sk)) {
		t.Errorf("ParseVerifierKey = %q, %x, %v", gotName, gotKey, err)
	}
}

func TestNoteKeysRefuseBadInput(t *testing.T) {
	sk := signingKey("log")
	if _, err := NewSigner("two words", sk); err == nil {
		t.Error("NewSigner took a name with a space")
	}
	if _, err := NewSigner("a+b", sk); err == nil {
		t.Error("NewSigner took a name with a plus")
	}
	if _, err := NewSigner("log", sk[:32]); err == nil {
		t.Error("NewSigner took a seed for a private key")
	}
	if _, err := NewVerifier("log", public(sk)[:31]); err == nil {
		t.Error("NewVerifier took a short key")
	}
	vkey, _ := VerifierKey("log", public(sk))
	for _, bad := range []string{"", "log", vkey[:len(vkey)-4], "other" + vkey[3:]} {
		if _, _, err := ParseVerifierKey(bad); err == nil {
			t.Errorf("ParseVerifierKey(%q) succeeded", bad)
		}
	}
}
