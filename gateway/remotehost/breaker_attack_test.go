package remotehost

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/problem"
)

// outcome is how scriptedTransport ends a round trip; the zero outcome
// passes the request to the real host.
type outcome struct {
	status int   // answer this status with a problem body
	err    error // fail as a transport does
	hang   bool  // wait until the request's context ends
}

// scriptedTransport stands between a Client and a real courier host and
// ends each round trip as the test says.
type scriptedTransport struct {
	next http.RoundTripper
	sent atomic.Int32 // round trips that reached the transport

	mu      sync.Mutex
	current outcome
}

func (s *scriptedTransport) set(o outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.current = o
}

func (s *scriptedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s.sent.Add(1)
	s.mu.Lock()
	o := s.current
	s.mu.Unlock()
	switch {
	case o.hang:
		<-req.Context().Done()
		return nil, req.Context().Err()
	case o.err != nil:
		return nil, o.err
	case o.status != 0:
		// Signed like a real host's answer, so the client reads it as one.
		body := problemBody("about:blank", o.status)
		sig := crypto.SignAnswer(testAnswerKey, testCourier, o.status, req.Header.Get(crypto.HeaderNonce), body)
		return &http.Response{
			StatusCode: o.status, Request: req, ContentLength: int64(len(body)),
			Header: http.Header{"Content-Type": {problem.ContentType}, crypto.HeaderSignature: {sig}},
			Body:   io.NopCloser(bytes.NewReader(body)),
		}, nil
	}
	return s.next.RoundTrip(req)
}

// scriptedClient is a Client of a real pull-mode courier host through a
// scriptedTransport.
func scriptedClient(t *testing.T) (*remoteFixture, *Client, *scriptedTransport) {
	t.Helper()
	f := newRemoteFixture(t, nil)
	tr := &scriptedTransport{next: f.srv.Client().Transport}
	return f, New(f.srv.URL, f.client.signer, testAnswerPub, &http.Client{Transport: tr}), tr
}

// call asks the host for a bucket under outcome o; a hanging call is
// given up by its caller (cancel) or by its deadline.
func call(c *Client, tr *scriptedTransport, o outcome, deadline bool) error {
	tr.set(o)
	ctx, cancel := context.WithCancel(context.Background())
	if deadline {
		ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	} else if o.hang {
		time.AfterFunc(20*time.Millisecond, cancel)
	}
	defer cancel()
	_, err := c.Bucket(ctx, 1)
	return err
}

// TestAttackClientMissesTripBreaker: on revision 1, 50 random locators
// to GET /v1/records made 50 signed requests to a pull courier and its
// breaker then failed everyone's evaluations. Answers clients can cause
// (404 misses, 400, 422, 429) and clients giving up must never count,
// while a real 5xx streak still opens it. The test fails on revision 1
// because its breaker counted a caller's cancellation as a success: the
// cancellations between the 5xx answers below wiped out the streak.
func TestAttackClientMissesTripBreaker(t *testing.T) {
	f, c, tr := scriptedClient(t)
	clientCaused := []outcome{
		{status: http.StatusNotFound}, {status: http.StatusTooManyRequests},
		{status: http.StatusBadRequest}, {status: http.StatusUnprocessableEntity},
		{hang: true}, // the client went away
	}
	for i := range 50 {
		if err := call(c, tr, clientCaused[i%len(clientCaused)], false); err == nil {
			t.Fatalf("call %d succeeded; the test would prove nothing", i)
		}
	}
	if st := c.breaker.State(); st != gobreaker.StateClosed {
		t.Fatalf("after 50 client-caused answers the breaker is %s", st)
	}

	// Everyone's evaluations still go through.
	tr.set(outcome{})
	b, err := crypto.Blind(f.key.Public(), [][]byte{crypto.Input(testCourier, "SW123456789012", "")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Evaluate(t.Context(), f.key.Public().KeyID(), b.Elements); err != nil {
		t.Fatalf("evaluation after the misses: %v", err)
	}

	// A sick host still opens it, whatever clients do meanwhile.
	for i := range breakerTrip {
		if err := call(c, tr, outcome{hang: true}, false); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled call %d: err %v, want context.Canceled", i, err)
		}
		if err := call(c, tr, outcome{status: http.StatusServiceUnavailable}, false); !errors.Is(err, api.ErrUnavailable) {
			t.Fatalf("5xx %d: err %v", i, err)
		}
	}
	sent := tr.sent.Load()
	tr.set(outcome{})
	if _, _, err := c.Evaluate(t.Context(), f.key.Public().KeyID(), b.Elements); !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("after %d answers 503: err %v, want ErrCircuitOpen", breakerTrip, err)
	}
	if tr.sent.Load() != sent {
		t.Fatal("the open breaker asked the host")
	}
}

// TestBreakerCountsOnlyHostFaults: breakerTrip outcomes of one kind in a
// row open the breaker exactly when they show a sick host.
func TestBreakerCountsOnlyHostFaults(t *testing.T) {
	cases := []struct {
		name     string
		o        outcome
		deadline bool
		opens    bool
	}{
		{"404 miss", outcome{status: http.StatusNotFound}, false, false},
		{"400", outcome{status: http.StatusBadRequest}, false, false},
		{"422", outcome{status: http.StatusUnprocessableEntity}, false, false},
		{"429 rate limited", outcome{status: http.StatusTooManyRequests}, false, false},
		{"caller cancelled", outcome{hang: true}, false, false},
		{"500", outcome{status: http.StatusInternalServerError}, false, true},
		{"503", outcome{status: http.StatusServiceUnavailable}, false, true},
		{"timeout", outcome{hang: true}, true, true},
		{"transport error", outcome{err: errors.New("connection reset by peer")}, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, c, tr := scriptedClient(t)
			for range breakerTrip {
				call(c, tr, tc.o, tc.deadline)
			}
			if open := c.breaker.State() == gobreaker.StateOpen; open != tc.opens {
				t.Fatalf("after %d in a row the breaker is %s, want open %v", breakerTrip, c.breaker.State(), tc.opens)
			}
		})
	}
}

// TestCancelledProbeDoesNotCloseTheBreaker: a half-open breaker's probe
// that its caller gives up has not heard the host, so the breaker stays
// as it was and the next call is the probe.
func TestCancelledProbeDoesNotCloseTheBreaker(t *testing.T) {
	_, c, tr := scriptedClient(t)
	c.breaker = newBreaker(c.base, 50*time.Millisecond)
	for range breakerTrip {
		call(c, tr, outcome{status: http.StatusBadGateway}, false)
	}
	time.Sleep(60 * time.Millisecond) // half-open
	call(c, tr, outcome{hang: true}, false)
	if st := c.breaker.State(); st != gobreaker.StateHalfOpen {
		t.Fatalf("after a cancelled probe the breaker is %s, want half-open", st)
	}
	call(c, tr, outcome{status: http.StatusBadGateway}, false)
	if st := c.breaker.State(); st != gobreaker.StateOpen {
		t.Fatalf("after a failed probe the breaker is %s, want open", st)
	}
}
