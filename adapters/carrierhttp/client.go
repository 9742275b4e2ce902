package carrierhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// Defaults of Client.
const (
	DefaultTimeout  = 10 * time.Second
	DefaultAttempts = 3
	DefaultBackoff  = 500 * time.Millisecond
	DefaultMaxWait  = 10 * time.Second
	DefaultMaxBody  = 4 << 20
)

// Client sends requests to a carrier's API. Its zero value is ready to use
// with the defaults; it is safe for concurrent use once in use.
type Client struct {
	// HTTP sends the requests (default: one that does not follow
	// redirects, which no carrier API sends and which would carry the
	// credential headers elsewhere). Its own Timeout, if any, applies on
	// top of Timeout.
	HTTP *http.Client
	// Timeout bounds each attempt, reading the body included.
	Timeout time.Duration
	// Attempts is how many times one request is sent at most.
	Attempts int
	// Backoff is the wait before the second attempt; it doubles for every
	// further one, with jitter over its upper half.
	Backoff time.Duration
	// MaxWait caps one wait between attempts. A Retry-After longer than
	// MaxWait ends the call at once with an *adapters.RetryAfterError.
	MaxWait time.Duration
	// MaxBody caps a response body in bytes; a longer one is an
	// ErrUnavailable, as a carrier's answer is never that long.
	MaxBody int64
	// Sleep waits d or until ctx ends (default: a timer). Tests replace it
	// to see the waits without spending them.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now reads the clock for Retry-After dates (default time.Now).
	Now func() time.Time
}

// userAgent names trackgate to carriers, which ask API clients to say who
// they are.
const userAgent = "trackgate-adapter/1"

// noRedirects is the default HTTP client: a redirect comes back as the
// answer (and is then not a status the adapter expects).
var noRedirects = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Response is a carrier's answer, read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// NewRequestFunc builds the request of one attempt; Do calls it once per
// attempt because a request body can be read only once.
type NewRequestFunc func(ctx context.Context) (*http.Request, error)

// Do sends the request and returns the first response that is not a
// transient failure (a network error, a timeout, 429 or 5xx), whatever its
// status: reading the carrier's status codes is the adapter's business.
//
// When the attempts run out on transient failures it returns an error
// matching adapters.ErrUnavailable — an *adapters.RetryAfterError if the
// last answer carried a Retry-After. It returns ctx's error, wrapped, when
// ctx ends, and an error matching adapters.ErrMisconfigured when the
// request cannot be built or sent at all (a bad base URL).
func (c *Client) Do(ctx context.Context, newRequest NewRequestFunc) (*Response, error) {
	attempts := cmpOr(c.Attempts, DefaultAttempts)
	for attempt := 1; ; attempt++ {
		resp, failure, err := c.try(ctx, newRequest)
		switch {
		case err != nil:
			return nil, err
		case failure == nil:
			return resp, nil
		case failure.retryAfter > cmpOr(c.MaxWait, DefaultMaxWait):
			return nil, &adapters.RetryAfterError{Wait: failure.retryAfter}
		case attempt >= attempts:
			return nil, failure.err()
		}
		wait := max(c.backoff(attempt), failure.retryAfter)
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("waiting to retry: %w", err)
		}
	}
}

// transient describes an attempt that may succeed if repeated.
type transient struct {
	reason        string
	retryAfter    time.Duration
	hasRetryAfter bool
}

func (f *transient) err() error {
	if f.hasRetryAfter {
		return &adapters.RetryAfterError{Wait: f.retryAfter}
	}
	return fmt.Errorf("%w: %s", adapters.ErrUnavailable, f.reason)
}

// try makes one attempt. It returns the response, or a transient failure,
// or an error that ends the call.
func (c *Client) try(ctx context.Context, newRequest NewRequestFunc) (*Response, *transient, error) {
	actx, cancel := context.WithTimeout(ctx, cmpOr(c.Timeout, DefaultTimeout))
	defer cancel()
	req, err := newRequest(actx)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: building the request: %v", adapters.ErrMisconfigured, withoutURL(err))
	}
	httpc := c.HTTP
	if httpc == nil {
		httpc = noRedirects
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", userAgent)
	}
	resp, err := httpc.Do(req)
	if err != nil {
		f, err := sendFailure(ctx, err)
		return nil, f, err
	}
	defer resp.Body.Close()
	maxBody := cmpOr(c.MaxBody, DefaultMaxBody)
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	switch {
	case err != nil:
		f, err := sendFailure(ctx, err)
		return nil, f, err
	case int64(len(body)) > maxBody:
		return nil, nil, fmt.Errorf("%w: response body exceeds %d bytes", adapters.ErrUnavailable, maxBody)
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		f := &transient{reason: fmt.Sprintf("HTTP %d", resp.StatusCode)}
		f.retryAfter, f.hasRetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.now())
		return nil, f, nil
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil, nil
}

// sendFailure classifies an error of sending or reading: ctx's end ends
// the call, anything else (the attempt's timeout included) is transient.
// Adapters check their base URL when they are opened, so a request that
// cannot be sent at all does not get here.
func sendFailure(ctx context.Context, err error) (*transient, error) {
	if ctx.Err() != nil {
		return nil, fmt.Errorf("calling the carrier: %w", ctx.Err())
	}
	reason := "network error"
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		reason = "timed out"
	}
	return &transient{reason: reason}, nil
}

// withoutURL drops the URL that *url.Error puts in its text.
func withoutURL(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}

func (c *Client) backoff(attempt int) time.Duration {
	d := cmpOr(c.Backoff, DefaultBackoff)
	maxWait := cmpOr(c.MaxWait, DefaultMaxWait)
	for i := 1; i < attempt && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	return d/2 + rand.N(d/2+1)
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// parseRetryAfter reads a Retry-After value (RFC 9110 §10.2.3): a number
// of seconds or an HTTP date. A date in the past means no wait.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// The bound also keeps the multiplication from overflowing.
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return min(max(at.Sub(now), 0), maxRetryAfter), true
	}
	return 0, false
}

// maxRetryAfter bounds a Retry-After: a day is more than any carrier asks
// for, and a parcel should not be forgotten for longer.
const maxRetryAfter = 24 * time.Hour

func cmpOr[T int | int64 | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// BaseURL checks a base URL from an adapter's options: absolute, http or
// https, with a host, and no query or fragment to confuse the paths the
// adapter appends.
func BaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%q is not a URL", raw)
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("%q is not an http or https URL", raw)
	case u.Host == "":
		return nil, fmt.Errorf("%q has no host", raw)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%q must not have a query or fragment", raw)
	}
	return u, nil
}
