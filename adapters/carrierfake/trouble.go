package carrierfake

import (
	"net/http"
	"time"

	"github.com/trackgate/trackgate/adapters/adaptertest"
)

// Trouble answers r as a carrier's gateway does in the scenarios that are
// trouble — RateLimited: 429 with Retry-After: 120; ServerError: 502 with
// an HTML page; Slow: no answer for 10s, or until the request ends;
// Malformed: malformed, as JSON with 200 — and reports whether s is one of
// them. It is for fakes that are not a Fake: carriers that put their
// errors inside a 200 and whose answer depends on more than the number
// (jdl, zto, sfexpress).
func Trouble(w http.ResponseWriter, r *http.Request, s adaptertest.Scenario, malformed string) bool {
	switch s {
	case adaptertest.RateLimited:
		w.Header().Set("Retry-After", "120")
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
	case adaptertest.ServerError:
		http.Error(w, "<html><body>502 Bad Gateway</body></html>", http.StatusBadGateway)
	case adaptertest.Slow:
		hang(r, 10*time.Second)
	case adaptertest.Malformed:
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(malformed))
	default:
		return false
	}
	return true
}

// hang holds r for d, or until it ends.
func hang(r *http.Request, d time.Duration) {
	select {
	case <-r.Context().Done():
	case <-time.After(d):
	}
}
