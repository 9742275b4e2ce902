package crypto

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Fuzz targets for every decoder of data from another party. Run one with
// e.g. go test ./crypto -run X -fuzz FuzzValidateElement -fuzztime 30s.

func FuzzDecodeB64(f *testing.F) {
	for _, s := range []string{"", "AA", "AAA", "AAAA", "-_8", "AA==", "+/8", "AB", "A", "AA\n", "AA A"} {
		f.Add(s)
	}
	for _, c := range loadTG1Vectors(f).Cases {
		f.Add(c.OPRF.BlindedB64)
		f.Add(c.Request.SignatureB64)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeB64(s)
		if err != nil {
			if !errors.Is(err, ErrBadBase64) {
				t.Fatalf("DecodeB64(%q) error %v is not ErrBadBase64", s, err)
			}
		} else if enc := EncodeB64(b); enc != s {
			t.Fatalf("DecodeB64 accepted %q, but its bytes encode as %q: two encodings of one value", s, enc)
		}
		// Any byte string survives the round trip.
		back, err := DecodeB64(EncodeB64([]byte(s)))
		if err != nil || !bytes.Equal(back, []byte(s)) {
			t.Fatalf("round trip of %x gave %x, %v", s, back, err)
		}
	})
}

func FuzzValidateElement(f *testing.F) {
	for _, bad := range badElements(f) {
		f.Add(bad.in)
	}
	f.Add(mustHex(f, generatorHex))
	for _, c := range loadTG1Vectors(f).Cases {
		for _, s := range []string{c.OPRF.BlindedB64, c.OPRF.EvaluatedB64, c.Key.PublicKeyB64} {
			b, _ := DecodeB64(s)
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := ValidateElement(b)
		_, pkErr := ParsePublicKey(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidElement) {
				t.Fatalf("ValidateElement(%x) error %v is not ErrInvalidElement", b, err)
			}
			if pkErr == nil {
				t.Fatalf("ParsePublicKey accepted %x, which ValidateElement refuses", b)
			}
			return
		}
		e := suite.Group().NewElement()
		if err := e.UnmarshalBinary(b); err != nil {
			t.Fatalf("accepted %x does not decode: %v", b, err)
		}
		again, err := e.MarshalBinaryCompress()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("accepted %x re-encodes as %x", b, again)
		}
		if e.IsIdentity() {
			t.Fatalf("accepted the identity as %x", b)
		}
		if pkErr != nil {
			t.Fatalf("ParsePublicKey refuses %x, which ValidateElement accepts: %v", b, pkErr)
		}
	})
}

func FuzzParseBucket(f *testing.F) {
	f.Add("0", 0, uint32(0))
	f.Add("abc", 12, uint32(0xabc00000))
	f.Add("ffffff", 24, uint32(0xffffffff))
	f.Add("0abc", 16, uint32(1))
	f.Add("ABC", 12, uint32(2))
	f.Add("100000000", 24, uint32(3))
	f.Add("1", -1, uint32(4))
	f.Add("1", 64, uint32(5))
	f.Fuzz(func(t *testing.T, s string, bits int, locatorPrefix uint32) {
		v, err := ParseBucket(s, bits)
		if err != nil {
			if !errors.Is(err, ErrInvalidBucket) {
				t.Fatalf("ParseBucket(%q, %d) error %v is not ErrInvalidBucket", s, bits, err)
			}
		} else {
			if bits < 0 || bits > MaxBucketBits || uint64(v) >= uint64(1)<<bits {
				t.Fatalf("ParseBucket(%q, %d) = %d, outside the deployment", s, bits, v)
			}
			if FormatBucket(v) != s {
				t.Fatalf("ParseBucket accepted %q, which formats as %q", s, FormatBucket(v))
			}
		}
		// Every bucket a locator falls in parses back from its URL form.
		if CheckBucketBits(bits) == nil {
			locator := make([]byte, LocatorSize)
			locator[0], locator[1], locator[2], locator[3] = byte(locatorPrefix>>24), byte(locatorPrefix>>16), byte(locatorPrefix>>8), byte(locatorPrefix)
			b := Bucket(locator, bits)
			if back, err := ParseBucket(FormatBucket(b), bits); err != nil || back != b {
				t.Fatalf("bucket %d of bits %d: ParseBucket(%q) = %d, %v", b, bits, FormatBucket(b), back, err)
			}
		}
	})
}

