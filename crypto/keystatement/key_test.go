package keystatement

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

func sameKey(a, b Key) bool {
	return a.Courier == b.Courier && string(a.PublicKey) == string(b.PublicKey) &&
		a.NotBefore.Equal(b.NotBefore) && a.NotAfter.Equal(b.NotAfter) && a.Mode == b.Mode &&
		a.Factor == b.Factor && a.BucketBits == b.BucketBits && string(a.SigningKey) == string(b.SigningKey)
}

func TestKeyStatementRoundTripsInItsExactText(t *testing.T) {
	sk := signingKey("swift")
	k := sampleKey(t, "k1", sk)
	msg := signedKey(t, k, sk)

	sum := sha256.Sum256(k.PublicKey)
	want := "tg1 key statement\n" +
		"courier sim-swift\n" +
		"kid " + crypto.EncodeB64(sum[:8]) + "\n" +
		"public-key " + crypto.EncodeB64(k.PublicKey) + "\n" +
		"not-before 2026-11-01T00:00:00Z\n" +
		"not-after 2027-02-01T00:00:00Z\n" +
		"mode push\n" +
		"factor phone_last4\n" +
		"bucket-bits 8\n" +
		"signing-key " + crypto.EncodeB64(public(sk)) + "\n"
	text, sigs := textAndSigs(t, msg)
	if text != want {
		t.Errorf("text:\n%s\nwant:\n%s", text, want)
	}
	if len(sigs) != 1 || !strings.HasPrefix(sigs[0], "— tg1-courier/sim-swift ") {
		t.Errorf("signature lines %q, want one by tg1-courier/sim-swift", sigs)
	}

	got, err := OpenKey(msg)
	if err != nil || !sameKey(got, k) {
		t.Fatalf("OpenKey = %+v, %v; want %+v", got, err, k)
	}
	key, signing, err := Open(msg)
	if err != nil || key == nil || signing != nil || !sameKey(*key, k) {
		t.Fatalf("Open = %+v, %+v, %v; want the key statement", key, signing, err)
	}
	// Ed25519 is deterministic: the same statement is the same bytes.
	if again := signedKey(t, k, sk); string(again) != string(msg) {
		t.Errorf("signing the same statement twice gave different bytes")
	}
}

