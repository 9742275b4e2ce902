package signing

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

func TestVerifyRefusesAReplayedRequest(t *testing.T) {
	pub, priv := newKey(t)
	v := newVerifier(keyring(pub), at(testNow))
	body := []byte(`{"kid":"k","blinded":[]}`)
	first := signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow)
	again := first.Clone(context.Background())
	if _, err := v.Verify(first, body); err != nil {
		t.Fatalf("first request: %v", err)
	}
	if _, err := v.Verify(again, body); !errors.Is(err, ErrReplayed) {
		t.Fatalf("the same request again: %v, want ErrReplayed", err)
	}
	// The same nonce under a new signature is still a replay: the pair is
	// what counts, not the signature bytes.
	if _, err := v.Verify(signedRequest(t, priv, "POST", "/tg1/evaluate", body, testNow), body); err != nil {
		t.Errorf("a fresh request: %v", err)
	}
}

func TestVerifyRecordsNoNonceOfARefusedRequest(t *testing.T) {
	pub, priv := newKey(t)
	nonces := NewMemoryNonces(0, at(testNow))
	v := &Verifier{Keys: keyring(pub), Audience: testAudience, Nonces: nonces, Now: at(testNow)}
	req := signedRequest(t, priv, "POST", "/tg1/evaluate", []byte("a"), testNow)
	if _, err := v.Verify(req, []byte("b")); !errors.Is(err, crypto.ErrBadSignature) {
		t.Fatalf("error %v", err)
	}
	if nonces.Len() != 0 {
		t.Errorf("a request with a bad signature left %d nonces in the store", nonces.Len())
	}
}

type failingNonces struct{}

func (failingNonces) Seen(context.Context, string, string, time.Duration) (bool, error) {
	return false, errors.New("dial tcp 127.0.0.1:6379: connection refused")
}

func TestRequireFailsClosedWhenTheNonceStoreFails(t *testing.T) {
	pub, priv := newKey(t)
	for name, nonces := range map[string]NonceStore{"store fails": failingNonces{}, "no store": nil} {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			called := 0
			v := &Verifier{Keys: keyring(pub), Audience: testAudience, Nonces: nonces, Now: at(testNow),
				Logger: slog.New(slog.NewTextHandler(&logs, nil))}
			e := requireEngine(v, 1<<10, &called)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, signedRequest(t, priv, "POST", "/echo", []byte("x"), testNow))
			if rec.Code != http.StatusServiceUnavailable || called != 0 {
				t.Errorf("status %d, handler called %d times; want 503 and not called", rec.Code, called)
			}
			if strings.Contains(rec.Body.String(), "6379") {
				t.Errorf("the answer carries the store's error: %s", rec.Body)
			}
			if !strings.Contains(logs.String(), "nonce") {
				t.Errorf("the failure was not logged: %q", logs.String())
			}
		})
	}
}

func TestRequireAnswers401ToAReplay(t *testing.T) {
	pub, priv := newKey(t)
	called := 0
	e := requireEngine(newVerifier(keyring(pub), at(testNow)), 1<<10, &called)
	req := signedRequest(t, priv, "POST", "/echo", []byte("x"), testNow)
	replay := req.Clone(context.Background())
	replay.Body = io.NopCloser(strings.NewReader("x"))
	for i, r := range []*http.Request{req, replay} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, r)
		want := []int{http.StatusOK, http.StatusUnauthorized}[i]
		if rec.Code != want {
			t.Errorf("request %d: status %d, want %d (%s)", i, rec.Code, want, rec.Body)
		}
		if i == 1 && !strings.Contains(rec.Body.String(), "already used") {
			t.Errorf("replay answer %s does not say the nonce was used", rec.Body)
		}
	}
	if called != 1 {
		t.Errorf("handler ran %d times, want once", called)
	}
}

func TestMemoryNoncesExpire(t *testing.T) {
	now := testNow
	m := NewMemoryNonces(0, func() time.Time { return now })
	ctx := context.Background()
	if seen, err := m.Seen(ctx, "gateway", "n1", time.Minute); seen || err != nil {
		t.Fatalf("first sight: %v %v", seen, err)
	}
	if seen, _ := m.Seen(ctx, "gateway", "n1", time.Minute); !seen {
		t.Fatal("second sight not seen")
	}
	if seen, _ := m.Seen(ctx, "sim-east", "n1", time.Minute); seen {
		t.Error("the same nonce of another key id counted as seen")
	}
	now = now.Add(time.Minute - time.Nanosecond)
	if seen, _ := m.Seen(ctx, "gateway", "n1", time.Minute); !seen {
		t.Error("forgotten before its time")
	}
	now = now.Add(time.Nanosecond)
	if seen, _ := m.Seen(ctx, "gateway", "n1", time.Minute); seen {
		t.Error("remembered after its time")
	}
	if m.Len() != 1 {
		t.Errorf("%d pairs kept, want 1: expired ones must go", m.Len())
	}
}

func TestMemoryNoncesAreBounded(t *testing.T) {
	now := testNow
	m := NewMemoryNonces(3, func() time.Time { return now })
	ctx := context.Background()
	for _, n := range []string{"a", "b", "c"} {
		if _, err := m.Seen(ctx, "gateway", n, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Seen(ctx, "gateway", "d", time.Minute); !errors.Is(err, ErrNonceStoreFull) {
		t.Fatalf("a fourth pair: %v, want ErrNonceStoreFull", err)
	}
	if seen, err := m.Seen(ctx, "gateway", "a", time.Minute); !seen || err != nil {
		t.Errorf("a known pair in a full store: %v %v, want seen", seen, err)
	}
	now = now.Add(time.Minute)
	if _, err := m.Seen(ctx, "gateway", "d", time.Minute); err != nil {
		t.Errorf("room is made once pairs expire: %v", err)
	}
}

func TestMemoryNoncesUnderConcurrency(t *testing.T) {
	m := NewMemoryNonces(0, nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	for range 8 {
		wg.Go(func() {
			for i := range 100 {
				seen, err := m.Seen(context.Background(), "gateway", string(rune('a'+i%26))+"x", time.Minute)
				if err != nil {
					t.Error(err)
				}
				if !seen {
					mu.Lock()
					firsts++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if firsts != 26 {
		t.Errorf("%d first sights of 26 nonces", firsts)
	}
}
