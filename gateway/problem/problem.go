// Package problem writes RFC 9457 problem details (application/problem+json),
// the only error format trackgate's HTTP services speak. Titles and details
// are always written by us: an internal error's text never reaches a client.
package problem

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// ContentType is the media type of RFC 9457 problem details.
const ContentType = "application/problem+json"

// Details is an RFC 9457 problem details object.
type Details struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// New builds problem details with type about:blank and the status's
// standard reason phrase as title, as RFC 9457 §4.2.1 recommends.
func New(status int, detail string) Details {
	return Details{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

// Abort writes a problem response and stops the gin handler chain.
func Abort(c *gin.Context, status int, detail string) {
	c.Abort()
	write(c.Writer, New(status, detail))
}

// AbortRetry is Abort with a Retry-After header, for 429 and 503.
func AbortRetry(c *gin.Context, status int, retryAfter time.Duration, detail string) {
	secs := int(retryAfter.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	c.Header("Retry-After", strconv.Itoa(secs))
	Abort(c, status, detail)
}

// Write writes a problem response to a plain http.ResponseWriter.
func Write(w http.ResponseWriter, status int, detail string) {
	write(w, New(status, detail))
}

func write(w http.ResponseWriter, d Details) {
	body, _ := json.Marshal(d) // marshalling four plain fields cannot fail
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(d.Status)
	_, _ = w.Write(body)
}

// LimitBody is gin middleware bounding the request body to n bytes: a
// declared length over n is answered 413 at once, and reading past n
// fails with *http.MaxBytesError, which handlers answer with 413.
func LimitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			Abort(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is larger than the %d bytes this endpoint accepts.", n))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}