func FuzzParseLocator(f *testing.F) {
	for _, c := range loadTG1Vectors(f).Cases {
		f.Add(c.Derived.LocatorB64)
		f.Add(c.Derived.LocatorB64 + "==")
		f.Add(c.Key.KidB64)
	}
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseLocator(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidLocator) {
				t.Fatalf("ParseLocator(%q) error %v is not ErrInvalidLocator", s, err)
			}
			return
		}
		if len(b) != LocatorSize || EncodeB64(b) != s {
			t.Fatalf("ParseLocator(%q) = %x", s, b)
		}
	})
}

var normalizedPattern = regexp.MustCompile(`^[A-Z0-9]{6,40}$`)

func FuzzNormalizeTrackingNumber(f *testing.F) {
	for _, s := range []string{"SE1234567890", "se 1234-5678.90", "AB123", strings.Repeat("A", 41), "\u212aP1234567890", "SE\t123456", "ß12345678"} {
		f.Add(s)
	}
	for _, c := range loadTG1Vectors(f).Cases {
		f.Add(c.Inputs.TrackingNumber)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tn, err := NormalizeTrackingNumber(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidTrackingNumber) || tn != "" {
				t.Fatalf("NormalizeTrackingNumber(%q) = %q, %v", s, tn, err)
			}
			return
		}
		if !normalizedPattern.MatchString(tn) {
			t.Fatalf("NormalizeTrackingNumber(%q) = %q, which does not match %s", s, tn, normalizedPattern)
		}
		if again, err := NormalizeTrackingNumber(tn); err != nil || again != tn {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, tn, again, err)
		}
		if strings.ToUpper(strings.NewReplacer(" ", "", "-", "", ".", "").Replace(s)) != tn {
			t.Fatalf("%q normalized to %q, not by upper-casing and removing separators", s, tn)
		}
	})
}

