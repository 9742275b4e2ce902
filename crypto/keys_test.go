package crypto

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"testing"
)

func TestPrivateKeyBytesRoundTrip(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParsePrivateKey(k.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Bytes(), k.Bytes()) || !bytes.Equal(back.Public().Bytes(), k.Public().Bytes()) {
		t.Error("parsed private key differs from the original")
	}
	pub, err := ParsePublicKey(k.Public().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if pub.KeyID() != k.Public().KeyID() {
		t.Errorf("kid %s after parsing, %s before", pub.KeyID(), k.Public().KeyID())
	}
}

func TestKeyIDIsTruncatedSHA256OfPublicKey(t *testing.T) {
	k, err := DeriveKey(bytes.Repeat([]byte{7}, 32), []byte("kid test"))
	if err != nil {
		t.Fatal(err)
	}
	pk := k.Public().Bytes()
	sum := sha256.Sum256(pk)
	if got := KeyIDBytes(pk); !bytes.Equal(got, sum[:KeyIDSize]) {
		t.Errorf("KeyIDBytes = %x, want %x", got, sum[:KeyIDSize])
	}
	if got, want := k.Public().KeyID(), EncodeB64(sum[:KeyIDSize]); got != want || KeyID(pk) != want {
		t.Errorf("KeyID = %s, want %s", got, want)
	}
	if len(k.Public().KeyID()) != 11 {
		t.Errorf("kid %q is not 11 b64 characters", k.Public().KeyID())
	}
}

func TestPublicKeyBytesIsACopy(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b := k.Public().Bytes()
	b[0] ^= 0xff
	if bytes.Equal(k.Public().Bytes(), b) {
		t.Error("changing the returned bytes changed the key")
	}
}

func TestDeriveKeyDependsOnSeedAndInfo(t *testing.T) {
	seed := bytes.Repeat([]byte{1}, 32)
	a, err := DeriveKey(seed, []byte("a"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := DeriveKey(seed, []byte("b"))
	again, _ := DeriveKey(seed, []byte("a"))
	if bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("different info gives the same key")
	}
	if !bytes.Equal(a.Bytes(), again.Bytes()) {
		t.Error("DeriveKey is not deterministic")
	}
	for _, bad := range [][]byte{nil, seed[:31], append(seed, 0)} {
		if _, err := DeriveKey(bad, nil); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("DeriveKey(%d-byte seed) = %v, want ErrInvalidKey", len(bad), err)
		}
	}
}

func TestParsePrivateKeyRejectsBadScalars(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"31 bytes", make([]byte, 31)},
		{"33 bytes", append([]byte{1}, make([]byte, 32)...)},
		{"zero scalar", make([]byte, 32)},
		{"all ones, above the group order", bytes.Repeat([]byte{0xff}, 32)},
		{"group order l", mustHex(t, "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if k, err := ParsePrivateKey(tt.in); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("ParsePrivateKey(%x) = %v, %v; want ErrInvalidKey", tt.in, k, err)
			}
		})
	}
}

func TestParsePublicKeyRejectsBadElements(t *testing.T) {
	for _, tt := range badElements(t) {
		t.Run(tt.name, func(t *testing.T) {
			if k, err := ParsePublicKey(tt.in); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("ParsePublicKey(%x) = %v, %v; want ErrInvalidKey", tt.in, k, err)
			}
		})
	}
}
