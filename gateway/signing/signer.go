package signing

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// Signer signs outgoing requests under one registered key id.
type Signer struct {
	KeyID string
	Key   ed25519.PrivateKey
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// ErrNoSigningKey is returned by Sign when the signer has no key id or no
// Ed25519 private key.
var ErrNoSigningKey = errors.New("signer has no key")

// Sign adds the §9 headers to req, whose body is body (nil for none).
// The path and query signed are those the receiver will see:
// req.URL.RequestURI().
func (s *Signer) Sign(req *http.Request, body []byte) error {
	if s == nil || len(s.Key) != ed25519.PrivateKeySize || s.KeyID == "" {
		// Not the path: it may carry a locator, and errors end up in logs.
		return fmt.Errorf("sign %s request: %w", req.Method, ErrNoSigningKey)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	ts, sig := crypto.SignRequest(s.Key, req.Method, req.URL.RequestURI(), body, now())
	req.Header.Set(crypto.HeaderKeyID, s.KeyID)
	req.Header.Set(crypto.HeaderTimestamp, ts)
	req.Header.Set(crypto.HeaderSignature, sig)
	return nil
}
