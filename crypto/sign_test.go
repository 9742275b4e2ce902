package crypto

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strconv"
	"testing"
	"time"
)

var signedAt = time.Unix(1893456000, 0)

func testSigningKey(t testing.TB, seedByte byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	sk := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seedByte}, ed25519.SeedSize))
	return sk.Public().(ed25519.PublicKey), sk
}

func TestSigningPayloadLayout(t *testing.T) {
	got := string(SigningPayload("PUT", "/v1/couriers/sim-east/records?x=1", "1893456000", []byte("{}")))
	// SHA-256("{}") = 44136fa3...
	want := "tg1-sig\nPUT\n/v1/couriers/sim-east/records?x=1\n1893456000\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
	if got != want {
		t.Errorf("SigningPayload = %q, want %q", got, want)
	}
	empty := string(SigningPayload("GET", "/tg1/keys", "1", nil))
	if want := "tg1-sig\nGET\n/tg1/keys\n1\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; empty != want {
		t.Errorf("SigningPayload(empty body) = %q, want %q", empty, want)
	}
}

func TestVerifyRequest(t *testing.T) {
	pk, sk := testSigningKey(t, 1)
	otherPK, _ := testSigningKey(t, 2)
	const method, path = "PUT", "/v1/couriers/sim-east/records"
	body := []byte(`{"records":[]}`)
	ts, sig := SignRequest(sk, method, path, body, signedAt)
	if ts != "1893456000" {
		t.Fatalf("timestamp %q, want unix seconds 1893456000", ts)
	}
	sigBytes, err := DecodeB64(sig)
	if err != nil || len(sigBytes) != ed25519.SignatureSize {
		t.Fatalf("signature %q is not b64 of %d bytes", sig, ed25519.SignatureSize)
	}
	flipped := append([]byte(nil), sigBytes...)
	flipped[10] ^= 1
	unix := signedAt.Unix()

	tests := []struct {
		name             string
		pk               ed25519.PublicKey
		method, path, ts string
		sig              string
		body             []byte
		now              time.Time
		want             error
	}{
		{"genuine", pk, method, path, ts, sig, body, signedAt, nil},
		{"receiver 299 s ahead", pk, method, path, ts, sig, body, signedAt.Add(299 * time.Second), nil},
		{"receiver 299 s behind", pk, method, path, ts, sig, body, signedAt.Add(-299 * time.Second), nil},
		{"receiver 300 s ahead", pk, method, path, ts, sig, body, signedAt.Add(300 * time.Second), nil},
		{"receiver 300 s behind", pk, method, path, ts, sig, body, signedAt.Add(-300 * time.Second), nil},
		{"receiver 301 s ahead", pk, method, path, ts, sig, body, signedAt.Add(301 * time.Second), ErrStaleTimestamp},
		{"receiver 301 s behind", pk, method, path, ts, sig, body, signedAt.Add(-301 * time.Second), ErrStaleTimestamp},
		{"a day late", pk, method, path, ts, sig, body, signedAt.Add(24 * time.Hour), ErrStaleTimestamp},
		{"wrong key", otherPK, method, path, ts, sig, body, signedAt, ErrBadSignature},
		{"short key", pk[:31], method, path, ts, sig, body, signedAt, ErrBadSignature},
		{"no key", nil, method, path, ts, sig, body, signedAt, ErrBadSignature},
		{"signature bit flipped", pk, method, path, ts, EncodeB64(flipped), body, signedAt, ErrBadSignature},
		{"signature truncated", pk, method, path, ts, EncodeB64(sigBytes[:63]), body, signedAt, ErrBadSignature},
		{"signature padded", pk, method, path, ts, sig + "==", body, signedAt, ErrBadSignature},
		{"signature in standard base64", pk, method, path, ts, "+" + sig[1:], body, signedAt, ErrBadSignature},
		{"empty signature", pk, method, path, ts, "", body, signedAt, ErrBadSignature},
		{"other method", pk, "POST", path, ts, sig, body, signedAt, ErrBadSignature},
		{"lower-case method", pk, "put", path, ts, sig, body, signedAt, ErrBadSignature},
		{"other path", pk, method, "/v1/couriers/sim-west/records", ts, sig, body, signedAt, ErrBadSignature},
		{"query added", pk, method, path + "?a=1", ts, sig, body, signedAt, ErrBadSignature},
		{"other body", pk, method, path, ts, sig, []byte(`{"records":[1]}`), signedAt, ErrBadSignature},
		{"empty body", pk, method, path, ts, sig, nil, signedAt, ErrBadSignature},
		{"timestamp changed by 1 s", pk, method, path, strconv.FormatInt(unix+1, 10), sig, body, signedAt, ErrBadSignature},
		{"non-numeric timestamp", pk, method, path, "yesterday", sig, body, signedAt, ErrBadSignature},
		{"empty timestamp", pk, method, path, "", sig, body, signedAt, ErrBadSignature},
		{"timestamp with leading zero", pk, method, path, "0" + ts, sig, body, signedAt, ErrBadSignature},
		{"timestamp with plus sign", pk, method, path, "+" + ts, sig, body, signedAt, ErrBadSignature},
		{"timestamp with space", pk, method, path, ts + " ", sig, body, signedAt, ErrBadSignature},
		{"timestamp in milliseconds", pk, method, path, ts + "000", sig, body, signedAt, ErrStaleTimestamp},
		{"timestamp as RFC 3339", pk, method, path, signedAt.UTC().Format(time.RFC3339), sig, body, signedAt, ErrBadSignature},
		{"timestamp overflowing int64", pk, method, path, "99999999999999999999", sig, body, signedAt, ErrBadSignature},
		{"largest int64 timestamp", pk, method, path, "9223372036854775807", sig, body, signedAt, ErrStaleTimestamp},
		{"smallest int64 timestamp", pk, method, path, "-9223372036854775808", sig, body, signedAt, ErrStaleTimestamp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyRequest(tt.pk, tt.method, tt.path, tt.ts, tt.sig, tt.body, tt.now)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("VerifyRequest = %v, want %v", err, tt.want)
			}
		})
	}
}
