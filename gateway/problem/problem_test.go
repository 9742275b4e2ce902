package problem

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

func TestAbortWritesAnRFC9457Problem(t *testing.T) {
	gin.SetMode(gin.TestMode)
	cases := []struct {
		name   string
		write  func(*gin.Context)
		status int
		retry  string
	}{
		{"plain", func(c *gin.Context) { Abort(c, http.StatusBadRequest, "The bucket is not hex.") }, 400, ""},
		{"retry rounds up to a second", func(c *gin.Context) {
			AbortRetry(c, http.StatusServiceUnavailable, 200*time.Millisecond, "Try again.")
		}, 503, "1"},
		{"retry in whole seconds", func(c *gin.Context) {
			AbortRetry(c, http.StatusTooManyRequests, 3*time.Second, "Slow down.")
		}, 429, "3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(rec)
			tc.write(c)
			if !c.IsAborted() {
				t.Fatal("the handler chain was not aborted")
			}
			if rec.Code != tc.status || rec.Header().Get("Content-Type") != ContentType || rec.Header().Get("Retry-After") != tc.retry {
				t.Fatalf("status %d, type %q, Retry-After %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Retry-After"))
			}
			var d Details
			if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
				t.Fatal(err)
			}
			if d.Type != "about:blank" || d.Status != tc.status || d.Title != http.StatusText(tc.status) || d.Detail == "" {
				t.Fatalf("details %+v", d)
			}
		})
	}
}