func FuzzSealedRecord(f *testing.F) {
	vectors := loadTG1Vectors(f)
	key := mustHex(f, vectors.Cases[0].Derived.RecordKeyHex)
	for _, c := range vectors.Cases {
		f.Add([]byte(c.Record.SealedJSON))
	}
	for _, s := range []string{`{}`, `null`, `[]`, `{"courier":1}`, `{"locator":"AA=="}`, `{"version":-1}`, `{"expires_at":"yesterday"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r SealedRecord
		if json.Unmarshal(data, &r) != nil {
			return
		}
		checkErr := r.Check()
		if checkErr != nil && !errors.Is(checkErr, ErrInvalidRecord) {
			t.Fatalf("Check error %v is not ErrInvalidRecord", checkErr)
		}
		view, err := Open(key, &r)
		switch {
		case checkErr != nil && !errors.Is(err, ErrInvalidRecord):
			t.Fatalf("Open of a record failing Check: %v, want ErrInvalidRecord", err)
		case checkErr == nil && err != nil && !errors.Is(err, ErrOpenRecord):
			t.Fatalf("Open of a well-formed record: %v, want nil or ErrOpenRecord", err)
		case err == nil && len(view) > len(r.Ciphertext)-TagSize:
			t.Fatalf("Open returned %d bytes from %d bytes of ciphertext", len(view), len(r.Ciphertext))
		}
		if checkErr != nil {
			return
		}
		// A well-formed record survives re-encoding unchanged.
		raw, err := json.Marshal(&r)
		if err != nil {
			t.Fatalf("marshal a checked record: %v", err)
		}
		var back SealedRecord
		if err := json.Unmarshal(raw, &back); err != nil || back.Check() != nil {
			t.Fatalf("re-encoded record %s does not decode and check: %v", raw, err)
		}
		if back.Courier != r.Courier || back.Version != r.Version || !back.ExpiresAt.Equal(r.ExpiresAt) ||
			!bytes.Equal(back.Locator, r.Locator) || !bytes.Equal(back.KeyID, r.KeyID) ||
			!bytes.Equal(back.Nonce, r.Nonce) || !bytes.Equal(back.Ciphertext, r.Ciphertext) {
			t.Fatalf("record changed in a JSON round trip: %s", raw)
		}
	})
}

func FuzzVerifyRequest(f *testing.F) {
	c := loadTG1Vectors(f).Cases[0]
	pk := ed25519.PublicKey(mustHex(f, c.Request.Ed25519PublicHex))
	req := c.Request
	f.Add(req.Method, req.Audience, req.PathAndQuery, req.Timestamp, req.Nonce, req.KeyID, req.SignatureB64, []byte(req.Body), c.Inputs.SignedAtUnix)
	f.Add(req.Method, req.Audience, req.PathAndQuery, req.Timestamp, req.Nonce, req.KeyID, req.SignatureB64, []byte(req.Body), c.Inputs.SignedAtUnix+301)
	f.Add(req.Method, "gateway-2", req.PathAndQuery, req.Timestamp, req.Nonce, req.KeyID, req.SignatureB64, []byte(req.Body), c.Inputs.SignedAtUnix)
	f.Add("GET", "sim-east", "/tg1/keys", "abc", "", "gateway", "", []byte(nil), int64(0))
	f.Add("GET", "sim-east", "/tg1/keys", "9223372036854775807", "AAAA", "gateway", req.SignatureB64, []byte(nil), int64(-1))
	f.Fuzz(func(t *testing.T, method, audience, path, ts, nonce, keyID, sig string, body []byte, nowUnix int64) {
		r := SignedRequest{Method: method, Audience: audience, PathAndQuery: path, Timestamp: ts, Nonce: nonce, KeyID: keyID, Body: body}
		err := VerifyRequest(pk, r, sig, time.Unix(nowUnix, 0))
		switch {
		case err == nil:
			// Only the genuine request may pass, and only near its time.
			if method != req.Method || audience != req.Audience || path != req.PathAndQuery || ts != req.Timestamp ||
				nonce != req.Nonce || keyID != req.KeyID || string(body) != req.Body {
				t.Fatalf("accepted a request that was never signed: %+v", r)
			}
			if d := nowUnix - c.Inputs.SignedAtUnix; d > 300 || d < -300 {
				t.Fatalf("accepted a signature %d s away from the clock", d)
			}
		case !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrStaleTimestamp):
			t.Fatalf("VerifyRequest error %v is neither ErrBadSignature nor ErrStaleTimestamp", err)
		}
	})
}

func FuzzVerifyAnswer(f *testing.F) {
	pk, sk := testSigningKey(f, 9)
	const courier, nonce = "sim-east", "BwcHBwcHBwcHBwcHBwcHBw"
	body := []byte(`{"keys":[]}`)
	sig := SignAnswer(sk, courier, 200, nonce, body)
	f.Add(courier, 200, nonce, body, sig)
	f.Add(courier, 1200, nonce, body, sig)
	f.Add(courier, -200, nonce, body, sig)
	f.Add("", 0, "", []byte(nil), "")
	f.Fuzz(func(t *testing.T, c string, status int, n string, b []byte, s string) {
		err := VerifyAnswer(pk, c, status, n, b, s)
		switch {
		case err == nil:
			if c != courier || status != 200 || n != nonce || !bytes.Equal(b, body) {
				t.Fatalf("accepted an answer that was never signed: %q %d %q %q", c, status, n, b)
			}
		case !errors.Is(err, ErrBadSignature):
			t.Fatalf("VerifyAnswer error %v is not ErrBadSignature", err)
		}
	})
}

func FuzzParsePublicKey(f *testing.F) {
	for _, bad := range badElements(f) {
		f.Add(bad.in)
	}
	for _, c := range loadTG1Vectors(f).Cases {
		pk, _ := DecodeB64(c.Key.PublicKeyB64)
		f.Add(pk)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ParsePublicKey(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("ParsePublicKey(%x) error %v is not ErrInvalidKey", b, err)
			}
			return
		}
		if !bytes.Equal(k.Bytes(), b) || k.KeyID() != KeyID(b) {
			t.Fatalf("ParsePublicKey(%x) gives bytes %x, kid %s", b, k.Bytes(), k.KeyID())
		}
	})
}

func FuzzParsePrivateKey(f *testing.F) {
	for _, c := range loadTG1Vectors(f).Cases {
		f.Add(mustHex(f, c.Key.PrivateKeyHex))
	}
	f.Add(make([]byte, 32))
	f.Add(bytes.Repeat([]byte{0xff}, 32))
	f.Add(mustHex(f, "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010"))
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ParsePrivateKey(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("ParsePrivateKey(%x) error %v is not ErrInvalidKey", b, err)
			}
			return
		}
		if !bytes.Equal(k.Bytes(), b) {
			t.Fatalf("ParsePrivateKey(%x) re-encodes as %x", b, k.Bytes())
		}
		if err := ValidateElement(k.Public().Bytes()); err != nil {
			t.Fatalf("public key of %x: %v", b, err)
		}
	})
}
