package signing

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// Signer signs outgoing requests under one registered key id, for one
// receiver.
type Signer struct {
	KeyID string
	Key   ed25519.PrivateKey
	// Audience is the receiver's id (docs/protocol.md §9): the courier id
	// for a request to a courier host, the gateway's id for a publish.
	Audience string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand supplies nonces; nil means crypto/rand.
	Rand io.Reader
}

// ErrNoSigningKey is returned by Sign when the signer has no key id, no
// Ed25519 private key or no audience.
var ErrNoSigningKey = errors.New("signer has no key")

// Sign adds the §9 headers to req, whose body is body (nil for none).
// The path and query signed are those the receiver will see:
// req.URL.RequestURI(). Sign sets a fresh TG-Nonce every time, so a
// retried request is a new one.
func (s *Signer) Sign(req *http.Request, body []byte) error {
	if s == nil || len(s.Key) != ed25519.PrivateKeySize || s.KeyID == "" || s.Audience == "" {
		// Not the path: it may carry a locator, and errors end up in logs.
		return fmt.Errorf("sign %s request: %w", req.Method, ErrNoSigningKey)
	}
	now, random := time.Now, s.Rand
	if s.Now != nil {
		now = s.Now
	}
	if random == nil {
		random = rand.Reader
	}
	r := crypto.SignedRequest{Method: req.Method, Audience: s.Audience, PathAndQuery: req.URL.RequestURI(), KeyID: s.KeyID, Body: body}
	sig, err := crypto.SignRequest(s.Key, &r, now(), random)
	if err != nil {
		return fmt.Errorf("sign %s request: %w", req.Method, err)
	}
	req.Header.Set(crypto.HeaderKeyID, s.KeyID)
	req.Header.Set(crypto.HeaderTimestamp, r.Timestamp)
	req.Header.Set(crypto.HeaderNonce, r.Nonce)
	req.Header.Set(crypto.HeaderSignature, sig)
	return nil
}

// For returns a copy of s that signs for audience.
func (s *Signer) For(audience string) *Signer {
	c := *s
	c.Audience = audience
	return &c
}
