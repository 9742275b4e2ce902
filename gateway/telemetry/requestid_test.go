package telemetry

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestRequestIDIsMadeOrTakenOnlyFromATrustedProxy(t *testing.T) {
	gin.SetMode(gin.TestMode)
	trusted, err := TrustedPeers([]string{"10.0.0.0/8", "192.0.2.7"})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	logger := WithRequestIDs(slog.New(slog.NewTextHandler(&logs, nil)))
	e := gin.New()
	e.Use(RequestIDs(trusted))
	e.GET("/x", func(c *gin.Context) {
		logger.InfoContext(c.Request.Context(), "handled")
		c.String(http.StatusOK, RequestID(c.Request.Context()))
	})
	cases := []struct {
		name, peer, sent string
		kept             bool
	}{
		{"trusted proxy, safe id", "10.1.2.3:5000", "req-1234abcd", true},
		{"trusted single address", "192.0.2.7:5000", "0f8fad5b-d9cb-469f-a165-70867728950e", true},
		{"untrusted peer", "198.51.100.9:5000", "req-1234abcd", false},
		{"trusted proxy, unsafe id", "10.1.2.3:5000", "a b\nc=d 12345", false},
		{"trusted proxy, too long", "10.1.2.3:5000", strings.Repeat("a", 65), false},
		{"trusted proxy, too short", "10.1.2.3:5000", "abc", false},
		{"none sent", "10.1.2.3:5000", "", false},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		logs.Reset()
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		req.RemoteAddr = c.peer
		if c.sent != "" {
			req.Header.Set(RequestIDHeader, c.sent)
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		id := w.Header().Get(RequestIDHeader)
		switch {
		case id != w.Body.String():
			t.Errorf("%s: header %q, context %q", c.name, id, w.Body.String())
		case c.kept && id != c.sent:
			t.Errorf("%s: id %q, want the proxy's %q", c.name, id, c.sent)
		case !c.kept && (id == c.sent || len(id) != 24 || seen[id]):
			t.Errorf("%s: id %q, want a fresh 24-digit one", c.name, id)
		case !strings.Contains(logs.String(), "request_id="+id):
			t.Errorf("%s: log %q lacks request_id=%s", c.name, logs.String(), id)
		}
		seen[id] = true
	}
}

func TestWithRequestIDsLeavesOtherLinesAlone(t *testing.T) {
	var logs bytes.Buffer
	logger := WithRequestIDs(slog.New(slog.NewJSONHandler(&logs, nil))).With("component", "x")
	if WithRequestIDs(logger) != logger {
		t.Error("wrapping twice should return the logger as it is")
	}
	logger.Info("no context")
	logger.InfoContext(ContextWithRequestID(context.Background(), "abcdefgh1234"), "with one")
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 || strings.Contains(lines[0], "request_id") || !strings.Contains(lines[1], `"request_id":"abcdefgh1234"`) || !strings.Contains(lines[1], `"component":"x"`) {
		t.Errorf("logs:\n%s", logs.String())
	}
}

func TestTrustedPeersRefusesWhatIsNotAnAddress(t *testing.T) {
	if _, err := TrustedPeers([]string{"proxy.example"}); err == nil {
		t.Error("a host name is not a trusted proxy")
	}
}
