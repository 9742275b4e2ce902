package signing

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"errors"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
)

// SignAnswers is a courier host's gin middleware that signs every answer
// with the courier's signing key (docs/protocol.md §8): whatever status
// and body the handlers behind it write, including the problems of other
// middleware, is held back, signed together with the request's TG-Nonce
// under the courier id, and only then sent with a TG-Signature header.
// Use it first, before any middleware that may answer, so nothing leaves
// unsigned. Streaming is lost, which no /tg1 answer needs.
func SignAnswers(courier string, key ed25519.PrivateKey) gin.HandlerFunc {
	if len(key) != ed25519.PrivateKeySize {
		panic("signing: SignAnswers needs the courier's Ed25519 signing key")
	}
	return SignAnswersWith(courier, func() ed25519.PrivateKey { return key })
}

// SignAnswersWith is SignAnswers with the key read at every answer from
// key, so that a courier host can replace its signing key while it serves.
func SignAnswersWith(courier string, key func() ed25519.PrivateKey) gin.HandlerFunc {
	return func(c *gin.Context) {
		out := c.Writer
		held := &heldAnswer{ResponseWriter: out, status: http.StatusOK, size: -1}
		c.Writer = held
		defer func() { c.Writer = out }()
		c.Next()
		body := held.body.Bytes()
		out.Header().Set(crypto.HeaderSignature,
			crypto.SignAnswer(key(), courier, held.status, c.Request.Header.Get(crypto.HeaderNonce), body))
		out.WriteHeader(held.status)
		out.WriteHeaderNow()
		_, _ = out.Write(body) // a client that went away cannot be told
	}
}

// heldAnswer is a gin.ResponseWriter that keeps the status and body
// instead of sending them; headers go to the real writer's map.
type heldAnswer struct {
	gin.ResponseWriter
	status int
	size   int // -1 until something is written, as gin counts it
	body   bytes.Buffer
}

func (w *heldAnswer) WriteHeader(code int) {
	if code > 0 && !w.Written() {
		w.status = code
	}
}

func (w *heldAnswer) WriteHeaderNow() {
	if !w.Written() {
		w.size = 0
	}
}

func (w *heldAnswer) Write(b []byte) (int, error) {
	w.WriteHeaderNow()
	n, err := w.body.Write(b)
	w.size += n
	return n, err
}

func (w *heldAnswer) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

func (w *heldAnswer) Status() int   { return w.status }
func (w *heldAnswer) Size() int     { return w.size }
func (w *heldAnswer) Written() bool { return w.size != -1 }

// Flush does nothing: the answer leaves once it is signed.
func (w *heldAnswer) Flush() {}

// Hijack is refused: a hijacked connection would carry unsigned bytes.
func (w *heldAnswer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.New("signing: a signed answer cannot be hijacked")
}

// VerifyAnswer checks the TG-Signature of a courier host's answer: its
// status and body, signed by courier's key pk for the request that
// carried requestNonce. Anything wrong, a missing signature included, is
// crypto.ErrBadSignature.
func VerifyAnswer(pk ed25519.PublicKey, courier, requestNonce string, resp *http.Response, body []byte) error {
	return crypto.VerifyAnswer(pk, courier, resp.StatusCode, requestNonce, body, resp.Header.Get(crypto.HeaderSignature))
}
