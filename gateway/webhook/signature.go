// Package webhook is the wire of trackgate's webhooks (docs/protocol.md
// §10): the signature the gateway puts on each delivery and a receiver
// checks, and the HTTP client that makes deliveries safely.
//
//   - signature.go: Sign, with the subscription's secrets, and Verify,
//     which a receiver calls before it trusts a body.
//   - callback.go: Policy and CheckURL, what a subscription's callback URL
//     may be (https, a public address) when it is created.
//   - address.go: PublicAddress, the addresses a callback may reach.
//   - client.go: Client, which posts deliveries and checks every address
//     again as it connects (DNS rebinding), follows no redirect, takes no
//     proxy from the environment and reads little of an answer; Failure
//     names why an attempt failed.
//
// The signature header is
//
//	TG-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t "." body)>[,v1=…]
//
// with one v1 per secret valid at the time: two during a secret's
// rollover, so a receiver may switch to the new secret whenever it likes.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader names the header carrying a delivery's signature.
const SignatureHeader = "TG-Webhook-Signature"

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock before Verify refuses it as a replay.
const DefaultTolerance = 5 * time.Minute

// Secrets are 32 to 128 printable ASCII characters (no spaces), chosen by
// the subscriber; MinSecretLength is the shortest accepted.
const (
	MinSecretLength = 32
	MaxSecretLength = 128
)

// Errors of Verify, to be checked with errors.Is.
var (
	ErrNoSignature = errors.New("webhook: no valid v1 signature in the header")
	ErrMalformed   = errors.New("webhook: malformed signature header")
	ErrTooOld      = errors.New("webhook: signature timestamp outside the tolerance")
	ErrMismatch    = errors.New("webhook: no signature matches the secrets")
	ErrBadSecret   = errors.New("webhook: a secret must be 32 to 128 printable ASCII characters without spaces")
)

// CheckSecret reports whether s can be a subscription's secret.
func CheckSecret(s string) error {
	if len(s) < MinSecretLength || len(s) > MaxSecretLength {
		return ErrBadSecret
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return ErrBadSecret
		}
	}
	return nil
}

// Sign returns the header value for body at t under each secret (the
// current one first).
func Sign(t time.Time, body []byte, secrets ...string) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	var b strings.Builder
	b.WriteString("t=" + ts)
	for _, s := range secrets {
		b.WriteString(",v1=" + hex.EncodeToString(mac(s, ts, body)))
	}
	return b.String()
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a TG-Webhook-Signature header against body: its
// timestamp within tolerance of now, and a v1 signature made with one of
// the secrets (give two during a rollover). Unknown schemes (v2=…) are
// ignored, so the gateway may add one without breaking receivers.
func Verify(header string, body []byte, now time.Time, tolerance time.Duration, secrets ...string) error {
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return fmt.Errorf("%w: %q", ErrMalformed, part)
		}
		switch k {
		case "t":
			if ts != "" {
				return fmt.Errorf("%w: two timestamps", ErrMalformed)
			}
			ts = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) != sha256.Size {
				return fmt.Errorf("%w: a v1 signature is not 64 hex digits", ErrMalformed)
			}
			sigs = append(sigs, sig)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: no numeric t=", ErrMalformed)
	}
	if len(sigs) == 0 {
		return ErrNoSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: %s off", ErrTooOld, d.Round(time.Second))
	}
	for _, s := range secrets {
		want := mac(s, ts, body)
		for _, sig := range sigs {
			if hmac.Equal(sig, want) {
				return nil
			}
		}
	}
	return ErrMismatch
}
