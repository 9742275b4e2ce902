package adapters

import (
	"context"
	"errors"
	"strings"
	"testing"
)

type nopSource struct{}

func (nopSource) Lookup(context.Context, ParcelRef) (Parcel, error) { return Parcel{}, ErrNotFound }

func TestOpenUnknownAdapterNamesTheRegisteredOnes(t *testing.T) {
	Register("test-registry-a", func(map[string]string) (Source, error) { return nopSource{}, nil })
	_, err := Open("no-such-adapter", nil)
	if err == nil || !strings.Contains(err.Error(), "forgotten import") || !strings.Contains(err.Error(), "test-registry-a") {
		t.Fatalf("err %v: want the unknown name refused with the registered names", err)
	}
	if _, err := Open("test-registry-a", nil); err != nil {
		t.Fatalf("Open registered: %v", err)
	}
}

func TestOpenWrapsTheFactoryError(t *testing.T) {
	sentinel := errors.New("bad option")
	Register("test-registry-b", func(map[string]string) (Source, error) { return nil, sentinel })
	if _, err := Open("test-registry-b", nil); !errors.Is(err, sentinel) || !strings.Contains(err.Error(), "test-registry-b") {
		t.Fatalf("err %v: want the factory's error wrapped with the adapter name", err)
	}
}

func TestRegisterPanicsOnDuplicateOrNil(t *testing.T) {
	Register("test-registry-c", func(map[string]string) (Source, error) { return nopSource{}, nil })
	for name, f := range map[string]Factory{
		"test-registry-c": func(map[string]string) (Source, error) { return nopSource{}, nil },
		"test-registry-d": nil,
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q) did not panic", name)
				}
			}()
			Register(name, f)
		}()
	}
}
