// Package carrierfake is the scaffolding of the fake carrier APIs that
// adapters' tests run against: an httptest server that plays the
// scenarios of adaptertest.Run (found, not found, bad credentials, rate
// limited, server error, malformed, slow) or serves one real answer as
// adaptertest.RealAnswers wants, records the tracking requests it gets,
// and hands out a carrierhttp.Client fit for it.
//
// What differs between carriers — which requests ask for tracking and
// for what number, how credentials are checked, what an error answer
// looks like, any other endpoint such as an OAuth token — is a Carrier,
// which each adapter's test writes. It is for tests only.
//
// Fakes of carriers that fit no Carrier — errors inside a 200, answers
// that depend on more than the number (jdl, zto, sfexpress) — are their
// own servers, and take from here what is alike: Trouble plays the
// scenarios in which a carrier fails, ClientFor is the client for such a
// server. Clock is the settable clock of an adapter whose OAuth tokens
// expire.
package carrierfake

import (
	"cmp"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
)

// Carrier is what a fake needs to know of a carrier's API.
type Carrier struct {
	// Track reports whether r asks the tracking endpoint, and for which
	// tracking number.
	Track func(r *http.Request) (number string, ok bool)
	// Authorize checks r's credentials; when they are wrong it writes the
	// carrier's refusal and returns false.
	Authorize func(w http.ResponseWriter, r *http.Request) bool
	// Error writes the carrier's error answer with status: 404 for a
	// parcel it does not know or a path it does not serve, 429, 5xx.
	Error func(w http.ResponseWriter, status int)
	// Malformed is the body of the Malformed scenario, served with 200.
	Malformed string
	// MalformedType is its Content-Type (default application/json).
	MalformedType string
	// Other serves the requests that are not tracking (an OAuth token
	// endpoint); nil answers them with Error(404).
	Other http.Handler
}

// Request is what the fake saw of one tracking request.
type Request struct {
	Number string
	Query  string // raw
	Header http.Header
}

// Fake is a running fake carrier.
type Fake struct {
	carrier Carrier
	server  *httptest.Server

	// The answers; set before the adapter under test sends requests.

	// Scenario is how tracking requests are answered.
	Scenario adaptertest.Scenario
	// First are scenarios played one a request before Scenario.
	First []adaptertest.Scenario
	// Found is the tracking number Found answers Body for; "" answers
	// Body for any number (a real answer).
	Found string
	// Body and Status are the Found answer (Status 200 when 0).
	Body   []byte
	Status int
	// RetryAfter is the Retry-After of RateLimited (default "120").
	RetryAfter string
	// Delay is how long Slow waits (default 10s, or until the request
	// ends).
	Delay time.Duration

	mu     sync.Mutex
	tracks []Request
}

// Start runs a fake of carrier answering as in scenario s, Found with
// body for the tracking number found, until t ends.
func Start(t testing.TB, carrier Carrier, s adaptertest.Scenario, found string, body []byte) *Fake {
	t.Helper()
	f := &Fake{carrier: carrier, Scenario: s, Found: found, Body: body}
	f.server = httptest.NewServer(f)
	t.Cleanup(f.server.Close)
	return f
}

// Answer runs a fake of carrier that answers every authorized tracking
// request with status and body, as a real answer was served.
func Answer(t testing.TB, carrier Carrier, status int, body []byte) *Fake {
	t.Helper()
	f := Start(t, carrier, adaptertest.Found, "", body)
	f.Status = status
	return f
}

// URL is the fake's base URL.
func (f *Fake) URL() string { return f.server.URL }

// Client is a carrierhttp.Client for the fake (see ClientFor).
func (f *Fake) Client() *carrierhttp.Client { return ClientFor(f.server) }

// ClientFor is a carrierhttp.Client for a test's server: short timeouts,
// two attempts, no time spent waiting between them.
func ClientFor(srv *httptest.Server) *carrierhttp.Client {
	return &carrierhttp.Client{HTTP: srv.Client(), Timeout: 300 * time.Millisecond, Attempts: 2, Sleep: NoSleep}
}

// NoSleep spends no time on a client's backoff.
func NoSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// Tracks returns the tracking requests received so far.
func (f *Fake) Tracks() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.tracks...)
}

func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	number, ok := f.carrier.Track(r)
	if !ok {
		if f.carrier.Other != nil {
			f.carrier.Other.ServeHTTP(w, r)
			return
		}
		f.carrier.Error(w, http.StatusNotFound)
		return
	}
	f.mu.Lock()
	f.tracks = append(f.tracks, Request{Number: number, Query: r.URL.RawQuery, Header: r.Header.Clone()})
	scenario := f.Scenario
	if len(f.First) > 0 {
		scenario, f.First = f.First[0], f.First[1:]
	}
	f.mu.Unlock()
	if !f.carrier.Authorize(w, r) {
		return
	}
	switch scenario {
	case adaptertest.RateLimited:
		w.Header().Set("Retry-After", cmp.Or(f.RetryAfter, "120"))
		f.carrier.Error(w, http.StatusTooManyRequests)
	case adaptertest.ServerError:
		f.carrier.Error(w, http.StatusServiceUnavailable)
	case adaptertest.Slow:
		hang(r, cmp.Or(f.Delay, 10*time.Second))
	case adaptertest.Malformed:
		w.Header().Set("Content-Type", cmp.Or(f.carrier.MalformedType, "application/json"))
		w.Write([]byte(f.carrier.Malformed))
	case adaptertest.Found:
		if f.Found != "" && number != f.Found {
			f.carrier.Error(w, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(cmp.Or(f.Status, http.StatusOK))
		w.Write(f.Body)
	default: // NotFound; BadCredentials is the adapter's wrong credentials
		f.carrier.Error(w, http.StatusNotFound)
	}
}
