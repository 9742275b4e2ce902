package benchmark

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
)

// failover is the transport of clients that know every gateway of a
// deployment, as a client given a list of gateway URLs (or a load
// balancer that health-checks them) would: a request goes to the
// gateway it is addressed to while that one is up; when a gateway cannot
// be reached, or drops the connection before its answer is read
// whole, it is marked down and the request goes to the next gateway up.
// Answers are read whole here, so that a gateway dying mid-answer is
// seen as the failure it is.
type failover struct {
	next http.RoundTripper
	// gateways are the host:port of each gateway, in order.
	gateways []string

	mu   sync.Mutex
	down map[string]bool

	// retried counts requests sent again after a gateway failed them;
	// rerouted, requests addressed to a gateway already known down.
	retried, rerouted atomic.Int64
}

func newFailover(next http.RoundTripper, gateways []string) *failover {
	return &failover{next: next, gateways: gateways, down: map[string]bool{}}
}

func (f *failover) RoundTrip(req *http.Request) (*http.Response, error) {
	target := req.URL.Host
	if f.isDown(target) {
		f.rerouted.Add(1)
	}
	var lastErr error
	for range f.gateways {
		target = f.upFrom(target)
		if target == "" {
			break
		}
		resp, err := f.send(req, target)
		if err == nil {
			return resp, nil
		}
		if req.Context().Err() != nil {
			return nil, err
		}
		lastErr = err
		f.markDown(target)
		f.retried.Add(1)
	}
	return nil, fmt.Errorf("every gateway failed the request: %w", lastErr)
}

// send makes req to the gateway at host and reads its answer whole.
func (f *failover) send(req *http.Request, host string) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.URL.Host, r.Host = host, ""
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, fmt.Errorf("a request body that cannot be sent twice")
		}
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	resp, err := f.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read the answer: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func (f *failover) isDown(host string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.down[host]
}

func (f *failover) markDown(host string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down[host] = true
}

// upFrom is host if it is up, else the next gateway after it that is;
// "" when none is.
func (f *failover) upFrom(host string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	start := max(slices.Index(f.gateways, host), 0)
	for i := range f.gateways {
		h := f.gateways[(start+i)%len(f.gateways)]
		if !f.down[h] {
			return h
		}
	}
	return ""
}
