package transparency

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/gateway/tenant"
)

func TestNewReaderKeyIsWellFormedAndHashesToItsSHA256(t *testing.T) {
	key, err := NewReaderKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, ReaderKeyPrefix) || !WellFormedReaderKey(key) || len(key) != len(ReaderKeyPrefix)+43 {
		t.Fatalf("NewReaderKey gave %q", key)
	}
	h, err := HashReaderKey(key)
	if err != nil || h != sha256.Sum256([]byte(key)) {
		t.Fatalf("HashReaderKey = %x, %v; want the SHA-256 of the key", h, err)
	}
	if _, err := NewReaderKey(bytes.NewReader(make([]byte, 3))); err == nil {
		t.Fatal("a key was drawn from 3 random bytes")
	}
}

func TestReadersAllowOnlyTheirKeys(t *testing.T) {
	mine, _ := NewReaderKey(rand.Reader)
	other, _ := NewReaderKey(rand.Reader)
	publishable, _ := tenant.NewKey(rand.Reader)
	h, _ := HashReaderKey(mine)
	readers := Readers{sha256.Sum256([]byte(other + "x")), h}
	if !readers.Allow(mine) {
		t.Fatal("a configured key was refused")
	}
	for name, key := range map[string]string{
		"another reader key": other,
		"a publishable key":  publishable,
		"the key's hash":     tenant.Hash(h).String(),
		"a truncated key":    mine[:len(mine)-1],
		"the key with space": mine + " ",
		"nothing":            "",
	} {
		if readers.Allow(key) {
			t.Errorf("%s was allowed", name)
		}
	}
	// A publishable key's hash configured as a reader's does not make it one.
	ph, _ := tenant.HashKey(publishable)
	if (Readers{ph}).Allow(publishable) {
		t.Error("a publishable key was allowed as a reader key")
	}
	if _, err := HashReaderKey(publishable); !errors.Is(err, ErrMalformedReaderKey) {
		t.Errorf("HashReaderKey(publishable) = %v, want ErrMalformedReaderKey", err)
	}
	if (Readers{}).Allow(mine) {
		t.Error("no readers allowed a key")
	}
}
