package crypto

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// Header names and the clock window of signed requests (§9).
const (
	HeaderKeyID     = "TG-Key-Id"
	HeaderTimestamp = "TG-Timestamp"
	HeaderSignature = "TG-Signature"
	SignatureWindow = 300 * time.Second
)

// SigningPayload builds the bytes a signed request signs:
//
//	"tg1-sig\n" ‖ METHOD ‖ "\n" ‖ PATH_AND_QUERY ‖ "\n" ‖ TIMESTAMP ‖ "\n" ‖ hex(SHA-256(body))
func SigningPayload(method, pathAndQuery, timestamp string, body []byte) []byte {
	sum := sha256.Sum256(body)
	p := make([]byte, 0, 8+len(method)+1+len(pathAndQuery)+1+len(timestamp)+1+64)
	p = append(p, "tg1-sig\n"...)
	p = append(p, method...)
	p = append(p, '\n')
	p = append(p, pathAndQuery...)
	p = append(p, '\n')
	p = append(p, timestamp...)
	p = append(p, '\n')
	return hex.AppendEncode(p, sum[:])
}

// SignRequest returns the TG-Timestamp and TG-Signature header values for
// a request made at now.
func SignRequest(sk ed25519.PrivateKey, method, pathAndQuery string, body []byte, now time.Time) (timestamp, signature string) {
	timestamp = strconv.FormatInt(now.Unix(), 10)
	sig := ed25519.Sign(sk, SigningPayload(method, pathAndQuery, timestamp, body))
	return timestamp, EncodeB64(sig)
}

// VerifyRequest checks a signed request's headers against pk at now. It
// returns ErrStaleTimestamp when the timestamp is more than 300 s away
// from now and ErrBadSignature for anything else that is wrong.
func VerifyRequest(pk ed25519.PublicKey, method, pathAndQuery, timestamp, signature string, body []byte, now time.Time) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || timestamp != strconv.FormatInt(ts, 10) {
		return fmt.Errorf("%w: timestamp %q is not unix seconds", ErrBadSignature, timestamp)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > SignatureWindow || d < -SignatureWindow {
		return fmt.Errorf("%w: %s away from this clock", ErrStaleTimestamp, d.Round(time.Second))
	}
	sig, err := DecodeB64(signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: signature is not %d bytes of base64url", ErrBadSignature, ed25519.SignatureSize)
	}
	if len(pk) != ed25519.PublicKeySize || !ed25519.Verify(pk, SigningPayload(method, pathAndQuery, timestamp, body), sig) {
		return ErrBadSignature
	}
	return nil
}