func TestOpenKeyRefusesEveryFieldTampered(t *testing.T) {
	sk := signingKey("swift")
	k := sampleKey(t, "k1", sk)
	msg := signedKey(t, k, sk)
	text, sigs := textAndSigs(t, msg)
	other := oprfKey(t, "k2")

	line := func(prefix, replacement string) func(string) string {
		return func(text string) string { return editLine(t, text, prefix, replacement) }
	}
	tests := []struct {
		name string
		edit func(text string) string
		want error
	}{
		// Well-formed values that are not what was signed.
		{"courier", line("courier ", "courier sim-other"), ErrBadSignature},
		{"not-before", line("not-before ", "not-before 2026-10-01T00:00:00Z"), ErrBadSignature},
		{"not-after", line("not-after ", "not-after 2028-02-01T00:00:00Z"), ErrBadSignature},
		{"mode", line("mode ", "mode pull"), ErrBadSignature},
		{"factor", line("factor ", "factor none"), ErrBadSignature},
		{"bucket-bits", line("bucket-bits ", "bucket-bits 9"), ErrBadSignature},
		{"signing-key", line("signing-key ", "signing-key "+crypto.EncodeB64(public(signingKey("gateway")))), ErrBadSignature},
		{"public key and kid both", func(text string) string {
			text = editLine(t, text, "public-key ", "public-key "+crypto.EncodeB64(other))
			return editLine(t, text, "kid ", "kid "+crypto.KeyID(other))
		}, ErrBadSignature},
		// Values that do not belong together, out of range, or written
		// another way.
		{"public key without its kid", line("public-key ", "public-key "+crypto.EncodeB64(other)), ErrMalformed},
		{"kid of another key", line("kid ", "kid "+crypto.KeyID(other)), ErrMalformed},
		{"header", line("tg1 key statement", "tg1 key statement v2"), ErrMalformed},
		{"invalid courier id", line("courier ", "courier Sim_Swift"), ErrMalformed},
		{"public key not a group element", func(text string) string {
			text = editLine(t, text, "public-key ", "public-key "+crypto.EncodeB64(make([]byte, 32)))
			return editLine(t, text, "kid ", "kid "+crypto.KeyID(make([]byte, 32)))
		}, ErrMalformed},
		{"public key padded", line("public-key ", "public-key "+crypto.EncodeB64(k.PublicKey)+"="), ErrMalformed},
		{"time with an offset", line("not-before ", "not-before 2026-11-01T01:00:00+01:00"), ErrMalformed},
		{"time with fractions", line("not-before ", "not-before 2026-11-01T00:00:00.000Z"), ErrMalformed},
		{"time lower-case", line("not-before ", "not-before 2026-11-01t00:00:00z"), ErrMalformed},
		{"window reversed", line("not-after ", "not-after 2026-10-01T00:00:00Z"), ErrMalformed},
		{"unknown mode", line("mode ", "mode both"), ErrMalformed},
		{"unknown factor", line("factor ", "factor pin"), ErrMalformed},
		{"bucket-bits leading zero", line("bucket-bits ", "bucket-bits 08"), ErrMalformed},
		{"bucket-bits signed", line("bucket-bits ", "bucket-bits +8"), ErrMalformed},
		{"bucket-bits too many", line("bucket-bits ", "bucket-bits 25"), ErrMalformed},
		{"signing key short", line("signing-key ", "signing-key "+crypto.EncodeB64(make([]byte, 31))), ErrMalformed},
		{"two spaces", line("mode ", "mode  push"), ErrMalformed},
		{"trailing space", line("mode ", "mode push "), ErrMalformed},
		{"carriage return", line("mode ", "mode push\r"), ErrMalformed},
		{"field renamed", line("mode ", "Mode push"), ErrMalformed},
		{"extra line", line("mode ", "mode push\nnote hello"), ErrMalformed},
		{"missing line", func(text string) string { return strings.Replace(text, "mode push\n", "", 1) }, ErrMalformed},
		{"lines swapped", func(text string) string {
			return strings.Replace(text, "mode push\nfactor phone_last4\n", "factor phone_last4\nmode push\n", 1)
		}, ErrMalformed},
		{"no final line feed", func(text string) string { return strings.TrimSuffix(text, "\n") }, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edited := tt.edit(text)
			if edited == text {
				t.Fatal("the edit changed nothing")
			}
			_, err := OpenKey(join(edited, sigs))
			if !errors.Is(err, tt.want) {
				t.Errorf("OpenKey = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestOpenKeyRefusesSignaturesOtherThanItsSigningKeys(t *testing.T) {
	sk, stranger := signingKey("swift"), signingKey("gateway")
	k := sampleKey(t, "k1", sk)
	text, err := k.Text()
	if err != nil {
		t.Fatal(err)
	}
	msg := signedKey(t, k, sk)
	_, sigs := textAndSigs(t, msg)
	_, strangerSigs := textAndSigs(t, signNote(t, text, SignerName("sim-swift"), stranger))

	tests := []struct {
		name string
		msg  []byte
		want error
	}{
		{"signed by another key under the courier's name", signNote(t, text, SignerName("sim-swift"), stranger), ErrBadSignature},
		{"signed under another courier's name", signNote(t, text, SignerName("sim-other"), sk), ErrBadSignature},
		{"signed under the wrong kind of name", signNote(t, text, "sim-swift", sk), ErrBadSignature},
		{"an extra signature after its own", join(text, append(sigs[:1:1], strangerSigs...)), ErrBadSignature},
		{"an extra signature before its own", join(text, append(strangerSigs[:1:1], sigs...)), ErrBadSignature},
		{"its signature corrupted", join(text, []string{corruptSig(t, sigs[0])}), ErrBadSignature},
		{"its signature twice", join(text, []string{sigs[0], sigs[0]}), ErrMalformed},
		{"no signature at all", []byte(text + "\n"), ErrMalformed},
		{"not a note", []byte("tg1 key statement\n"), ErrMalformed},
		{"too long", append(msg, make([]byte, MaxSize)...), ErrMalformed},
		{"a signing-key statement", signNote(t, "tg1 signing key\ncourier sim-swift\nsigning-key "+crypto.EncodeB64(public(sk))+"\nprevious none\n", SignerName("sim-swift"), sk), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := OpenKey(tt.msg); !errors.Is(err, tt.want) {
				t.Errorf("OpenKey = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestOpenKeyRefusesNonCanonicalSignatureBase64(t *testing.T) {
	sk := signingKey("swift")
	msg := signedKey(t, sampleKey(t, "k1", sk), sk)
	text, sigs := textAndSigs(t, msg)
	// 68 bytes of signature: the last base64 quantum has two spare bits,
	// which a lenient decoder ignores.
	line := []byte(sigs[0])
	last := len(line) - 2 // before the one '='
	if line[last+1] != '=' {
		t.Fatalf("signature line %q does not end in one '='", line)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	line[last] = alphabet[strings.IndexByte(alphabet, line[last])|1]
	if string(line) == sigs[0] {
		line[last] = alphabet[strings.IndexByte(alphabet, line[last])|2]
	}
	if _, err := OpenKey(join(text, []string{string(line)})); !errors.Is(err, ErrMalformed) {
		t.Errorf("OpenKey of a non-canonical signature encoding = %v, want ErrMalformed", err)
	}
}

func TestSignKeyChecksTheStatementAndTheKey(t *testing.T) {
	sk := signingKey("swift")
	valid := sampleKey(t, "k1", sk)
	tests := []struct {
		name string
		edit func(*Key)
	}{
		{"invalid courier id", func(k *Key) { k.Courier = "-swift" }},
		{"public key of 31 bytes", func(k *Key) { k.PublicKey = k.PublicKey[:31] }},
		{"public key the identity", func(k *Key) { k.PublicKey = make([]byte, 32) }},
		{"no not-before", func(k *Key) { k.NotBefore = time.Time{} }},
		{"not-before in fractions of a second", func(k *Key) { k.NotBefore = k.NotBefore.Add(time.Millisecond) }},
		{"empty window", func(k *Key) { k.NotAfter = k.NotBefore }},
		{"unknown mode", func(k *Key) { k.Mode = "" }},
		{"unknown factor", func(k *Key) { k.Factor = "phone" }},
		{"negative bucket bits", func(k *Key) { k.BucketBits = -1 }},
		{"too many bucket bits", func(k *Key) { k.BucketBits = crypto.MaxBucketBits + 1 }},
		{"no signing key", func(k *Key) { k.SigningKey = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := valid
			tt.edit(&k)
			if _, err := SignKey(k, sk); !errors.Is(err, ErrMalformed) {
				t.Errorf("SignKey = %v, want ErrMalformed", err)
			}
		})
	}
	t.Run("another private key", func(t *testing.T) {
		if _, err := SignKey(valid, signingKey("gateway")); err == nil {
			t.Error("SignKey signed with a key that is not the statement's signing-key")
		}
	})
	t.Run("times in another zone are written in UTC", func(t *testing.T) {
		k := valid
		k.NotBefore = k.NotBefore.In(time.FixedZone("CET", 3600))
		got, err := OpenKey(signedKey(t, k, sk))
		if err != nil || !got.NotBefore.Equal(valid.NotBefore) || got.NotBefore.Location() != time.UTC {
			t.Errorf("OpenKey = %v, %v; want not-before %v in UTC", got.NotBefore, err, valid.NotBefore)
		}
	})
}

func TestKeyLiveAtIsItsHalfOpenWindow(t *testing.T) {
	k := sampleKey(t, "k1", signingKey("swift"))
	for _, tt := range []struct {
		at   time.Time
		live bool
	}{
		{k.NotBefore.Add(-time.Second), false},
		{k.NotBefore, true},
		{k.NotAfter.Add(-time.Second), true},
		{k.NotAfter, false},
	} {
		if got := k.LiveAt(tt.at); got != tt.live {
			t.Errorf("LiveAt(%s) = %v, want %v", tt.at, got, tt.live)
		}
	}
}
