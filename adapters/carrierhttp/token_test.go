package carrierhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// tokenEndpoint is a carrier's OAuth token endpoint: it checks the
// credentials where it expects them and counts the tokens it issues.
type tokenEndpoint struct {
	inBody    bool
	status    int    // of every answer; 0 is 200
	expiresIn string // JSON; "" leaves it out
	delay     time.Duration

	mu     sync.Mutex
	issued int
	scopes []string
}

func (e *tokenEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(e.delay)
	r.ParseForm()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.status != 0 {
		w.WriteHeader(e.status)
		w.Write([]byte(`{"errors":[{"code":"NOT.AUTHORIZED.ERROR"}]}`))
		return
	}
	id, secret, basic := r.BasicAuth()
	if basic { // RFC 6749 §2.3.1: each form-encoded, then Basic
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	}
	if e.inBody {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if basic == e.inBody || id != "tg:client" || secret != "s3cret+" || r.PostForm.Get("grant_type") != "client_credentials" {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	e.issued++
	e.scopes = append(e.scopes, r.PostForm.Get("scope"))
	body := fmt.Sprintf(`{"access_token":"tok%d","token_type":"Bearer"`, e.issued)
	if e.expiresIn != "" {
		body += `,"expires_in":` + e.expiresIn
	}
	w.Write([]byte(body + "}"))
}

// clock is a test's clock, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func tokenSource(t *testing.T, e *tokenEndpoint) (*TokenSource, *clock) {
	t.Helper()
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	c := &clock{t: time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)}
	return &TokenSource{Client: &Client{HTTP: srv.Client(), Attempts: 1}, URL: srv.URL + "/oauth/token",
		ClientID: "tg:client", ClientSecret: "s3cret+", InBody: e.inBody, Now: c.now}, c
}

func TestTokensAreCachedUntilShortlyBeforeTheyExpire(t *testing.T) {
	for _, inBody := range []bool{false, true} {
		e := &tokenEndpoint{inBody: inBody, expiresIn: `"3600"`}
		ts, clock := tokenSource(t, e)
		ts.Scope = "track"
		for range 3 {
			if tok, err := ts.Token(context.Background()); err != nil || tok != "tok1" {
				t.Fatalf("in body %v: %q, %v", inBody, tok, err)
			}
		}
		clock.add(54 * time.Minute)
		if tok, _ := ts.Token(context.Background()); tok != "tok1" {
			t.Errorf("in body %v: renewed %v early", inBody, tok)
		}
		clock.add(time.Minute) // five minutes before it expires
		if tok, _ := ts.Token(context.Background()); tok != "tok2" {
			t.Errorf("in body %v: %q five minutes before the expiry; want a new token", inBody, tok)
		}
		if e.issued != 2 || e.scopes[0] != "track" {
			t.Errorf("in body %v: %d tokens, scopes %q", inBody, e.issued, e.scopes)
		}
	}
}

func TestAShortLivedTokenIsRenewedAfterNineTenthsOfItsLife(t *testing.T) {
	ts, clock := tokenSource(t, &tokenEndpoint{expiresIn: `600`})
	ts.Token(context.Background())
	clock.add(539 * time.Second)
	if tok, _ := ts.Token(context.Background()); tok != "tok1" {
		t.Errorf("renewed at 539s: %q", tok)
	}
	clock.add(time.Second)
	if tok, _ := ts.Token(context.Background()); tok != "tok2" {
		t.Errorf("at 540s: %q; want a new token", tok)
	}
}

func TestConcurrentCallersShareOneFetch(t *testing.T) {
	e := &tokenEndpoint{expiresIn: `3599`, delay: 50 * time.Millisecond}
	ts, _ := tokenSource(t, e)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if tok, err := ts.Token(context.Background()); err != nil || tok != "tok1" {
				t.Errorf("%q, %v", tok, err)
			}
		})
	}
	wg.Wait()
	if e.issued != 1 {
		t.Errorf("%d tokens for 8 concurrent callers; want 1", e.issued)
	}
}

func TestDropFetchesAnewUnlessANewerTokenReplacedIt(t *testing.T) {
	ts, _ := tokenSource(t, &tokenEndpoint{expiresIn: `3599`})
	ts.Token(context.Background())
	ts.Drop("tok1")
	if tok, _ := ts.Token(context.Background()); tok != "tok2" {
		t.Errorf("after Drop: %q; want a new token", tok)
	}
	ts.Drop("tok1") // a caller late with the old one
	if tok, _ := ts.Token(context.Background()); tok != "tok2" {
		t.Errorf("a late Drop of an old token: %q; want tok2 kept", tok)
	}
}

