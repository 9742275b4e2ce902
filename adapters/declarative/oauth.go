package declarative

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

// tokenSource fetches OAuth 2.0 client-credentials tokens and caches them
// until shortly before they expire.
type tokenSource struct {
	client                     *carrierhttp.Client
	tokenURL, clientID, secret string
	scope                      string
	inForm                     bool
	now                        func() time.Time
	flight                     singleflight.Group
	mu                         sync.Mutex
	token                      string
	renew                      time.Time // fetch a new token from then on
}

// defaultTokenLife is how long a token whose answer has no expires_in is
// used.
const defaultTokenLife = 10 * time.Minute

// get returns a token that is valid for a while yet, fetching one — once
// for every caller waiting at the time — when the cached one is missing
// or due for renewal.
func (ts *tokenSource) get(ctx context.Context) (string, error) {
	if tok, ok := ts.cached(); ok {
		return tok, nil
	}
	ch := ts.flight.DoChan("token", func() (any, error) {
		if tok, ok := ts.cached(); ok {
			return tok, nil
		}
		// One caller's end must not fail the others waiting on the
		// flight; the client's timeouts bound the fetch.
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

// drop forgets tok, which the carrier refused, unless a newer one
// replaced it.
func (ts *tokenSource) drop(tok string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token == tok {
		ts.token = ""
	}
}

func (ts *tokenSource) fetch(ctx context.Context) (string, error) {
	issued := ts.now()
	form := url.Values{"grant_type": {"client_credentials"}}
	if ts.scope != "" {
		form.Set("scope", ts.scope)
	}
	if ts.inForm {
		form.Set("client_id", ts.clientID)
		form.Set("client_secret", ts.secret)
	}
	resp, err := ts.client.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.tokenURL, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		if !ts.inForm {
			req.SetBasicAuth(url.QueryEscape(ts.clientID), url.QueryEscape(ts.secret)) // RFC 6749 §2.3.1
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
		return "", fmt.Errorf("token: %w: HTTP %d, check the client id and secret", adapters.ErrMisconfigured, resp.Status)
	default:
		return "", fmt.Errorf("token: %w: HTTP %d", adapters.ErrUnavailable, resp.Status)
	}
	var tr struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(resp.Body, &tr); err != nil || tr.AccessToken == "" {
		return "", fmt.Errorf("token: %w: the answer has no access_token", adapters.ErrUnavailable)
	}
	life, ok := tokenLife(tr.ExpiresIn)
	if !ok {
		return "", fmt.Errorf("token: %w: expires_in does not read", adapters.ErrUnavailable)
	}
	ts.mu.Lock()
	ts.token, ts.renew = tr.AccessToken, issued.Add(life-min(5*time.Minute, life/10))
	ts.mu.Unlock()
	return tr.AccessToken, nil
}

// tokenLife reads expires_in, seconds as a number or a string;
// defaultTokenLife when absent.
func tokenLife(raw json.RawMessage) (time.Duration, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return defaultTokenLife, true
	}
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
