package signing

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/problem"
)

func (v *Verifier) logger() *slog.Logger {
	if v.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return v.Logger
}

// KeyIDContextKey is the gin context key under which Require stores the
// verified key id.
const KeyIDContextKey = "tg1.signer"

// Keys looks up the Ed25519 public key registered under id.
type Keys func(id string) (ed25519.PublicKey, bool)

// Verifier checks §9 signatures against registered keys.
type Verifier struct {
	Keys Keys
	// Audience is this receiver's own id: a request signed for another
	// receiver is refused.
	Audience string
	// Nonces remembers the (key id, nonce) pairs of verified requests; a
	// verifier without one refuses every request (ErrNoNonceStore).
	Nonces NonceStore
	// Logger receives nonce store failures (default: discard).
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verify checks the signature headers of req against its body and returns
// the verified key id. Errors wrap crypto.ErrBadSignature (a request
// signed for another audience among them), crypto.ErrStaleTimestamp,
// ErrUnsigned, ErrUnknownKey or ErrReplayed, or else ErrNonceStore when
// the nonce store could not tell whether the request is a replay.
func (v *Verifier) Verify(req *http.Request, body []byte) (string, error) {
	id, pk, err := v.key(req)
	if err != nil {
		return "", err
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	if v.Audience == "" {
		return "", fmt.Errorf("%w: the verifier does not know its own id", crypto.ErrBadSignature)
	}
	signed := crypto.SignedRequest{
		Method: req.Method, Audience: v.Audience, PathAndQuery: req.URL.RequestURI(),
		Timestamp: req.Header.Get(crypto.HeaderTimestamp), Nonce: req.Header.Get(crypto.HeaderNonce),
		KeyID: id, Body: body,
	}
	if err := crypto.VerifyRequest(pk, signed, req.Header.Get(crypto.HeaderSignature), now()); err != nil {
		return "", err
	}
	// Only now, with the signature good: nobody without a registered key
	// can fill the store.
	if v.Nonces == nil {
		return "", ErrNoNonceStore
	}
	seen, err := v.Nonces.Seen(req.Context(), id, signed.Nonce, crypto.ReplayWindow)
	switch {
	case err != nil:
		return "", fmt.Errorf("%w: %w", ErrNonceStore, err)
	case seen:
		return "", ErrReplayed
	}
	return id, nil
}

// key finds the public key registered under req's TG-Key-Id. A verifier
// without Keys knows no one.
func (v *Verifier) key(req *http.Request) (string, ed25519.PublicKey, error) {
	id := req.Header.Get(crypto.HeaderKeyID)
	if id == "" {
		return "", nil, ErrUnsigned
	}
	if v.Keys == nil {
		return "", nil, ErrUnknownKey
	}
	pk, ok := v.Keys(id)
	if !ok {
		return "", nil, ErrUnknownKey
	}
	return id, pk, nil
}

// Errors of Verify besides those of crypto.VerifyRequest.
var (
	ErrUnsigned   = errors.New("request is not signed")
	ErrUnknownKey = errors.New("unknown signing key id")
	ErrReplayed   = errors.New("request nonce already seen")
	// ErrNonceStore means the nonce store failed; the request is refused
	// with 503, as it cannot be told from a replay.
	ErrNonceStore = errors.New("nonce store unavailable")
	// ErrNoNonceStore is a verifier built without a NonceStore.
	ErrNoNonceStore = errors.New("verifier has no nonce store")
)

// Require is gin middleware that lets only correctly signed requests
// through. It reads the whole body (bound it first with a size limit),
// puts it back for the handler, and stores the key id under
// KeyIDContextKey. Failures answer 401 problem+json (413 when the body is
// over the limit, 503 when the nonce store fails). A request without a registered key id is refused
// before its body is read.
func (v *Verifier) Require() gin.HandlerFunc {
	return func(c *gin.Context) {
		if _, _, err := v.key(c.Request); err != nil {
			unauthorized(c, err)
			return
		}
		var body []byte
		if c.Request.Body != nil {
			var err error
			body, err = readBody(c.Request)
			if err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					problem.Abort(c, http.StatusRequestEntityTooLarge, "The request body is larger than this endpoint accepts.")
					return
				}
				problem.Abort(c, http.StatusBadRequest, "The request body could not be read.")
				return
			}
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		id, err := v.Verify(c.Request, body)
		switch {
		case errors.Is(err, ErrNonceStore), errors.Is(err, ErrNoNonceStore):
			v.logger().Error("signed request refused: cannot check its nonce", "error", err)
			problem.Abort(c, http.StatusServiceUnavailable, "This server cannot check signed requests right now; try again later.")
			return
		case err != nil:
			unauthorized(c, err)
			return
		}
		c.Set(KeyIDContextKey, id)
		c.Set(bodyContextKey, body)
		c.Next()
	}
}

// bodyContextKey is the gin context key under which Require stores the
// body it verified, so that the handler does not read it again.
const bodyContextKey = "tg1.signed-body"

// Body returns the body Require read and verified; false when Require
// did not run for the request.
func Body(c *gin.Context) ([]byte, bool) {
	v, ok := c.Get(bodyContextKey)
	body, _ := v.([]byte)
	return body, ok
}

// maxBodyHint bounds the buffer made ahead from a request's
// Content-Length: the body itself is bounded by the route's limit, and a
// registered signer could otherwise claim gigabytes.
const maxBodyHint = 16 << 20

// readBody reads req's body whole, into one buffer of its Content-Length
// when it gives one, instead of growing a buffer through a publish's
// megabytes.
func readBody(req *http.Request) ([]byte, error) {
	n := req.ContentLength
	if n <= 0 || n > maxBodyHint {
		return io.ReadAll(req.Body)
	}
	buf := make([]byte, n)
	read := 0
	for read < len(buf) {
		m, err := req.Body.Read(buf[read:])
		read += m
		if err != nil {
			if err == io.EOF {
				return buf[:read], nil
			}
			return nil, err
		}
	}
	// All that was announced; whatever the reader still has (nothing,
	// from net/http) follows.
	rest, err := io.ReadAll(req.Body)
	return append(buf, rest...), err
}

func unauthorized(c *gin.Context, err error) {
	c.Header("WWW-Authenticate", `TG-Signature realm="tg1"`)
	problem.Abort(c, http.StatusUnauthorized, unauthorizedDetail(err))
}

func unauthorizedDetail(err error) string {
	switch {
	case errors.Is(err, ErrUnsigned):
		return "This endpoint requires a signed request (TG-Key-Id, TG-Timestamp, TG-Nonce, TG-Signature)."
	case errors.Is(err, ErrUnknownKey):
		return "The TG-Key-Id is not registered here."
	case errors.Is(err, ErrReplayed):
		return "This TG-Nonce was already used; sign every request afresh."
	case errors.Is(err, crypto.ErrStaleTimestamp):
		return "The TG-Timestamp is more than 300 seconds away from this server's clock."
	default:
		return "The TG-Signature does not verify for this request."
	}
}

// KeyID returns the verified key id that Require stored, or "".
func KeyID(c *gin.Context) string { return c.GetString(KeyIDContextKey) }
