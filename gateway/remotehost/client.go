package remotehost

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/signing"
)

// UserAgent is the only User-Agent a courier host sees from the gateway.
const UserAgent = "trackgate-gateway"

// Bounds on a host's answers. A bucket may hold many records (with few
// bucket bits, all of a courier's); everything else is small.
const (
	MaxAnswerBytes = 64 << 10
	MaxBucketBytes = 16 << 20
)

// DefaultTimeout bounds a request when New is given no client; callers
// usually bound each call with their context too.
const DefaultTimeout = 10 * time.Second

// MaxIdleConnsPerHost is how many connections to one courier host the
// transport of NewTransport keeps open. The gateway sends every
// evaluation of a courier to its one host, many at once; net/http's
// default of 2 would close and dial connections all the time.
const MaxIdleConnsPerHost = 64

// NewTransport is the transport of the clients of courier hosts:
// net/http's default, keeping MaxIdleConnsPerHost connections to each
// host. Share one among the clients of all hosts.
func NewTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 0 // no bound over all hosts; each host has its own
	t.MaxIdleConnsPerHost = MaxIdleConnsPerHost
	return t
}

// Client is a remote courier host. It is safe for concurrent use.
type Client struct {
	base   string
	signer *signing.Signer
	// courierKey verifies the host's answer signatures (docs/protocol.md §8).
	courierKey ed25519.PublicKey
	client     *http.Client
	breaker    *gobreaker.CircuitBreaker[*http.Response]
}

// The circuit breaker (docs/protocol.md §12): after breakerTrip
// consecutive host faults the host is not asked for breakerOpen, and every
// call fails at once with api.ErrUnavailable, so a dead or hung host does
// not hold every evaluation until its deadline. Five faults in a row are
// rare on a working host; 10 s spares a sick one the gateway's traffic,
// and then a single probe tells whether it is back.
//
// Only what shows a sick host is a fault: a transport error, a timeout, a
// 5xx answer, a call that another replica outran (Replicas). Every other answer (404 misses, 400, 422, 429 rate limits)
// is the host working, and a caller that gave up says nothing about the
// host at all; clients can cause those, so counting them would let any
// client open the breaker, and so fail every client's evaluations.
const (
	breakerTrip = 5
	breakerOpen = 10 * time.Second
)

// errCallerGaveUp tells the breaker a round trip was ended by the
// caller's cancellation: left out of its counts, neither fault nor success
// (a success would close a half-open breaker that never heard the host).
var errCallerGaveUp = errors.New("caller gave up")

// ErrCircuitOpen wraps api.ErrUnavailable while the breaker is open.
var ErrCircuitOpen = api.ErrCircuitOpen

// New returns a client of the courier host at baseURL (e.g.
// https://tg1.courier.example, without /tg1). Every request is signed with
// signer (registered with the host under the key id "gateway"), for the
// courier signer.Audience names; every answer must carry that courier's
// signature under courierKey, its registered Ed25519 signing key, or it
// is not used. client may be nil for a default one with DefaultTimeout
// and a transport of its own (NewTransport); either way the client's
// cookie jar is not used and redirects are not followed, so signed
// requests go only where they were meant.
func New(baseURL string, signer *signing.Signer, courierKey ed25519.PublicKey, client *http.Client) *Client {
	c := &http.Client{Timeout: DefaultTimeout, Transport: NewTransport()}
	if client != nil {
		*c = *client
	}
	c.Jar = nil
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	base := strings.TrimRight(baseURL, "/")
	return &Client{base: base, signer: signer, courierKey: courierKey, client: c, breaker: newBreaker(base, breakerOpen)}
}

// newBreaker is the breaker of the host at base, open for open after
// breakerTrip consecutive faults; send decides what is a fault.
func newBreaker(base string, open time.Duration) *gobreaker.CircuitBreaker[*http.Response] {
	return gobreaker.NewCircuitBreaker[*http.Response](gobreaker.Settings{
		Name:        base,
		MaxRequests: 1,
		Timeout:     open,
		ReadyToTrip: func(n gobreaker.Counts) bool { return n.ConsecutiveFailures >= breakerTrip },
		IsExcluded:  func(err error) bool { return errors.Is(err, errCallerGaveUp) },
	})
}

// send makes the round trip through the breaker, which counts only host
// faults: a 5xx answer is a fault but is still returned to the caller;
// any other answer is the host working; an error after the caller's
// context was cancelled is left out of the counts.
func (c *Client) send(req *http.Request) (*http.Response, error) {
	var serverError *http.Response
	var gaveUp error
	resp, err := c.breaker.Execute(func() (*http.Response, error) {
		resp, err := c.client.Do(req)
		switch {
		case err != nil && errors.Is(req.Context().Err(), context.Canceled) && context.Cause(req.Context()) != errOutrun:
			gaveUp = err
			return nil, errCallerGaveUp
		case err != nil:
			return nil, err // transport error or timeout: a fault
		case resp.StatusCode >= 500:
			serverError = resp
			return nil, fmt.Errorf("answered %d", resp.StatusCode)
		}
		return resp, nil
	})
	switch {
	case serverError != nil:
		return serverError, nil
	case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests):
		return nil, ErrCircuitOpen
	case gaveUp != nil:
		return nil, gaveUp
	}
	return resp, err
}

// answer is a host's response, read and bounded.
type answer struct {
	status      int
	body        []byte
	problemType string // the problem's "type", when the body is problem+json
}

// do sends one signed request. route is the path template for errors:
// the concrete path may carry a locator or bucket, which must not reach
// the gateway's logs. Failures to get an answer wrap api.ErrUnavailable
// and the cause (a context error among them).
func (c *Client) do(ctx context.Context, method, path, route string, body []byte, limit int64) (*answer, error) {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, reader)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: build request: %w", api.ErrUnavailable, method, route, unwrapURLError(err))
	}
	// Exactly these headers, plus what net/http adds for the transport
	// (Host, Content-Length, Accept-Encoding).
	req.Header = http.Header{}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := c.signer.Sign(req, body); err != nil {
		return nil, fmt.Errorf("%w: %s %s: %w", api.ErrUnavailable, method, route, err)
	}
	resp, err := c.send(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: %w", api.ErrUnavailable, method, route, unwrapURLError(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: read answer: %w", api.ErrUnavailable, method, route, unwrapURLError(err))
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: %s %s: answer larger than %d bytes", api.ErrUnavailable, method, route, limit)
	}
	// Nothing of the answer, not even its status, is believed before its
	// signature: a man in the middle could otherwise serve his own keys,
	// evaluations or records.
	if err := signing.VerifyAnswer(c.courierKey, c.signer.Audience, req.Header.Get(crypto.HeaderNonce), resp, b); err != nil {
		return nil, fmt.Errorf("%w: %s %s: answer of %d: %w", api.ErrUnavailable, method, route, resp.StatusCode, err)
	}
	a := &answer{status: resp.StatusCode, body: b}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == problem.ContentType {
		var d problem.Details
		if api.Decode(bytes.NewReader(b), &d) == nil {
			a.problemType = d.Type
		}
	}
	return a, nil
}

// unwrapURLError drops the *url.Error around a transport error: its text
// holds the full URL, and with it a locator or bucket.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// unexpected is the error for an answer the route does not expect.
func unexpected(method, route string, a *answer) error {
	return fmt.Errorf("%w: %s %s: courier host answered %d", api.ErrUnavailable, method, route, a.status)
}

// malformed is the error for a 200 answer that fails its checks.
func malformed(method, route string, err error) error {
	return fmt.Errorf("%w: %s %s: malformed answer: %w", api.ErrUnavailable, method, route, err)
}
