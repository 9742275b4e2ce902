package keystatement

import (
	"errors"
	"testing"

	"github.com/trackgate/trackgate/crypto"
)

func signedSigningKey(t testing.TB, s SigningKey, key, previous []byte) []byte {
	t.Helper()
	msg, err := SignSigningKey(s, key, previous)
	if err != nil {
		t.Fatalf("SignSigningKey: %v", err)
	}
	return msg
}

func TestSigningKeyStatementsRoundTrip(t *testing.T) {
	first, second := signingKey("swift 1"), signingKey("swift 2")
	tests := []struct {
		name     string
		s        SigningKey
		previous []byte
		text     string
		sigs     int
	}{
		{"first key", SigningKey{Courier: "sim-swift", Key: public(first)}, nil,
			"tg1 signing key\ncourier sim-swift\nsigning-key " + crypto.EncodeB64(public(first)) + "\nprevious none\n", 1},
		{"change of key", SigningKey{Courier: "sim-swift", Key: public(second), Previous: public(first)}, first,
			"tg1 signing key\ncourier sim-swift\nsigning-key " + crypto.EncodeB64(public(second)) + "\nprevious " + crypto.EncodeB64(public(first)) + "\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := first
			if tt.previous != nil {
				key = second
			}
			msg := signedSigningKey(t, tt.s, key, tt.previous)
			text, sigs := textAndSigs(t, msg)
			if text != tt.text || len(sigs) != tt.sigs {
				t.Errorf("signed as\n%s\nwith %d signatures; want\n%s\nwith %d", text, len(sigs), tt.text, tt.sigs)
			}
			got, err := OpenSigningKey(msg)
			if err != nil || got.Courier != tt.s.Courier || !got.Key.Equal(tt.s.Key) || string(got.Previous) != string(tt.s.Previous) {
				t.Fatalf("OpenSigningKey = %+v, %v; want %+v", got, err, tt.s)
			}
			key2, s2, err := Open(msg)
			if err != nil || key2 != nil || s2 == nil || !s2.Key.Equal(tt.s.Key) {
				t.Errorf("Open = %v, %v, %v; want the signing-key statement", key2, s2, err)
			}
		})
	}
}

func TestOpenSigningKeyNamesEachWayAChangeIsNotSigned(t *testing.T) {
	first, second, stranger := signingKey("swift 1"), signingKey("swift 2"), signingKey("gateway")
	change := SigningKey{Courier: "sim-swift", Key: public(second), Previous: public(first)}
	text, err := change.Text()
	if err != nil {
		t.Fatal(err)
	}
	name := SignerName("sim-swift")
	_, both := textAndSigs(t, signNote(t, text, name, second, first))
	_, strangers := textAndSigs(t, signNote(t, text, name, stranger))

	tests := []struct {
		name string
		msg  []byte
		want error
	}{
		{"signed by the new key only", signNote(t, text, name, second), ErrSigningKeyChanged},
		{"signed by the new key and a stranger", join(text, []string{both[0], strangers[0]}), ErrSigningKeyChanged},
		{"the previous key's signature corrupted", join(text, []string{both[0], corruptSig(t, both[1])}), ErrSigningKeyChanged},
		{"signed by the previous key only", signNote(t, text, name, first), ErrBadSignature},
		{"signed by a stranger only", signNote(t, text, name, stranger), ErrBadSignature},
		{"a third signature", join(text, []string{both[0], both[1], strangers[0]}), ErrBadSignature},
		{"signatures in the other order", join(text, []string{both[1], both[0]}), ErrMalformed},
		{"a first key signed by a stranger as well", func() []byte {
			s := SigningKey{Courier: "sim-swift", Key: public(first)}
			ft, _ := s.Text()
			return signNote(t, ft, name, first, stranger)
		}(), ErrBadSignature},
		{"previous is the key itself", signNote(t, "tg1 signing key\ncourier sim-swift\nsigning-key "+crypto.EncodeB64(public(first))+"\nprevious "+crypto.EncodeB64(public(first))+"\n", name, first), ErrMalformed},
		{"previous written NONE", signNote(t, "tg1 signing key\ncourier sim-swift\nsigning-key "+crypto.EncodeB64(public(first))+"\nprevious NONE\n", name, first), ErrMalformed},
		{"previous empty", signNote(t, "tg1 signing key\ncourier sim-swift\nsigning-key "+crypto.EncodeB64(public(first))+"\nprevious \n", name, first), ErrMalformed},
		{"no previous line", signNote(t, "tg1 signing key\ncourier sim-swift\nsigning-key "+crypto.EncodeB64(public(first))+"\n", name, first), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := OpenSigningKey(tt.msg)
			if !errors.Is(err, tt.want) {
				t.Errorf("OpenSigningKey = %v, want %v", err, tt.want)
			}
			if _, _, err := Open(tt.msg); !errors.Is(err, tt.want) {
				t.Errorf("Open = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSignSigningKeyNeedsTheRightPrivateKeys(t *testing.T) {
	first, second := signingKey("swift 1"), signingKey("swift 2")
	change := SigningKey{Courier: "sim-swift", Key: public(second), Previous: public(first)}
	tests := []struct {
		name          string
		s             SigningKey
		key, previous []byte
	}{
		{"the new key's private half missing", change, nil, first},
		{"another new private key", change, first, first},
		{"the previous private key missing", change, second, nil},
		{"another previous private key", change, second, second},
		{"a previous private key for a first key", SigningKey{Courier: "sim-swift", Key: public(first)}, first, second},
		{"an invalid courier", SigningKey{Courier: "", Key: public(first)}, first, nil},
		{"a short key", SigningKey{Courier: "sim-swift", Key: public(first)[:16]}, first, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg, err := SignSigningKey(tt.s, tt.key, tt.previous); err == nil {
				t.Errorf("SignSigningKey signed:\n%s", msg)
			}
		})
	}
}
