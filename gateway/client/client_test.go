package client

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestNewRefusesUnusableGatewayURLs(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:8080", "ftp://gw.example", "https://", "https://user:pw@gw.example", "https://gw.example/?q=1", "http://gw.example/#x", "http://[::1"} {
		if _, err := New(u); err == nil {
			t.Errorf("New(%q) succeeded, want an error", u)
		}
	}
	if _, err := New("https://gw.example", WithMaxHandoffs(-1)); err == nil {
		t.Error("negative max handoffs accepted")
	}
}

func TestRequestsGoUnderThePathPrefixWithTheSDKUserAgent(t *testing.T) {
	var paths, agents []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		agents = append(agents, r.UserAgent())
		http.Error(w, "no", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL + "/trackgate/")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Directory(ctxT(t)); err == nil {
		t.Fatal("a 503 directory was accepted")
	}
	if strings.Join(paths, ",") != "/trackgate/v1/couriers" || strings.Join(agents, ",") != UserAgent {
		t.Errorf("requests %v with agents %v, want /trackgate/v1/couriers with %q", paths, agents, UserAgent)
	}
}

func TestMalformedAnswersAreGatewayErrors(t *testing.T) {
	g := newGateway(t, 8, east)
	tests := []struct {
		name string
		path string
		body string
		want error
	}{
		{"directory not JSON", "/v1/couriers", "<html>", ErrInvalidDirectory},
		{"evaluation not JSON", "/v1/evaluate", "<html>", ErrGateway},
		{"evaluation too large", "/v1/evaluate", `{"results":[` + strings.Repeat(" ", maxEvaluateBytes) + `]}`, ErrGateway},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Pass everything to the fake gateway but the one path, which
			// answers 200 with the broken body.
			proxy := &http.Client{Transport: rewrite{path: tt.path, body: tt.body, next: http.DefaultTransport}}
			c, err := New(g.URL, WithHTTPClient(proxy))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Track(ctxT(t), "SE1234567890", TrackOptions{}); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// rewrite answers one path with a fixed body and sends the rest on.
type rewrite struct {
	path, body string
	next       http.RoundTripper
}

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path != r.path {
		return r.next.RoundTrip(req)
	}
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(r.body)), Request: req,
	}, nil
}
