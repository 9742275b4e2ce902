package keystatement

import (
	"crypto/ed25519"
	"errors"
	"testing"
)

func TestHistoryFollowsSigningKeysInLogOrder(t *testing.T) {
	k1, k2, k3 := signingKey("swift 1"), signingKey("swift 2"), signingKey("swift 3")
	first := func(sk ed25519.PrivateKey) SigningKey { return SigningKey{Courier: "sim-swift", Key: public(sk)} }
	change := func(from, to ed25519.PrivateKey) SigningKey {
		return SigningKey{Courier: "sim-swift", Key: public(to), Previous: public(from)}
	}
	keyBy := func(sk ed25519.PrivateKey) Key { return sampleKey(t, "k", sk) }

	// A step is a signing-key statement (change) or a key statement
	// (check), and the error it must give.
	type step struct {
		change *SigningKey
		check  *Key
		want   error
	}
	ch := func(s SigningKey, want error) step { return step{change: &s, want: want} }
	ck := func(k Key, want error) step { return step{check: &k, want: want} }
	other := first(k1)
	other.Courier = "sim-other"
	otherKey := keyBy(k1)
	otherKey.Courier = "sim-other"

	tests := []struct {
		name    string
		steps   []step
		current ed25519.PrivateKey
	}{
		{"a first key, its statements", []step{ch(first(k1), nil), ck(keyBy(k1), nil)}, k1},
		{"two changes, each signed by the key it replaces",
			[]step{ch(first(k1), nil), ch(change(k1, k2), nil), ck(keyBy(k2), nil), ch(change(k2, k3), nil), ck(keyBy(k3), nil)}, k3},
		{"a repeated statement of the current key changes nothing",
			[]step{ch(first(k1), nil), ch(first(k1), nil), ck(keyBy(k1), nil)}, k1},
		{"a key statement before any signing key",
			[]step{ck(keyBy(k1), ErrSigningKeyChanged)}, nil},
		{"a key statement by a retired signing key",
			[]step{ch(first(k1), nil), ch(change(k1, k2), nil), ck(keyBy(k1), ErrSigningKeyChanged)}, k2},
		{"a key statement by a key the log never named",
			[]step{ch(first(k1), nil), ck(keyBy(k3), ErrSigningKeyChanged)}, k1},
		{"a new first key after the courier had one",
			[]step{ch(first(k1), nil), ch(first(k2), ErrSigningKeyChanged), ck(keyBy(k2), ErrSigningKeyChanged)}, k1},
		{"a change from a key that is not the current one",
			[]step{ch(first(k1), nil), ch(change(k1, k2), nil), ch(change(k1, k3), ErrSigningKeyChanged)}, k2},
		{"a change as the first statement",
			[]step{ch(change(k1, k2), ErrSigningKeyChanged)}, nil},
		{"another courier's signing key",
			[]step{ch(other, ErrWrongCourier)}, nil},
		{"another courier's key statement",
			[]step{ch(first(k1), nil), ck(otherKey, ErrWrongCourier)}, k1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHistory("sim-swift")
			for i, s := range tt.steps {
				var err error
				if s.change != nil {
					err = h.Change(*s.change)
				} else {
					err = h.Check(*s.check)
				}
				if !errors.Is(err, s.want) || (s.want == nil) != (err == nil) {
					t.Fatalf("step %d: %v, want %v", i, err, s.want)
				}
			}
			want := ed25519.PublicKey(nil)
			if tt.current != nil {
				want = public(tt.current)
			}
			if got := h.Current(); !got.Equal(want) && !(got == nil && want == nil) {
				t.Errorf("Current = %x, want %x", got, want)
			}
		})
	}
}

func TestHistoryRemembersEveryKeyItHad(t *testing.T) {
	k1, k2, k3 := signingKey("swift 1"), signingKey("swift 2"), signingKey("swift 3")
	h := NewHistory("sim-swift")
	if h.Current() != nil || h.Had(public(k1)) {
		t.Fatal("a new history has a key")
	}
	for _, s := range []SigningKey{
		{Courier: "sim-swift", Key: public(k1)},
		{Courier: "sim-swift", Key: public(k2), Previous: public(k1)},
	} {
		if err := h.Change(s); err != nil {
			t.Fatal(err)
		}
	}
	if !h.Had(public(k1)) || !h.Had(public(k2)) || h.Had(public(k3)) {
		t.Errorf("Had: k1 %v, k2 %v, k3 %v; want true, true, false", h.Had(public(k1)), h.Had(public(k2)), h.Had(public(k3)))
	}
}
