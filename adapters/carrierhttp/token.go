package carrierhttp

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
)

// TokenSource fetches OAuth 2.0 client-credentials tokens (RFC 6749
// §4.4) from a carrier's token endpoint and caches each until shortly
// before it expires: five minutes before, or a tenth of a short-lived
// token's life. Callers that find no valid token share one fetch. A
// caller whose request the carrier refuses with the token calls Drop,
// and the next Token fetches a new one; Send does both for a request
// that carries the token.
//
// Its fields are set before its first use; it is safe for concurrent use.
type TokenSource struct {
	// Client sends the token requests (nil: a Client with the defaults).
	Client *Client
	// URL is the token endpoint.
	URL string
	// ClientID and ClientSecret are sent with HTTP Basic authentication,
	// each form-encoded (RFC 6749 §2.3.1), or in the form body when
	// InBody is set, as some carriers ask (FedEx).
	ClientID, ClientSecret string
	InBody                 bool
	// Scope is asked for when set.
	Scope string
	// DefaultLife is the life of a token whose answer gives no
	// expires_in; without one, such an answer is malformed.
	DefaultLife time.Duration
	// Refused says what follows "HTTP 401" in the error of a refusal
	// (HTTP 400, 401 or 403): the carrier's names for the credentials and
	// its error codes. Default: ", check the client id and secret".
	Refused func(body []byte) string
	// Now reads the clock (default time.Now).
	Now func() time.Time

	flight singleflight.Group
	mu     sync.Mutex
	token  string
	renew  time.Time // fetch a new token from then on
}

// Token returns a token that is valid for a while yet, fetching one —
// once for every caller waiting at the time — when the cached one is
// missing or due for renewal. A refusal is adapters.ErrMisconfigured,
// anything else adapters.ErrUnavailable.
func (ts *TokenSource) Token(ctx context.Context) (string, error) {
	if tok, ok := ts.cached(); ok {
		return tok, nil
	}
	ch := ts.flight.DoChan("token", func() (any, error) {
		if tok, ok := ts.cached(); ok {
			return tok, nil // fetched by a flight that just ended
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

// Drop forgets tok, which the carrier refused, unless a newer token
// replaced it.
func (ts *TokenSource) Drop(tok string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token == tok {
		ts.token = ""
	}
}

// Send calls send with a token, and when the carrier answers 401 — the
// token expired early, or was revoked — drops it and calls send once
// more with a fresh one. It returns the last answer whatever its status
// (a 401 with a fresh token is the caller's to report), or the first
// error: Token's as it is, send's as send wrapped it.
func (ts *TokenSource) Send(ctx context.Context, send func(token string) (*Response, error)) (*Response, error) {
	for attempt := 1; ; attempt++ {
		tok, err := ts.Token(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := send(tok)
		if err != nil || resp.Status != http.StatusUnauthorized {
			return resp, err
		}
		ts.Drop(tok)
		if attempt > 1 {
			return resp, nil
		}
	}
}

func (ts *TokenSource) cached() (string, bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.token, ts.token != "" && ts.now().Before(ts.renew)
}

func (ts *TokenSource) now() time.Time {
	if ts.Now != nil {
		return ts.Now()
	}
	return time.Now()
}

func (ts *TokenSource) fetch(ctx context.Context) (string, error) {
	issued := ts.now()
	form := url.Values{"grant_type": {"client_credentials"}}
	if ts.Scope != "" {
		form.Set("scope", ts.Scope)
	}
	if ts.InBody {
		form.Set("client_id", ts.ClientID)
		form.Set("client_secret", ts.ClientSecret)
	}
	client := ts.Client
	if client == nil {
		client = &Client{}
	}
	resp, err := client.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		if !ts.InBody {
			req.SetBasicAuth(url.QueryEscape(ts.ClientID), url.QueryEscape(ts.ClientSecret))
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
		hint := ", check the client id and secret"
		if ts.Refused != nil {
			hint = ts.Refused(resp.Body)
		}
		return "", fmt.Errorf("token: %w: HTTP %d%s", adapters.ErrMisconfigured, resp.Status, hint)
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
	life, ok := tokenLife(tr.ExpiresIn, ts.DefaultLife)
	if !ok {
		return "", fmt.Errorf("token: %w: expires_in does not read", adapters.ErrUnavailable)
	}
	ts.mu.Lock()
	ts.token, ts.renew = tr.AccessToken, issued.Add(life-min(5*time.Minute, life/10))
	ts.mu.Unlock()
	return tr.AccessToken, nil
}

// tokenLife reads expires_in, seconds as a number or a string (UPS's
// documentation has a string, some of its environments a number); def
// when it is absent, if def is not 0.
func tokenLife(raw json.RawMessage, def time.Duration) (time.Duration, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return def, def > 0
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
