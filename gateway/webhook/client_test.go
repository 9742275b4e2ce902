package webhook

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// receiver is a loopback HTTP server counting the requests it gets.
func receiver(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func failureReason(t *testing.T, err error) string {
	t.Helper()
	var f *Failure
	if !errors.As(err, &f) {
		t.Fatalf("error %v is not a *Failure", err)
	}
	return f.Reason
}

func TestPostSucceedsOn2xxAndNamesEveryFailure(t *testing.T) {
	dev := Policy{AllowHTTP: true, AllowPrivate: true}
	ok, _ := receiver(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != UserAgent || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("TG-Webhook-Id") != "dlv_x" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	fails, _ := receiver(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	slow, _ := receiver(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body) // so that the server notices the client leave
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	drops, _ := receiver(t, func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	huge, _ := receiver(t, func(w http.ResponseWriter, _ *http.Request) {
		chunk := []byte(strings.Repeat("x", 1<<16))
		for range 1 << 10 { // 64 MiB, far beyond what is read
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/"
	l.Close()

	c := NewClient(ClientConfig{Policy: dev, Timeout: 300 * time.Millisecond})
	header := http.Header{"Tg-Webhook-Id": {"dlv_x"}}
	tests := []struct {
		name, url, want string
	}{
		{"2xx", ok.URL, ""},
		{"500", fails.URL, "HTTP 500"},
		{"no answer in time", slow.URL, ReasonTimeout},
		{"connection dropped", drops.URL, ReasonConnection},
		{"nobody listening", closed, ReasonRefused},
		{"an endless body", huge.URL, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			err := c.Post(t.Context(), tt.url, header, []byte(`{}`))
			if time.Since(start) > 3*time.Second {
				t.Errorf("took %s, beyond the timeout", time.Since(start))
			}
			if tt.want == "" {
				if err != nil {
					t.Fatalf("failed: %v", err)
				}
				return
			}
			if got := failureReason(t, err); got != tt.want {
				t.Fatalf("reason %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

// TestAttackCallbackRedirectsToLoopback: a public receiver answers with
// a redirect to the gateway's loopback (or a metadata service); a client
// that followed it would post there. Redirects are failures, never
// followed, whatever the policy.
func TestAttackCallbackRedirectsToLoopback(t *testing.T) {
	internal, hits := receiver(t, func(http.ResponseWriter, *http.Request) {})
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		redirects, _ := receiver(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, internal.URL, code) })
		c := NewClient(ClientConfig{Policy: Policy{AllowHTTP: true, AllowPrivate: true}, Timeout: time.Second})
		if got := failureReason(t, c.Post(t.Context(), redirects.URL, nil, []byte(`{}`))); got != ReasonRedirect {
			t.Errorf("a %d: reason %q, want %q", code, got, ReasonRedirect)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("a redirect was followed %d times", hits.Load())
	}
}

// TestAttackCallbackRebindsToLoopback: a subscriber's host name resolves
// to a public address when the subscription is made, then to 127.0.0.1
// (DNS rebinding) to make the gateway call its own loopback services.
// The connection is refused when made, and nothing is sent.
func TestAttackCallbackRebindsToLoopback(t *testing.T) {
	internal, hits := receiver(t, func(http.ResponseWriter, *http.Request) {})
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(internal.URL, "http://"))
	r := newResolver(map[string][]string{"hooks.shop.example": {"203.0.113.10"}})
	policy := Policy{AllowHTTP: true}
	url := "http://hooks.shop.example:" + port + "/hook"
	if _, err := policy.CheckURL(t.Context(), url, r); err != nil {
		t.Fatalf("the public name was refused at creation: %v", err)
	}
	c := NewClient(ClientConfig{Policy: policy, Resolver: r, Timeout: time.Second})
	for _, addrs := range [][]string{{"127.0.0.1"}, {"::ffff:127.0.0.1"}, {"::1", "127.0.0.1"}} {
		r.set("hooks.shop.example", addrs...)
		if got := failureReason(t, c.Post(t.Context(), url, nil, []byte(`{}`))); got != ReasonAddressNotAllowed {
			t.Errorf("resolving to %v: reason %q, want %q", addrs, got, ReasonAddressNotAllowed)
		}
	}
	for _, literal := range []string{"http://127.0.0.1:" + port + "/", "http://[::ffff:127.0.0.1]:" + port + "/"} {
		if got := failureReason(t, c.Post(t.Context(), literal, nil, []byte(`{}`))); got != ReasonAddressNotAllowed {
			t.Errorf("%s: reason %q, want %q", literal, got, ReasonAddressNotAllowed)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the loopback service got %d requests", hits.Load())
	}
}

// TestAttackProxyFromTheEnvironmentReachesCallbacks: HTTP_PROXY set in
// the gateway's environment would connect to callbacks for it, past the
// address check. No proxy is ever used.
func TestAttackProxyFromTheEnvironmentReachesCallbacks(t *testing.T) {
	proxy, proxied := receiver(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("HTTPS_PROXY", proxy.URL)
	direct, hits := receiver(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(direct.URL, "http://"))
	r := newResolver(map[string][]string{"receiver.shop.example": {"127.0.0.1"}})
	c := NewClient(ClientConfig{Policy: Policy{AllowHTTP: true, AllowPrivate: true}, Resolver: r})
	if err := c.Post(t.Context(), "http://receiver.shop.example:"+port+"/", nil, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 1 || proxied.Load() != 0 {
		t.Fatalf("receiver got %d, proxy %d; want 1 and 0", hits.Load(), proxied.Load())
	}
}
