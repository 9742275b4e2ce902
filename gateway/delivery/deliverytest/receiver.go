package deliverytest

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// Receiver is a marketplace's webhook receiver on loopback for tests: it
// checks every delivery's signature and shape, and keeps, per
// subscription and locator, what it accepted, in order. Set Fail to make
// it fail at random; Hang makes every request hang until the test ends.
type Receiver struct {
	URL string

	t      testing.TB
	secret string

	mu       sync.Mutex
	fail     float64
	delay    time.Duration
	hang     bool
	accepted map[string][]string // subscription/locator -> "<version>u|w" in order, duplicates too
	ids      map[string]bool
	requests int
	bad      []string
	stop     chan struct{}
}

// NewReceiver starts a receiver whose deliveries are signed with secret.
func NewReceiver(t testing.TB, secret string) *Receiver {
	r := &Receiver{t: t, secret: secret, accepted: map[string][]string{}, ids: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = srv.URL + "/hooks/tg1"
	stop := make(chan struct{})
	t.Cleanup(func() {
		close(stop)
		srv.Close()
	})
	r.stop = stop
	return r
}

// SetFail makes the receiver fail this share of requests (0 to 1), each
// at random in one of three ways: 500, no answer until the gateway gives
// up, or a dropped connection.
func (r *Receiver) SetFail(share float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = share
}

// SetDelay makes the receiver take d to answer every request.
func (r *Receiver) SetDelay(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.delay = d
}

// SetHang makes every request wait, unanswered, until the test ends.
func (r *Receiver) SetHang(hang bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hang = hang
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	r.mu.Lock()
	r.requests++
	fail, hang, delay := r.fail, r.hang, r.delay
	r.mu.Unlock()
	if err != nil {
		return
	}
	time.Sleep(delay)
	if hang {
		select {
		case <-req.Context().Done():
		case <-r.stop:
		}
		return
	}
	if fail > 0 && rand.Float64() < fail {
		switch rand.IntN(3) {
		case 0:
			w.WriteHeader(http.StatusInternalServerError)
		case 1:
			<-req.Context().Done() // until the gateway gives up
		default:
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
		}
		return
	}
	if problem := r.check(req, body); problem != "" {
		r.mu.Lock()
		r.bad = append(r.bad, problem)
		r.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// check verifies one delivery and records it; it returns what is wrong.
func (r *Receiver) check(req *http.Request, body []byte) string {
	if err := webhook.Verify(req.Header.Get(webhook.SignatureHeader), body, time.Now(), webhook.DefaultTolerance, r.secret); err != nil {
		return "signature: " + err.Error()
	}
	if req.Header.Get("Content-Type") != "application/json" || req.Header.Get("User-Agent") != webhook.UserAgent {
		return "content type or user agent"
	}
	var d api.WebhookDelivery
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return "body: " + err.Error()
	}
	if req.Header.Get(api.WebhookIDHeader) != d.Delivery || !strings.HasPrefix(d.Delivery, "dlv_") || !strings.HasPrefix(d.Subscription, "sub_") {
		return "ids"
	}
	kind := "u"
	switch {
	case d.Type == api.DeliveryUpdated && d.Record != nil && string(d.Record.Locator) == string(d.Locator) && d.Record.Check() == nil:
	case d.Type == api.DeliveryWithdrawn && d.Record == nil:
		kind = "w"
	default:
		return "type and record"
	}
	key := d.Subscription + "/" + crypto.EncodeB64(d.Locator)
	r.mu.Lock()
	r.accepted[key] = append(r.accepted[key], fmt.Sprintf("%d%s", d.Version, kind))
	r.ids[d.Delivery] = true
	r.mu.Unlock()
	return ""
}

// Accepted returns what the receiver accepted for a subscription's
// locator, in order, each delivery once (a repeated delivery id is left
// out), and whether the deliveries in order, repeats included, never
// went back to an earlier version.
func (r *Receiver) Accepted(sub string, locator []byte) (versions []string, monotonic bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	raw := r.accepted[sub+"/"+crypto.EncodeB64(locator)]
	monotonic = true
	for i, v := range raw {
		if i > 0 && less(v, raw[i-1]) {
			monotonic = false
		}
		if !slices.Contains(versions, v) {
			versions = append(versions, v)
		}
	}
	return versions, monotonic
}

// less orders "<version>u|w" as the lanes do.
func less(a, b string) bool {
	var va, vb uint64
	var ka, kb string
	fmt.Sscanf(a, "%d%s", &va, &ka)
	fmt.Sscanf(b, "%d%s", &vb, &kb)
	return va < vb || (va == vb && ka < kb)
}

// AcceptedTotal is how many deliveries were accepted, repeats included.
func (r *Receiver) AcceptedTotal() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, a := range r.accepted {
		n += len(a)
	}
	return n
}

// Requests is how many requests arrived, answered or not.
func (r *Receiver) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// Distinct is how many distinct deliveries were accepted.
func (r *Receiver) Distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.ids)
}

// Bad lists the deliveries that failed the receiver's checks.
func (r *Receiver) Bad() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.bad)
}

// WaitFor polls cond until it holds or timeout passes, reporting which.
func WaitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}
