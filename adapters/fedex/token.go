package fedex

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
)

// refreshMargin is how long before its expiry a token is replaced, so
// that no lookup sends one that expires on the way: five minutes, or a
// tenth of a short-lived token's life.
func refreshMargin(lifetime time.Duration) time.Duration {
	return min(5*time.Minute, lifetime/10)
}

// tokenSource fetches OAuth client-credentials tokens (FedEx's
// /oauth/token, the credentials in the form body) and caches them.
type tokenSource struct {
	client     *carrierhttp.Client
	url        string
	id, secret string
	now        func() time.Time

	flight singleflight.Group
	mu     sync.Mutex
	token  string
	renew  time.Time // fetch a new token from then on
}

// get returns a token that is valid for a while yet, fetching one — once,
// for every caller waiting at the time — when the cached one is missing
// or due for renewal.
func (ts *tokenSource) get(ctx context.Context) (string, error) {
	if tok, ok := ts.cached(); ok {
		return tok, nil
	}
	ch := ts.flight.DoChan("token", func() (any, error) {
		if tok, ok := ts.cached(); ok {
			return tok, nil // fetched by a flight that just ended
		}
		// One caller's end must not fail the others waiting on the flight;
		// the client's timeouts bound the fetch.
		return ts.fetch(context.WithoutCancel(ctx))
	})
	select {
	case <-ctx.Done():
		return "", fmt.Errorf("waiting for a token: %w", ctx.Err())
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	}
}

func (ts *tokenSource) cached() (string, bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.token, ts.token != "" && ts.now().Before(ts.renew)
}

// drop forgets tok, which FedEx refused, unless a newer one replaced it.
func (ts *tokenSource) drop(tok string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token == tok {
		ts.token = ""
	}
}

// tokenResponse is FedEx's answer; expires_in is a number of seconds
// (3599), read as a string too.
type tokenResponse struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
}

func (ts *tokenSource) fetch(ctx context.Context) (string, error) {
	issued := ts.now()
	resp, err := ts.client.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		body := url.Values{"grant_type": {"client_credentials"}, "client_id": {ts.id}, "client_secret": {ts.secret}}.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.url, strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	switch resp.Status {
	case http.StatusOK:
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
		return "", fmt.Errorf("token: %w: HTTP %d%s, check the API key and secret key", adapters.ErrMisconfigured, resp.Status, errorCodes(resp.Body))
	default:
		return "", fmt.Errorf("token: %w: HTTP %d", adapters.ErrUnavailable, resp.Status)
	}
	var tr tokenResponse
	if err := json.Unmarshal(resp.Body, &tr); err != nil || tr.AccessToken == "" {
		return "", fmt.Errorf("token: %w", errMalformed)
	}
	lifetime, ok := seconds(tr.ExpiresIn)
	if !ok {
		return "", fmt.Errorf("token: %w: expires_in does not read", errMalformed)
	}
	ts.mu.Lock()
	ts.token, ts.renew = tr.AccessToken, issued.Add(lifetime-refreshMargin(lifetime))
	ts.mu.Unlock()
	return tr.AccessToken, nil
}

// seconds reads expires_in, a number or a string of seconds.
func seconds(raw json.RawMessage) (time.Duration, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 || n > 365*86400 {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}
