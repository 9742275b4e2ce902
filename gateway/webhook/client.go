package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"
)

// Defaults of ClientConfig.
const (
	DefaultTimeout          = 10 * time.Second
	DefaultMaxResponseBytes = 64 << 10
)

// UserAgent is the User-Agent of every delivery.
const UserAgent = "trackgate-webhook/1"

// ClientConfig configures a Client; zero fields take the defaults noted.
type ClientConfig struct {
	Policy Policy
	// Timeout bounds an attempt from dialling to the end of the answer's
	// headers (default 10 s).
	Timeout time.Duration
	// MaxResponseBytes is how much of an answer's body is read (and
	// thrown away) so that the connection can be reused (default 64 KiB).
	MaxResponseBytes int64
	// Resolver finds hosts' addresses (default net.DefaultResolver);
	// tests give one that changes its answers.
	Resolver Resolver
}

// Client posts deliveries to callback URLs, and only to addresses the
// policy allows, whatever a name resolves to at the time: every address
// is checked when the connection is made (net.Dialer's Control), so a
// name that resolved to a public address when the subscription was
// created and to a private one now (DNS rebinding) is not reached. It
// follows no redirect, takes no proxy from the environment, and reads
// at most MaxResponseBytes of an answer.
type Client struct {
	cfg  ClientConfig
	http *http.Client
}

// NewClient returns a Client for cfg.
func NewClient(cfg ClientConfig) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	c := &Client{cfg: cfg}
	dialer := &net.Dialer{Timeout: cfg.Timeout, Control: c.control}
	transport := &http.Transport{
		Proxy: nil, // never HTTP(S)_PROXY: a proxy would connect for us, unchecked
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return c.dial(ctx, dialer, network, addr)
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   cfg.Timeout,
		ResponseHeaderTimeout: cfg.Timeout,
		ExpectContinueTimeout: time.Second,
	}
	c.http = &http.Client{
		Transport: transport,
		Timeout:   cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a 3xx is the answer, and a failure
		},
	}
	return c
}

// dial resolves addr's host itself (so that a test's resolver is used),
// and tries its addresses in turn; control checks each again.
func (c *Client) dial(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	addrs, err := lookup(ctx, c.cfg.Resolver, host)
	if err != nil {
		return nil, fmt.Errorf("resolve the callback host: %w", err)
	}
	var firstErr error
	for _, a := range addrs {
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return conn, nil
		}
		if firstErr == nil || errors.Is(err, ErrAddressNotAllowed) {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// control refuses, just before connecting, an address the policy does
// not allow.
func (c *Client) control(_, address string, _ syscall.RawConn) error {
	if c.cfg.Policy.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !PublicAddress(ap.Addr()) {
		return ErrAddressNotAllowed
	}
	return nil
}

// Failure is why a delivery attempt failed. Reason is what a dead
// letter's last_error says: "HTTP <status>", "timeout", "connection
// refused", "connection failed", "address not allowed" or "redirect not
// followed". It never holds the URL, an address or the receiver's answer.
type Failure struct {
	Reason string
	Err    error // for the gateway's own logs: may name the host
}

func (f *Failure) Error() string { return "webhook delivery failed: " + f.Reason }
func (f *Failure) Unwrap() error { return f.Err }

// The reasons of a Failure besides "HTTP <status>".
const (
	ReasonTimeout           = "timeout"
	ReasonRefused           = "connection refused"
	ReasonConnection        = "connection failed"
	ReasonAddressNotAllowed = "address not allowed"
	ReasonRedirect          = "redirect not followed"
)

// Post sends body to url with header (Content-Type and User-Agent are
// set here) and reports success, a 2xx answer, as nil; anything else is a
// *Failure.
func (c *Client) Post(ctx context.Context, url string, header http.Header, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return &Failure{Reason: ReasonConnection, Err: err}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return &Failure{Reason: classify(ctx, err), Err: err}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, c.cfg.MaxResponseBytes))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return &Failure{Reason: ReasonRedirect, Err: fmt.Errorf("answered %d", resp.StatusCode)}
	default:
		return &Failure{Reason: "HTTP " + strconv.Itoa(resp.StatusCode), Err: fmt.Errorf("answered %d", resp.StatusCode)}
	}
}

// classify names a transport error for a dead letter.
func classify(ctx context.Context, err error) string {
	var netErr net.Error
	switch {
	case errors.Is(err, ErrAddressNotAllowed):
		return ReasonAddressNotAllowed
	case errors.Is(err, context.DeadlineExceeded), ctx.Err() != nil,
		errors.As(err, &netErr) && netErr.Timeout():
		return ReasonTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return ReasonRefused
	}
	return ReasonConnection
}
