package courierhost

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/telemetry"
	"github.com/trackgate/trackgate/openapi"
)

// MaxBodyBytes bounds a /tg1 request body; an evaluation of a full batch
// is well under 1 KiB.
const MaxBodyBytes = 64 << 10

// Handler returns the host's HTTP API (docs/protocol.md §8). Every /tg1
// route requires a request signed under a key v knows, for this courier
// (v's Audience is the courier id; empty means it), with a nonce not seen
// before (v's Nonces; nil means a store in this process's memory): pass a
// verifier that knows only the gateway's key, under the id "gateway".
// Every answer, whatever its status, is signed with answerKey, the
// courier's Ed25519 signing key, bound to the request's TG-Nonce; it
// becomes the host's signing key (as SetSigningKey makes it, so give the
// same key as Config's SigningKey, whose statements then stay), which
// SetSigningKey replaces while the handler serves.
// GET /healthz is unsigned. Every request is checked against the OpenAPI
// document after its signature.
func (h *Host) Handler(v *signing.Verifier, answerKey ed25519.PrivateKey) http.Handler {
	if v == nil || v.Keys == nil {
		panic("courierhost: Handler needs a verifier with the gateway's key")
	}
	if len(answerKey) != ed25519.PrivateKeySize {
		panic("courierhost: Handler needs the courier's signing key to sign its answers")
	}
	if err := h.SetSigningKey(answerKey); err != nil {
		panic("courierhost: Handler's signing key: " + err.Error())
	}
	own := *v
	switch own.Audience {
	case "":
		own.Audience = h.cfg.Courier
	case h.cfg.Courier:
	default:
		panic("courierhost: the verifier's audience is not this courier")
	}
	if own.Nonces == nil {
		own.Nonces = signing.NewMemoryNonces(0, own.Now)
	}
	if own.Logger == nil {
		own.Logger = h.cfg.Logger
	}
	doc, err := openapi.Load()
	if err != nil {
		// The document is embedded in the binary and its tests load it.
		panic("courierhost: the embedded OpenAPI document does not load: " + err.Error())
	}
	validator, err := openapi.NewValidator(doc)
	if err != nil {
		panic("courierhost: " + err.Error())
	}
	checked := validator.Middleware()
	e := gin.New()
	// Redirects would answer before validation and logging see the request.
	e.RedirectTrailingSlash = false
	// Nobody's forwarding headers are believed; the host never uses a
	// client address anyway.
	_ = e.SetTrustedProxies(nil) // nil cannot fail
	e.HandleMethodNotAllowed = true
	e.NoRoute(func(c *gin.Context) { problem.Abort(c, http.StatusNotFound, "There is no such resource.") })
	e.NoMethod(func(c *gin.Context) {
		problem.Abort(c, http.StatusMethodNotAllowed, "This resource does not support that method.")
	})
	// Metrics, the request id and the span wrap everything and write no
	// answer; the gateway is the host's only client, so the trace it
	// sends is continued.
	if h.cfg.Metrics != nil {
		e.Use(h.cfg.Metrics.Middleware())
	}
	e.Use(telemetry.RequestIDs(nil), h.cfg.Tracing.Middleware("trackgate-courier", func(*http.Request) bool { return true }))
	// Answers are signed first of all, so nothing, not even a 404 or a
	// recovered panic, leaves unsigned.
	e.Use(signing.SignAnswersWith(h.cfg.Courier, h.signingKey), h.recoverPanics(), h.logRequests())
	e.GET("/healthz", checked, func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })

	tg1 := e.Group("/tg1", problem.LimitBody(MaxBodyBytes), own.Require(), checked)
	tg1.GET("/keys", h.handleKeys)
	tg1.POST("/evaluate", h.handleEvaluate)
	tg1.GET("/buckets/:bucket", h.handleBucket)
	tg1.GET("/records/:locator", h.handleRecord)
	return e
}

