package crypto

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
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
	got := string(SigningPayload(SignedRequest{
		Method: "PUT", Audience: "gateway", PathAndQuery: "/v1/couriers/sim-east/records?x=1",
		Timestamp: "1893456000", Nonce: "AAAAAAAAAAAAAAAAAAAAAA", KeyID: "sim-east", Body: []byte("{}"),
	}))
	// SHA-256("{}") = 44136fa3...
	want := "tg1-sig-r2\nPUT\ngateway\n/v1/couriers/sim-east/records?x=1\n1893456000\nAAAAAAAAAAAAAAAAAAAAAA\nsim-east\n" +
		"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
	if got != want {
		t.Errorf("SigningPayload = %q, want %q", got, want)
	}
	empty := string(SigningPayload(SignedRequest{Method: "GET", Audience: "sim-east", PathAndQuery: "/tg1/keys", Timestamp: "1", Nonce: "n", KeyID: "gateway"}))
	if want := "tg1-sig-r2\nGET\nsim-east\n/tg1/keys\n1\nn\ngateway\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; empty != want {
		t.Errorf("SigningPayload(empty body) = %q, want %q", empty, want)
	}
}

func TestSignRequestDrawsAFreshNonce(t *testing.T) {
	_, sk := testSigningKey(t, 1)
	seen := map[string]bool{}
	for range 3 {
		r := SignedRequest{Method: "GET", Audience: "sim-east", PathAndQuery: "/tg1/keys", KeyID: "gateway"}
		if _, err := SignRequest(sk, &r, signedAt, rand.Reader); err != nil {
			t.Fatal(err)
		}
		if n, err := DecodeB64(r.Nonce); err != nil || len(n) != RequestNonceSize {
			t.Fatalf("nonce %q is not b64 of %d bytes", r.Nonce, RequestNonceSize)
		}
		if seen[r.Nonce] {
			t.Fatalf("nonce %q drawn twice", r.Nonce)
		}
		seen[r.Nonce] = true
	}
	r := SignedRequest{Method: "GET"}
	if _, err := SignRequest(sk, &r, signedAt, bytes.NewReader(make([]byte, RequestNonceSize-1))); err == nil {
		t.Error("signed with a nonce source that ran dry")
	}
}

