package gateway

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/trackgate/trackgate/gateway/problem"
)

// assertProblem checks an RFC 9457 answer: the media type, the status
// echoed in the body, and a detail a person can read.
func assertProblem(t *testing.T, header http.Header, body []byte, status int) {
	t.Helper()
	if ct := header.Get("Content-Type"); ct != problem.ContentType {
		t.Fatalf("Content-Type %q, want %q", ct, problem.ContentType)
	}
	var p problem.Details
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem body %s: %v", body, err)
	}
	if p.Status != status || p.Title == "" || p.Detail == "" {
		t.Fatalf("problem %+v does not describe status %d", p, status)
	}
}
