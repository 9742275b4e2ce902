package deliverytest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/delivery"
)

// Traffic makes the changes of a courier's records at some locators, one
// version after the other with a withdrawal now and then, and remembers
// what a subscriber of each locator must receive.
type Traffic struct {
	Courier  string
	Locators [][]byte
	version  map[string]uint64
	want     map[string][]string
	steps    int
}

// NewTraffic makes traffic of courier at n fresh locators.
func NewTraffic(courier string, n int) *Traffic {
	tr := &Traffic{Courier: courier, version: map[string]uint64{}, want: map[string][]string{}}
	for range n {
		tr.Locators = append(tr.Locators, locator())
	}
	return tr
}

// Next returns the next change of every locator: a new version, and
// every third step also its withdrawal.
func (tr *Traffic) Next() []delivery.Event {
	tr.steps++
	var out []delivery.Event
	for _, l := range tr.Locators {
		k := string(l)
		tr.version[k]++
		v := tr.version[k]
		out = append(out, update(tr.Courier, l, v))
		tr.want[k] = append(tr.want[k], fmt.Sprintf("%du", v))
		if tr.steps%3 == 0 {
			out = append(out, withdrawal(tr.Courier, l, v))
			tr.want[k] = append(tr.want[k], fmt.Sprintf("%dw", v))
		}
	}
	return out
}

// Sent is how many deliveries a subscriber of every locator must get.
func (tr *Traffic) Sent() int {
	n := 0
	for _, w := range tr.want {
		n += len(w)
	}
	return n
}

// Delivered reports whether r accepted everything for subscription sub
// of every locator.
func (tr *Traffic) Delivered(r *Receiver, sub string) bool {
	for _, l := range tr.Locators {
		got, _ := r.Accepted(sub, l)
		if len(got) < len(tr.want[string(l)]) {
			return false
		}
	}
	return true
}

// Check fails t unless r accepted for sub exactly the changes of every
// locator, in order, never going back to an earlier version.
func (tr *Traffic) Check(t testing.TB, r *Receiver, sub string) {
	t.Helper()
	for _, l := range tr.Locators {
		got, monotonic := r.Accepted(sub, l)
		if want := tr.want[string(l)]; !slices.Equal(got, want) {
			t.Errorf("subscription %s, locator %s: accepted %v, want %v", sub, crypto.EncodeB64(l), got, want)
		}
		if !monotonic {
			t.Errorf("subscription %s, locator %s: a delivery went back to an earlier version", sub, crypto.EncodeB64(l))
		}
	}
	if bad := r.Bad(); len(bad) > 0 {
		t.Errorf("deliveries failed the receiver's checks: %v", bad)
	}
}

// WaitDelivered waits up to timeout for tr to reach r for every sub.
func (tr *Traffic) WaitDelivered(r *Receiver, timeout time.Duration, subs ...string) bool {
	return WaitFor(timeout, func() bool {
		for _, s := range subs {
			if !tr.Delivered(r, s) {
				return false
			}
		}
		return true
	})
}