func TestVerifyRequest(t *testing.T) {
	pk, sk := testSigningKey(t, 1)
	otherPK, _ := testSigningKey(t, 2)
	genuine := SignedRequest{Method: "PUT", Audience: "gateway", PathAndQuery: "/v1/couriers/sim-east/records",
		KeyID: "sim-east", Body: []byte(`{"records":[]}`)}
	sig, err := SignRequest(sk, &genuine, signedAt, bytes.NewReader(bytes.Repeat([]byte{7}, RequestNonceSize)))
	if err != nil {
		t.Fatal(err)
	}
	if genuine.Timestamp != "1893456000" || genuine.Nonce != "BwcHBwcHBwcHBwcHBwcHBw" {
		t.Fatalf("timestamp %q nonce %q, want unix seconds 1893456000 and b64 of the 16 bytes read", genuine.Timestamp, genuine.Nonce)
	}
	sigBytes, err := DecodeB64(sig)
	if err != nil || len(sigBytes) != ed25519.SignatureSize {
		t.Fatalf("signature %q is not b64 of %d bytes", sig, ed25519.SignatureSize)
	}
	flipped := append([]byte(nil), sigBytes...)
	flipped[10] ^= 1
	ts := genuine.Timestamp
	unix := signedAt.Unix()

	tests := []struct {
		name   string
		pk     ed25519.PublicKey
		change func(r *SignedRequest)
		sig    string
		now    time.Time
		want   error
	}{
		{"genuine", pk, nil, sig, signedAt, nil},
		{"receiver 300 s ahead", pk, nil, sig, signedAt.Add(300 * time.Second), nil},
		{"receiver 300 s behind", pk, nil, sig, signedAt.Add(-300 * time.Second), nil},
		{"receiver 301 s ahead", pk, nil, sig, signedAt.Add(301 * time.Second), ErrStaleTimestamp},
		{"receiver 301 s behind", pk, nil, sig, signedAt.Add(-301 * time.Second), ErrStaleTimestamp},
		{"a day late", pk, nil, sig, signedAt.Add(24 * time.Hour), ErrStaleTimestamp},
		{"wrong key", otherPK, nil, sig, signedAt, ErrBadSignature},
		{"short key", pk[:31], nil, sig, signedAt, ErrBadSignature},
		{"no key", nil, nil, sig, signedAt, ErrBadSignature},
		{"signature bit flipped", pk, nil, EncodeB64(flipped), signedAt, ErrBadSignature},
		{"signature truncated", pk, nil, EncodeB64(sigBytes[:63]), signedAt, ErrBadSignature},
		{"signature padded", pk, nil, sig + "==", signedAt, ErrBadSignature},
		{"signature in standard base64", pk, nil, "+" + sig[1:], signedAt, ErrBadSignature},
		{"empty signature", pk, nil, "", signedAt, ErrBadSignature},
		{"other method", pk, func(r *SignedRequest) { r.Method = "POST" }, sig, signedAt, ErrBadSignature},
		{"lower-case method", pk, func(r *SignedRequest) { r.Method = "put" }, sig, signedAt, ErrBadSignature},
		{"other audience", pk, func(r *SignedRequest) { r.Audience = "gateway-2" }, sig, signedAt, ErrBadSignature},
		{"no audience", pk, func(r *SignedRequest) { r.Audience = "" }, sig, signedAt, ErrBadSignature},
		{"other path", pk, func(r *SignedRequest) { r.PathAndQuery = "/v1/couriers/sim-west/records" }, sig, signedAt, ErrBadSignature},
		{"query added", pk, func(r *SignedRequest) { r.PathAndQuery += "?a=1" }, sig, signedAt, ErrBadSignature},
		{"other key id", pk, func(r *SignedRequest) { r.KeyID = "sim-west" }, sig, signedAt, ErrBadSignature},
		{"other nonce", pk, func(r *SignedRequest) { r.Nonce = "CAcHBwcHBwcHBwcHBwcHBw" }, sig, signedAt, ErrBadSignature},
		{"nonce of 15 bytes", pk, func(r *SignedRequest) { r.Nonce = EncodeB64(make([]byte, 15)) }, sig, signedAt, ErrBadSignature},
		{"nonce of 17 bytes", pk, func(r *SignedRequest) { r.Nonce = EncodeB64(make([]byte, 17)) }, sig, signedAt, ErrBadSignature},
		{"nonce padded", pk, func(r *SignedRequest) { r.Nonce += "==" }, sig, signedAt, ErrBadSignature},
		{"no nonce", pk, func(r *SignedRequest) { r.Nonce = "" }, sig, signedAt, ErrBadSignature},
		{"other body", pk, func(r *SignedRequest) { r.Body = []byte(`{"records":[1]}`) }, sig, signedAt, ErrBadSignature},
		{"empty body", pk, func(r *SignedRequest) { r.Body = nil }, sig, signedAt, ErrBadSignature},
		{"timestamp changed by 1 s", pk, func(r *SignedRequest) { r.Timestamp = strconv.FormatInt(unix+1, 10) }, sig, signedAt, ErrBadSignature},
		{"non-numeric timestamp", pk, func(r *SignedRequest) { r.Timestamp = "yesterday" }, sig, signedAt, ErrBadSignature},
		{"empty timestamp", pk, func(r *SignedRequest) { r.Timestamp = "" }, sig, signedAt, ErrBadSignature},
		{"timestamp with leading zero", pk, func(r *SignedRequest) { r.Timestamp = "0" + ts }, sig, signedAt, ErrBadSignature},
		{"timestamp with plus sign", pk, func(r *SignedRequest) { r.Timestamp = "+" + ts }, sig, signedAt, ErrBadSignature},
		{"timestamp with space", pk, func(r *SignedRequest) { r.Timestamp = ts + " " }, sig, signedAt, ErrBadSignature},
		{"timestamp in milliseconds", pk, func(r *SignedRequest) { r.Timestamp = ts + "000" }, sig, signedAt, ErrStaleTimestamp},
		{"timestamp as RFC 3339", pk, func(r *SignedRequest) { r.Timestamp = signedAt.UTC().Format(time.RFC3339) }, sig, signedAt, ErrBadSignature},
		{"timestamp overflowing int64", pk, func(r *SignedRequest) { r.Timestamp = "99999999999999999999" }, sig, signedAt, ErrBadSignature},
		{"largest int64 timestamp", pk, func(r *SignedRequest) { r.Timestamp = "9223372036854775807" }, sig, signedAt, ErrStaleTimestamp},
		{"smallest int64 timestamp", pk, func(r *SignedRequest) { r.Timestamp = "-9223372036854775808" }, sig, signedAt, ErrStaleTimestamp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := genuine
			if tt.change != nil {
				tt.change(&r)
			}
			err := VerifyRequest(tt.pk, r, tt.sig, tt.now)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("VerifyRequest = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestAnswerPayloadLayout(t *testing.T) {
	got := string(AnswerPayload("sim-east", 200, "BwcHBwcHBwcHBwcHBwcHBw", []byte("{}")))
	want := "tg1-answer-r2\nsim-east\n200\nBwcHBwcHBwcHBwcHBwcHBw\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
	if got != want {
		t.Errorf("AnswerPayload = %q, want %q", got, want)
	}
}

func TestVerifyAnswer(t *testing.T) {
	pk, sk := testSigningKey(t, 3)
	otherPK, _ := testSigningKey(t, 4)
	const courier, nonce = "sim-east", "BwcHBwcHBwcHBwcHBwcHBw"
	body := []byte(`{"keys":[]}`)
	sig := SignAnswer(sk, courier, 200, nonce, body)
	tests := []struct {
		name    string
		pk      ed25519.PublicKey
		courier string
		status  int
		nonce   string
		body    []byte
		sig     string
		want    error
	}{
		{"genuine", pk, courier, 200, nonce, body, sig, nil},
		{"another courier's key", otherPK, courier, 200, nonce, body, sig, ErrBadSignature},
		{"other courier", pk, "sim-west", 200, nonce, body, sig, ErrBadSignature},
		{"other status", pk, courier, 404, nonce, body, sig, ErrBadSignature},
		{"status of four digits", pk, courier, 1200, nonce, body, sig, ErrBadSignature},
		{"status of two digits", pk, courier, 20, nonce, body, sig, ErrBadSignature},
		{"another request's nonce", pk, courier, 200, "CAcHBwcHBwcHBwcHBwcHBw", body, sig, ErrBadSignature},
		{"other body", pk, courier, 200, nonce, []byte(`{"keys":[{}]}`), sig, ErrBadSignature},
		{"no signature", pk, courier, 200, nonce, body, "", ErrBadSignature},
		{"signature padded", pk, courier, 200, nonce, body, sig + "==", ErrBadSignature},
		{"a request signature's bytes", pk, courier, 200, nonce, body, EncodeB64(make([]byte, 64)), ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyAnswer(tt.pk, tt.courier, tt.status, tt.nonce, tt.body, tt.sig)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("VerifyAnswer = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestAnswerAndRequestSignaturesDoNotMix: a request signature never
// passes as an answer signature over the same bytes, and back, because
// their payloads start with different context strings.
func TestAnswerAndRequestSignaturesDoNotMix(t *testing.T) {
	pk, sk := testSigningKey(t, 5)
	r := SignedRequest{Method: "GET", Audience: "gateway", PathAndQuery: "/", KeyID: "sim-east"}
	sig, err := SignRequest(sk, &r, signedAt, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if VerifyAnswer(pk, "sim-east", 200, r.Nonce, nil, sig) == nil {
		t.Error("a request signature verified as an answer signature")
	}
	answer := SignAnswer(sk, "sim-east", 200, r.Nonce, nil)
	if VerifyRequest(pk, r, answer, signedAt) == nil {
		t.Error("an answer signature verified as a request signature")
	}
}
