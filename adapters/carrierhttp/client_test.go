package carrierhttp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// script answers the requests of a test server in turn, the last answer
// repeating; it counts the requests.
type script struct {
	answers []func(w http.ResponseWriter, r *http.Request)
	n       atomic.Int32
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(s.n.Add(1)) - 1
	s.answers[min(i, len(s.answers)-1)](w, r)
}

func status(code int, header ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		w.Write([]byte(`{"ok":true}`))
	}
}

// hang answers only after the client gave up.
func hang(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

// sleeps records the waits of a Client instead of spending them.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func serve(t *testing.T, s *script) (*Client, *sleeps, NewRequestFunc) {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	rec := &sleeps{}
	c := &Client{HTTP: srv.Client(), Timeout: 2 * time.Second, Sleep: rec.sleep}
	newReq := func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/track?trackingNumber=SECRET123456", nil)
	}
	return c, rec, newReq
}

func TestDoRetriesServerErrorsThenReturnsTheAnswer(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){status(503), status(502), status(200)}}
	c, rec, newReq := serve(t, s)
	resp, err := c.Do(context.Background(), newReq)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || string(resp.Body) != `{"ok":true}` {
		t.Errorf("response = %d %q", resp.Status, resp.Body)
	}
	if s.n.Load() != 3 || len(rec.waits) != 2 {
		t.Fatalf("%d requests and waits %v; want 3 requests, 2 waits", s.n.Load(), rec.waits)
	}
	// Exponential backoff with jitter over the upper half: 250–500ms, then 500ms–1s.
	if w := rec.waits[0]; w < DefaultBackoff/2 || w > DefaultBackoff {
		t.Errorf("first wait %v outside [%v, %v]", w, DefaultBackoff/2, DefaultBackoff)
	}
	if w := rec.waits[1]; w < DefaultBackoff || w > 2*DefaultBackoff {
		t.Errorf("second wait %v outside [%v, %v]", w, DefaultBackoff, 2*DefaultBackoff)
	}
}

func TestDoHonoursRetryAfterWithinMaxWait(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){status(429, "Retry-After", "3"), status(200)}}
	c, rec, newReq := serve(t, s)
	if _, err := c.Do(context.Background(), newReq); err != nil {
		t.Fatal(err)
	}
	if len(rec.waits) != 1 || rec.waits[0] != 3*time.Second {
		t.Errorf("waits %v; want [3s]", rec.waits)
	}
}

func TestDoReturnsALongRetryAfterAtOnce(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){status(429, "Retry-After", "120")}}
	c, rec, newReq := serve(t, s)
	_, err := c.Do(context.Background(), newReq)
	if !errors.Is(err, adapters.ErrUnavailable) {
		t.Fatalf("err = %v; want ErrUnavailable", err)
	}
	if d, ok := adapters.RetryAfter(err); !ok || d != 2*time.Minute {
		t.Errorf("RetryAfter = %v, %v; want 2m0s", d, ok)
	}
	if s.n.Load() != 1 || len(rec.waits) != 0 {
		t.Errorf("%d requests, waits %v; want one request and no wait", s.n.Load(), rec.waits)
	}
}

func TestDoGivesUpAfterTheAttempts(t *testing.T) {
	cases := []struct {
		name           string
		answer         func(http.ResponseWriter, *http.Request)
		wantRetryAfter bool
	}{
		{"500", status(500), false},
		{"503 with Retry-After", status(503, "Retry-After", "1"), true},
		{"429 with an HTTP date", status(429, "Retry-After", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &script{answers: []func(http.ResponseWriter, *http.Request){tc.answer}}
			c, _, newReq := serve(t, s)
			c.Attempts = 4
			_, err := c.Do(context.Background(), newReq)
			if !errors.Is(err, adapters.ErrUnavailable) {
				t.Fatalf("err = %v; want ErrUnavailable", err)
			}
			if _, ok := adapters.RetryAfter(err); ok != tc.wantRetryAfter {
				t.Errorf("RetryAfter present = %v; want %v", ok, tc.wantRetryAfter)
			}
			if s.n.Load() != 4 {
				t.Errorf("%d requests; want 4", s.n.Load())
			}
		})
	}
}