func (h *Host) handleKeys(c *gin.Context) {
	answer, err := h.KeysAnswer(c.Request.Context())
	if err != nil {
		h.internalError(c, "listing keys failed", err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, answer)
}

func (h *Host) handleEvaluate(c *gin.Context) {
	var req api.HostEvaluateRequest
	if err := api.Decode(c.Request.Body, &req); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			problem.Abort(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is larger than the %d bytes this endpoint accepts.", MaxBodyBytes))
			return
		}
		problem.Abort(c, http.StatusBadRequest, `The body must be one JSON object {"kid":…,"blinded":[…]} whose elements are unpadded base64url.`)
		return
	}
	switch n := len(req.Blinded); {
	case n == 0:
		problem.Abort(c, http.StatusBadRequest, `"blinded" must hold at least one element.`)
		return
	case n > crypto.MaxBatch:
		problem.Abort(c, http.StatusBadRequest, fmt.Sprintf(`"blinded" holds %d elements; at most %d are allowed.`, n, crypto.MaxBatch))
		return
	}
	blinded := make([][]byte, len(req.Blinded))
	for i, b := range req.Blinded {
		blinded[i] = b
	}
	evaluated, proof, err := h.Evaluate(c.Request.Context(), req.KeyID, blinded)
	switch {
	case err == nil:
	case errors.Is(err, api.ErrUnknownKey):
		abortTyped(c, http.StatusUnprocessableEntity, ProblemUnknownKey, "Unknown key",
			"The kid is not a key of this courier host valid now.")
		return
	case errors.Is(err, api.ErrInvalidInput):
		abortTyped(c, http.StatusUnprocessableEntity, ProblemInvalidElement, "Invalid element",
			"Every blinded element must be the 32-byte canonical encoding of a ristretto255 element other than the identity.")
		return
	case errors.Is(err, api.ErrRateLimited):
		problem.AbortRetry(c, http.StatusTooManyRequests, RetryAfter(err), "This courier host's evaluation limit is reached; slow down.")
		return
	default:
		h.internalError(c, "evaluation failed", err)
		return
	}
	res := api.HostEvaluateResponse{Evaluated: make([]crypto.B64, len(evaluated)), Proof: proof}
	for i, e := range evaluated {
		res.Evaluated[i] = e
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, res)
}

func (h *Host) handleBucket(c *gin.Context) {
	if h.cfg.Mode != api.ModePull {
		notPullMode(c)
		return
	}
	bucket, err := crypto.ParseBucket(c.Param("bucket"), h.cfg.BucketBits)
	if err != nil {
		problem.Abort(c, http.StatusBadRequest, "The bucket must be lowercase hex without leading zeros, below 2^bucket_bits.")
		return
	}
	records, err := h.Bucket(c.Request.Context(), bucket)
	if err != nil {
		h.internalError(c, "reading a bucket failed", err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, api.Records{Records: records})
}

func (h *Host) handleRecord(c *gin.Context) {
	if h.cfg.Mode != api.ModePull {
		notPullMode(c)
		return
	}
	locator, err := crypto.ParseLocator(c.Param("locator"))
	if err != nil {
		problem.Abort(c, http.StatusBadRequest, "The locator must be 16 bytes in unpadded base64url (22 characters).")
		return
	}
	rec, err := h.Record(c.Request.Context(), locator)
	switch {
	case err == nil:
	case errors.Is(err, api.ErrNotFound):
		abortTyped(c, http.StatusNotFound, ProblemRecordNotFound, "Record not found", "No live record at this locator.")
		return
	default:
		h.internalError(c, "reading a record failed", err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, rec)
}

func notPullMode(c *gin.Context) {
	abortTyped(c, http.StatusNotFound, ProblemNotPullMode, "Not in pull mode",
		"This courier host publishes its records to the gateway; fetch them there.")
}

// internalError logs err (our errors carry no parcel data) and answers a
// generic 500.
func (h *Host) internalError(c *gin.Context, msg string, err error) {
	h.cfg.Logger.ErrorContext(c.Request.Context(), msg, "route", c.FullPath(), "error", err)
	problem.Abort(c, http.StatusInternalServerError, "The courier host failed to handle this request.")
}

// recoverPanics answers a generic 500; the log names the route template,
// never the path, which may carry a locator or bucket.
func (h *Host) recoverPanics() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				h.cfg.Logger.ErrorContext(c.Request.Context(), "handler panic", "route", c.FullPath())
				problem.Abort(c, http.StatusInternalServerError, "The courier host failed to handle this request.")
			}
		}()
		c.Next()
	}
}

// logRequests logs one line per request: method, route template, status,
// size and duration. No path, query, header or address is logged.
func (h *Host) logRequests() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "(unmatched)"
		}
		h.cfg.Logger.InfoContext(c.Request.Context(), "request", "method", c.Request.Method, "route", route,
			"status", c.Writer.Status(), "bytes", c.Writer.Size(),
			"duration", time.Since(start).Round(time.Microsecond))
	}
}
