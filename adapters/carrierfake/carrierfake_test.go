package carrierfake

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters/adaptertest"
)

// plain is a carrier whose tracking endpoint is GET /track/NUMBER with
// the header Key: k.
var plain = Carrier{
	Track: func(r *http.Request) (string, bool) {
		return strings.CutPrefix(r.URL.Path, "/track/")
	},
	Authorize: func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("Key") != "k" {
			http.Error(w, "no", http.StatusUnauthorized)
			return false
		}
		return true
	},
	Error:     func(w http.ResponseWriter, status int) { http.Error(w, "error", status) },
	Malformed: "{",
	Other: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "token")
	}),
}

func get(t *testing.T, f *Fake, path, key string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, f.URL()+path, nil)
	req.Header.Set("Key", key)
	resp, err := f.Client().HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestFakePlaysEachScenario(t *testing.T) {
	f := Start(t, plain, adaptertest.Found, "123", []byte(`{"found":true}`))
	if status, _, body := get(t, f, "/track/123", "k"); status != 200 || body != `{"found":true}` {
		t.Errorf("found: %d %q", status, body)
	}
	if status, _, _ := get(t, f, "/track/999", "k"); status != 404 {
		t.Errorf("another number: %d", status)
	}
	if status, _, _ := get(t, f, "/track/123", "wrong"); status != 401 {
		t.Errorf("bad key: %d", status)
	}
	if _, _, body := get(t, f, "/token", ""); body != "token" {
		t.Errorf("other endpoint: %q", body)
	}
	f.First = []adaptertest.Scenario{adaptertest.RateLimited, adaptertest.ServerError, adaptertest.Malformed}
	if status, h, _ := get(t, f, "/track/123", "k"); status != 429 || h.Get("Retry-After") != "120" {
		t.Errorf("rate limited: %d %v", status, h)
	}
	if status, _, _ := get(t, f, "/track/123", "k"); status != 503 {
		t.Errorf("server error: %d", status)
	}
	if status, _, body := get(t, f, "/track/123", "k"); status != 200 || body != "{" {
		t.Errorf("malformed: %d %q", status, body)
	}
	if n := len(f.Tracks()); n != 6 || f.Tracks()[0].Number != "123" {
		t.Errorf("%d tracking requests recorded: %+v", n, f.Tracks())
	}
}

func TestAnswerServesTheRealAnswerForAnyNumber(t *testing.T) {
	f := Answer(t, plain, 404, []byte(`{"title":"No result found"}`))
	if status, _, body := get(t, f, "/track/anything", "k"); status != 404 || body != `{"title":"No result found"}` {
		t.Errorf("real answer: %d %q", status, body)
	}
}

func TestTroubleAnswersTheScenariosOfTrouble(t *testing.T) {
	cases := []struct {
		s      adaptertest.Scenario
		status int
		body   string
	}{
		{adaptertest.RateLimited, 429, "Too Many Requests\n"},
		{adaptertest.ServerError, 502, "<html><body>502 Bad Gateway</body></html>\n"},
		{adaptertest.Malformed, 200, `{"code":`},
	}
	for _, tc := range cases {
		w := httptest.NewRecorder()
		if !Trouble(w, httptest.NewRequest(http.MethodPost, "/", nil), tc.s, `{"code":`) || w.Code != tc.status || w.Body.String() != tc.body {
			t.Errorf("%v: %d %q", tc.s, w.Code, w.Body)
		}
	}
	if w := httptest.NewRecorder(); w.Header().Get("Retry-After") != "" || Trouble(w, httptest.NewRequest(http.MethodPost, "/", nil), adaptertest.Found, "{") {
		t.Error("Found is no trouble")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if !Trouble(httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, http.MethodPost, "/", nil), adaptertest.Slow, "") {
		t.Error("Slow is trouble")
	}
}

func TestClockMovesByHandOnly(t *testing.T) {
	start := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	c := NewClock(start)
	c.Advance(time.Hour)
	if got := c.Now(); !got.Equal(start.Add(time.Hour)) {
		t.Errorf("Now %v; want %v", got, start.Add(time.Hour))
	}
}