func TestDoReturnsClientErrorsWithoutRetrying(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404} {
		s := &script{answers: []func(http.ResponseWriter, *http.Request){status(code)}}
		c, _, newReq := serve(t, s)
		resp, err := c.Do(context.Background(), newReq)
		if err != nil || resp.Status != code || s.n.Load() != 1 {
			t.Errorf("HTTP %d: resp %v, err %v after %d requests; want the answer after one", code, resp, err, s.n.Load())
		}
	}
}

func TestDoTimesOutSlowAnswersAsUnavailableWithoutTheURL(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){hang}}
	c, _, newReq := serve(t, s)
	c.Timeout = 20 * time.Millisecond
	c.Attempts = 2
	_, err := c.Do(context.Background(), newReq)
	if !errors.Is(err, adapters.ErrUnavailable) {
		t.Fatalf("err = %v; want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("error text %q names the URL", err)
	}
	if s.n.Load() != 2 {
		t.Errorf("%d requests; want 2", s.n.Load())
	}
}

func TestDoReportsNetworkErrorsWithoutTheURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	c := &Client{Attempts: 2, Sleep: (&sleeps{}).sleep}
	_, err := c.Do(context.Background(), func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, url+"/track?trackingNumber=SECRET123456", nil)
	})
	if !errors.Is(err, adapters.ErrUnavailable) {
		t.Fatalf("err = %v; want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("error text %q names the URL", err)
	}
}

func TestDoRefusesOversizedBodies(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(strings.Repeat("x", 2048)))
	}}}
	c, _, newReq := serve(t, s)
	c.MaxBody = 1024
	if _, err := c.Do(context.Background(), newReq); !errors.Is(err, adapters.ErrUnavailable) {
		t.Errorf("err = %v; want ErrUnavailable", err)
	}
}

func TestDoStopsWhenTheContextEnds(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){hang}}
	c, _, newReq := serve(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Do(ctx, newReq)
	if !errors.Is(err, context.Canceled) || errors.Is(err, adapters.ErrUnavailable) {
		t.Errorf("err = %v; want context.Canceled and not ErrUnavailable", err)
	}
}

func TestDoClassifiesAnUnbuildableRequestAsMisconfigured(t *testing.T) {
	c := &Client{}
	_, err := c.Do(context.Background(), func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, "GET", "http://[::1", nil)
	})
	if !errors.Is(err, adapters.ErrMisconfigured) {
		t.Errorf("err = %v; want ErrMisconfigured", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 0 ", 0, true},
		{"-5", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"99999999999999", 24 * time.Hour, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"Fri, 31 Dec 9999 23:59:59 GMT", 24 * time.Hour, true},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBaseURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://api-eu.dhl.com":              true,
		"http://127.0.0.1:8080/std/service":   true,
		"ftp://example.com":                   false,
		"/relative":                           false,
		"https://":                            false,
		"https://example.com/?trackingNumber": false,
		"://bad":                              false,
	} {
		if _, err := BaseURL(raw); (err == nil) != ok {
			t.Errorf("BaseURL(%q) error = %v; want ok = %v", raw, err, ok)
		}
	}
}

func TestDoDoesNotFollowRedirectsByDefault(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	srv := httptest.NewServer(http.RedirectHandler(other.URL, http.StatusFound))
	t.Cleanup(srv.Close)
	var c Client
	resp, err := c.Do(context.Background(), func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		if err == nil {
			req.Header.Set("DHL-API-Key", "secret")
		}
		return req, err
	})
	if err != nil || resp.Status != http.StatusFound || elsewhere.Load() != 0 {
		t.Errorf("resp %v, err %v, %d requests elsewhere; want the 302 itself and none", resp, err, elsewhere.Load())
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	for _, seed := range []string{"120", "0", "Fri, 20 Nov 2026 06:01:30 GMT", "-1", "1e9"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if d < 0 || d > maxRetryAfter || !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) = %v, %v", v, d, ok)
		}
	})
}