func TestSendTriesOnceMoreWithAFreshTokenAfterA401(t *testing.T) {
	cases := []struct {
		name     string
		statuses []int // the carrier's answer to each token in turn
		want     int
		sent     []string
	}{
		{"accepted", []int{200}, 200, []string{"tok1"}},
		{"refused once", []int{401, 200}, 200, []string{"tok1", "tok2"}},
		{"refused twice", []int{401, 401}, 401, []string{"tok1", "tok2"}},
		{"another refusal is the caller's", []int{403}, 403, []string{"tok1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts, _ := tokenSource(t, &tokenEndpoint{expiresIn: `3599`})
			var sent []string
			resp, err := ts.Send(context.Background(), func(tok string) (*Response, error) {
				sent = append(sent, tok)
				return &Response{Status: tc.statuses[len(sent)-1]}, nil
			})
			if err != nil || resp.Status != tc.want || !slices.Equal(sent, tc.sent) {
				t.Errorf("%v, %v after sending %q; want %d after %q", resp, err, sent, tc.want, tc.sent)
			}
		})
	}
}

func TestSendReturnsTheErrorsAsTheyCame(t *testing.T) {
	ts, _ := tokenSource(t, &tokenEndpoint{status: http.StatusUnauthorized})
	sent := false
	_, err := ts.Send(context.Background(), func(string) (*Response, error) { sent = true; return nil, nil })
	if !errors.Is(err, adapters.ErrMisconfigured) || !strings.HasPrefix(err.Error(), "token: ") || sent {
		t.Errorf("a refused token: %v, sent %v; want the token's error and nothing sent", err, sent)
	}
	ts, _ = tokenSource(t, &tokenEndpoint{expiresIn: `3599`})
	failed := errors.New("track: broken")
	if _, err := ts.Send(context.Background(), func(string) (*Response, error) { return nil, failed }); err != failed {
		t.Errorf("a failed send: %v; want %v", err, failed)
	}
}

func TestTokenErrors(t *testing.T) {
	cases := []struct {
		name    string
		e       *tokenEndpoint
		refused func([]byte) string
		want    error
		text    string
	}{
		{"refused", &tokenEndpoint{status: 401}, nil, adapters.ErrMisconfigured, "HTTP 401, check the client id and secret"},
		{"refused in the carrier's words", &tokenEndpoint{status: 403}, func(b []byte) string {
			var v struct{ Errors []struct{ Code string } }
			json.Unmarshal(b, &v)
			return " (" + v.Errors[0].Code + "), check the API key and secret key"
		}, adapters.ErrMisconfigured, "HTTP 403 (NOT.AUTHORIZED.ERROR), check the API key and secret key"},
		{"down", &tokenEndpoint{status: 503}, nil, adapters.ErrUnavailable, "HTTP 503"},
		{"no expires_in", &tokenEndpoint{}, nil, adapters.ErrUnavailable, "expires_in does not read"},
		{"an expires_in that does not read", &tokenEndpoint{expiresIn: `"soon"`}, nil, adapters.ErrUnavailable, "expires_in does not read"},
	}
	for _, tc := range cases {
		ts, _ := tokenSource(t, tc.e)
		ts.Refused = tc.refused
		_, err := ts.Token(context.Background())
		if !errors.Is(err, tc.want) || err == nil || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: %v; want %v saying %q", tc.name, err, tc.want, tc.text)
		}
	}
}

func TestATokenWithoutExpiryLivesTheDefaultLife(t *testing.T) {
	ts, clock := tokenSource(t, &tokenEndpoint{})
	ts.DefaultLife = 10 * time.Minute
	if tok, err := ts.Token(context.Background()); err != nil || tok != "tok1" {
		t.Fatalf("%q, %v", tok, err)
	}
	clock.add(9 * time.Minute)
	if tok, _ := ts.Token(context.Background()); tok != "tok2" {
		t.Errorf("after 9 of its 10 minutes: %q; want a new token", tok)
	}
}

func TestTokenLife(t *testing.T) {
	for raw, want := range map[string]time.Duration{`3600`: time.Hour, `"599"`: 599 * time.Second, ` "60" `: time.Minute, ``: time.Minute, `null`: time.Minute} {
		if got, ok := tokenLife([]byte(raw), time.Minute); !ok || got != want {
			t.Errorf("tokenLife(%s) = %v, %v; want %v", raw, got, ok, want)
		}
	}
	for _, raw := range []string{`"soon"`, `-1`, `0`, `99999999999`} {
		if _, ok := tokenLife([]byte(raw), time.Minute); ok {
			t.Errorf("tokenLife(%s) read", raw)
		}
	}
	if _, ok := tokenLife(nil, 0); ok {
		t.Error("no expires_in and no default read")
	}
}
