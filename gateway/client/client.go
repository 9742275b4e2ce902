package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/trackgate/trackgate/gateway/api"
)

// UserAgent is sent with every request. It names the SDK and protocol
// only: nothing about the app or the user.
const UserAgent = "trackgate-sdk/tg1"

// DefaultMaxHandoffs is how many onward legs Track follows by default.
//
// It was 4 before revision 2. Every lookup now makes 1 + H rounds whatever
// the answer (docs/protocol.md §11), each with one element and one fetch
// per courier of the directory, so a lookup costs (1+H) × couriers
// evaluations and fetches against the gateway's per-client limits. Two
// onward legs cover the usual first mile → line haul → last mile chain.
const DefaultMaxHandoffs = 2

// Response size limits. A bucket holds every live record of a slice of
// the deployment (all of it when bucket_bits is 0), so it gets the most.
const (
	maxDirectoryBytes = 1 << 20
	maxEvaluateBytes  = 1 << 20
	maxBucketBytes    = 64 << 20
	maxRecordBytes    = 1 << 20
	maxProblemBytes   = 16 << 10
)

// Client tracks parcels through one gateway. It is safe for concurrent
// use; the directory it caches is shared by all calls.
type Client struct {
	base        *url.URL
	http        *http.Client
	private     bool
	now         func() time.Time
	maxHandoffs int

	// fetchMu serializes directory fetches and their key log checks, and
	// guards keyLog.
	fetchMu sync.Mutex
	keyLog  keyLogCheck

	mu  sync.Mutex
	dir *directory // last validated directory, nil before the first fetch
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client used for every request (default: a
// client of the Client's own, see New). Give it no cookie jar: the
// gateway needs none; and let it keep connections open: a lookup fetches
// one bucket per directory courier at once, round after round.
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// newHTTPClient is the HTTP client of a Client given none: net/http's
// default transport, keeping up to 64 idle connections to the gateway
// instead of 2, so that the fetches of a round (up to 16 at once) do not
// dial anew in every round.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t}
}

// WithPrivateFetch chooses how records are fetched. True (the default)
// fetches the whole bucket a locator falls in, so the gateway does not
// learn which record was read; false fetches /v1/records/{locator}, which
// is faster but shows the gateway the exact locator. Either way one fetch
// is made per element evaluated, dummies included (docs/protocol.md §11).
func WithPrivateFetch(private bool) Option { return func(c *Client) { c.private = private } }

// WithNow sets the clock used to choose the key that is valid now.
func WithNow(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// WithMaxHandoffs sets how deep Track follows handoffs to onward couriers
// (default DefaultMaxHandoffs; 0 follows none). It is the lookup's fixed
// shape, not a limit reached only when needed: every Track makes 1 + n
// rounds of requests, found or not, so a larger n costs every lookup more.
func WithMaxHandoffs(n int) Option { return func(c *Client) { c.maxHandoffs = n } }

// New returns a Client for the gateway at gatewayURL, e.g.
// "https://track.example" (a path prefix is kept: the API is under
// gatewayURL + "/v1").
func New(gatewayURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(gatewayURL)
	if err != nil {
		return nil, fmt.Errorf("gateway URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("gateway URL %q: want http:// or https:// and a host", gatewayURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("gateway URL %q: credentials, query and fragment are not allowed", gatewayURL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	c := &Client{
		base:        u,
		http:        newHTTPClient(),
		private:     true,
		now:         time.Now,
		maxHandoffs: DefaultMaxHandoffs,
	}
	for _, opt := range opts {
		opt(c)
	}
	if c.http == nil {
		c.http = newHTTPClient()
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.maxHandoffs < 0 {
		return nil, fmt.Errorf("max handoffs %d: must not be negative", c.maxHandoffs)
	}
	if err := c.keyLog.init(); err != nil {
		return nil, err
	}
	return c, nil
}

// endpoint builds the URL of an API path given as escaped segments.
func (c *Client) endpoint(segments ...string) string {
	return c.base.JoinPath(segments...).String()
}

// do sends req and returns the response when its status is one of ok;
// any other status becomes a *GatewayError. The caller closes the body.
func (c *Client) do(req *http.Request, op string, ok ...int) (*http.Response, error) {
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	for _, s := range ok {
		if resp.StatusCode == s {
			return resp, nil
		}
	}
	defer resp.Body.Close()
	return nil, newGatewayError(op, resp)
}

// getJSON fetches path and decodes a 200 answer into v. It returns
// found=false for a 404 when allow404 is set.
func (c *Client) getJSON(ctx context.Context, op, target string, limit int64, allow404 bool, v any) (found bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	ok := []int{http.StatusOK}
	if allow404 {
		ok = append(ok, http.StatusNotFound)
	}
	resp, err := c.do(req, op, ok...)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxProblemBytes))
		return false, nil
	}
	if err := decodeBody(resp.Body, limit, v); err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	return true, nil
}

// postJSON posts v as JSON and decodes a 200 answer into out.
func (c *Client) postJSON(ctx context.Context, op, target string, v any, limit int64, out any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.do(req, op, http.StatusOK)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := decodeBody(resp.Body, limit, out); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// readBody reads at most limit bytes, failing on a longer body rather
// than decoding a truncated one.
func readBody(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: answer larger than %d bytes", ErrGateway, limit)
	}
	return b, nil
}

func decodeBody(r io.Reader, limit int64, v any) error {
	b, err := readBody(r, limit)
	if err != nil {
		return err
	}
	if recs, ok := v.(*api.PublicRecords); ok {
		// A lookup reads one bucket answer per courier and round: decoded
		// in one pass.
		if *recs, err = api.DecodePublicRecords(b); err != nil {
			return fmt.Errorf("%w: answer is not the expected JSON: %v", ErrGateway, err)
		}
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: answer is not the expected JSON: %v", ErrGateway, err)
	}
	return nil
}
