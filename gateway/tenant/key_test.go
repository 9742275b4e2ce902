package tenant

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
)

func TestNewKeyIsWellFormedAndItsHashIsItsSHA256(t *testing.T) {
	key, err := NewKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !WellFormed(key) || !strings.HasPrefix(key, KeyPrefix) {
		t.Fatalf("NewKey gave %q, which is not well formed", key)
	}
	h, err := HashKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if h != sha256.Sum256([]byte(key)) {
		t.Fatal("the hash is not the SHA-256 of the key")
	}
	back, err := ParseHash(strings.ToUpper(h.String()))
	if err != nil || back != h {
		t.Fatalf("ParseHash(String()) = %v, %v", back, err)
	}
	other, _ := NewKey(rand.Reader)
	if other == key {
		t.Fatal("two keys drawn alike")
	}
}

func TestNewKeyFailsWithoutRandomness(t *testing.T) {
	if _, err := NewKey(bytes.NewReader(make([]byte, 5))); err == nil {
		t.Fatal("a key was made from 5 random bytes")
	}
}

func TestHashKeyRefusesMalformedKeys(t *testing.T) {
	good, _ := NewKey(rand.Reader)
	for _, key := range []string{
		"", "tg1pk_", good[:len(good)-1], good + "A", "sk_" + good[len(KeyPrefix):],
		good[:len(good)-1] + "=", good[:len(good)-1] + "+", " " + good,
	} {
		if _, err := HashKey(key); !errors.Is(err, ErrMalformedKey) {
			t.Errorf("HashKey(%q): %v, want ErrMalformedKey", key, err)
		}
	}
}

func TestParseHashRefusesWhatIsNotAHexSHA256(t *testing.T) {
	for _, s := range []string{"", strings.Repeat("a", 63), strings.Repeat("a", 65), strings.Repeat("g", 64)} {
		if _, err := ParseHash(s); err == nil {
			t.Errorf("ParseHash(%q) accepted", s)
		}
	}
}

func TestKeyKindsNeverHashAsEachOther(t *testing.T) {
	kinds := []Kind{Publishable, Secret, ReportReader}
	for _, k := range kinds {
		key, err := k.New(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(key, k.Prefix()) || !k.WellFormed(key) {
			t.Fatalf("%s %q is not well formed", k, key)
		}
		if got, ok := KindOf(key); !ok || got.Prefix() != k.Prefix() {
			t.Fatalf("KindOf(%s) = %v, %v", k, got, ok)
		}
		h, err := k.Hash(key)
		if err != nil || h != sha256.Sum256([]byte(key)) {
			t.Fatalf("%s: hash %v, %v", k, h, err)
		}
		for _, other := range kinds {
			if other.Prefix() == k.Prefix() {
				continue
			}
			if _, err := other.Hash(key); !errors.Is(err, ErrMalformedKey) {
				t.Errorf("a %s hashed as a %s: %v", k, other, err)
			}
		}
	}
	if _, ok := KindOf("sk_live_abc"); ok {
		t.Error("KindOf recognised a key of no trackgate kind")
	}
}
