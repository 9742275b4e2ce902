package crypto

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Header names, sizes and windows of signed requests and signed answers
// (docs/protocol.md §8, §9).
const (
	HeaderKeyID     = "TG-Key-Id"
	HeaderTimestamp = "TG-Timestamp"
	HeaderNonce     = "TG-Nonce"
	// HeaderSignature carries the request's signature on a request and
	// the answer's signature on a courier host's answer.
	HeaderSignature = "TG-Signature"
	SignatureWindow = 300 * time.Second
	// RequestNonceSize is the size of a TG-Nonce in bytes; ReplayWindow is how
	// long a receiver remembers a (key id, nonce) pair. It is twice
	// SignatureWindow, so a request is remembered for as long as its
	// timestamp could be accepted from either side of the clock.
	RequestNonceSize = 16
	ReplayWindow     = 600 * time.Second
)

// SignedRequest is what a request signature covers (§9). Method,
// Audience (the receiver's id: a courier id, or the gateway's id),
// PathAndQuery, KeyID and Body describe the request; Timestamp and Nonce
// are set by SignRequest and travel in TG-Timestamp and TG-Nonce.
type SignedRequest struct {
	Method       string
	Audience     string
	PathAndQuery string
	Timestamp    string
	Nonce        string
	KeyID        string
	Body         []byte
}

// SigningPayload builds the bytes a signed request signs:
//
//	"tg1-sig-r2\n" ‖ METHOD ‖ "\n" ‖ AUDIENCE ‖ "\n" ‖ PATH_AND_QUERY ‖ "\n"
//	‖ TIMESTAMP ‖ "\n" ‖ NONCE ‖ "\n" ‖ KEY_ID ‖ "\n" ‖ hex(SHA-256(body))
func SigningPayload(r SignedRequest) []byte {
	sum := sha256.Sum256(r.Body)
	p := make([]byte, 0, 11+len(r.Method)+len(r.Audience)+len(r.PathAndQuery)+len(r.Timestamp)+len(r.Nonce)+len(r.KeyID)+5+64)
	p = append(p, "tg1-sig-r2\n"...)
	for _, field := range []string{r.Method, r.Audience, r.PathAndQuery, r.Timestamp, r.Nonce, r.KeyID} {
		p = append(p, field...)
		p = append(p, '\n')
	}
	return hex.AppendEncode(p, sum[:])
}

// SignRequest sets r's Timestamp from now and its Nonce from RequestNonceSize
// bytes of random, and returns the TG-Signature value.
func SignRequest(sk ed25519.PrivateKey, r *SignedRequest, now time.Time, random io.Reader) (string, error) {
	nonce := make([]byte, RequestNonceSize)
	if _, err := io.ReadFull(random, nonce); err != nil {
		return "", fmt.Errorf("request nonce: %w", err)
	}
	r.Timestamp = strconv.FormatInt(now.Unix(), 10)
	r.Nonce = EncodeB64(nonce)
	return EncodeB64(ed25519.Sign(sk, SigningPayload(*r))), nil
}

// VerifyRequest checks a signed request's signature against pk at now.
// It returns ErrStaleTimestamp when the timestamp is more than 300 s away
// from now and ErrBadSignature for anything else that is wrong, a nonce
// that is not RequestNonceSize bytes of b64 among it. Whether the nonce was seen
// before is the receiver's to check.
func VerifyRequest(pk ed25519.PublicKey, r SignedRequest, signature string, now time.Time) error {
	ts, err := strconv.ParseInt(r.Timestamp, 10, 64)
	if err != nil || r.Timestamp != strconv.FormatInt(ts, 10) {
		return fmt.Errorf("%w: timestamp %q is not unix seconds", ErrBadSignature, r.Timestamp)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > SignatureWindow || d < -SignatureWindow {
		return fmt.Errorf("%w: %s away from this clock", ErrStaleTimestamp, d.Round(time.Second))
	}
	if nonce, err := DecodeB64(r.Nonce); err != nil || len(nonce) != RequestNonceSize {
		return fmt.Errorf("%w: nonce is not %d bytes of base64url", ErrBadSignature, RequestNonceSize)
	}
	return verifyEd25519(pk, SigningPayload(r), signature)
}

// AnswerPayload builds the bytes a courier host signs over its answer to
// a /tg1 request (§8):
//
//	"tg1-answer-r2\n" ‖ courier ‖ "\n" ‖ STATUS (3 digits) ‖ "\n" ‖ request nonce ‖ "\n" ‖ hex(SHA-256(body))
//
// The request's nonce binds the answer to the one request it answers.
func AnswerPayload(courier string, status int, requestNonce string, body []byte) []byte {
	sum := sha256.Sum256(body)
	p := make([]byte, 0, 14+len(courier)+1+3+1+len(requestNonce)+1+64)
	p = append(p, "tg1-answer-r2\n"...)
	p = append(p, courier...)
	p = append(p, '\n')
	p = fmt.Appendf(p, "%03d\n", status)
	p = append(p, requestNonce...)
	p = append(p, '\n')
	return hex.AppendEncode(p, sum[:])
}

// SignAnswer returns the TG-Signature value of a courier host's answer.
func SignAnswer(sk ed25519.PrivateKey, courier string, status int, requestNonce string, body []byte) string {
	return EncodeB64(ed25519.Sign(sk, AnswerPayload(courier, status, requestNonce, body)))
}

// VerifyAnswer checks the TG-Signature of a courier host's answer against
// the courier's signing key pk; anything wrong is ErrBadSignature.
func VerifyAnswer(pk ed25519.PublicKey, courier string, status int, requestNonce string, body []byte, signature string) error {
	if status < 100 || status > 999 {
		return fmt.Errorf("%w: status %d is not three digits", ErrBadSignature, status)
	}
	return verifyEd25519(pk, AnswerPayload(courier, status, requestNonce, body), signature)
}

func verifyEd25519(pk ed25519.PublicKey, payload []byte, signature string) error {
	sig, err := DecodeB64(signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: signature is not %d bytes of base64url", ErrBadSignature, ed25519.SignatureSize)
	}
	if len(pk) != ed25519.PublicKeySize || !ed25519.Verify(pk, payload, sig) {
		return ErrBadSignature
	}
	return nil
}
