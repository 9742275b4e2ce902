// Package memory is the delivery.Backend of the embedded default and of a
// gateway without Redis: subscriptions, their queued deliveries and dead
// letters in this process's memory, lost when it stops.
//
// It keeps the semantics of delivery.Backend exactly (the conformance
// suite deliverytest runs against it), with one mutex around everything:
// a gateway's deliveries are few next to what one lock serves.
package memory

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
)

// Backend is a delivery.Backend in memory. Build it with New.
type Backend struct {
	claimTimeout time.Duration

	mu       sync.Mutex
	subs     map[string]*sub            // by id, ended ones until they are dropped
	tenants  map[string]map[string]bool // tenant -> ids of its subscriptions
	watchers map[string]map[string]bool // string(locator) -> ids of active subscriptions
	states   map[string]delivery.WatchState
	lanes    map[string]*lane
	ready    []entry              // lanes ready, in the order they became so
	held     map[string]heldEntry // token -> the attempt holding a lane
	retries  map[string]time.Time // lane -> when it is ready again
	locks    map[string]lock
	seq      int // for tokens
}

var _ delivery.Backend = (*Backend)(nil)

type sub struct {
	s     delivery.Subscription
	lanes map[string]bool
	dead  map[string]delivery.DeadLetter
	drop  time.Time // when an ended subscription is forgotten
}

// lane is the deliveries of one (subscription, courier, locator).
type lane struct {
	sub, courier string
	locator      []byte
	token        string // "" idle, else the entry (ready or held) or "retry"
	last         []byte // delivery.Order of the last one finished
	items        map[string]delivery.Delivery
}

type entry struct{ lane, token string }

type heldEntry struct {
	lane  string
	since time.Time
}

type lock struct {
	holder string
	until  time.Time
}

// retryToken marks a lane waiting for its retry time.
const retryToken = "retry"

// DefaultClaimTimeout is how long an attempt may hold a lane before
// Claim hands the lane to another consumer.
const DefaultClaimTimeout = time.Minute

// New returns an empty Backend whose attempts lose their hold on a lane
// after claimTimeout (DefaultClaimTimeout when 0).
func New(claimTimeout time.Duration) *Backend {
	if claimTimeout <= 0 {
		claimTimeout = DefaultClaimTimeout
	}
	return &Backend{
		claimTimeout: claimTimeout,
		subs:         map[string]*sub{},
		tenants:      map[string]map[string]bool{},
		watchers:     map[string]map[string]bool{},
		states:       map[string]delivery.WatchState{},
		lanes:        map[string]*lane{},
		held:         map[string]heldEntry{},
		retries:      map[string]time.Time{},
		locks:        map[string]lock{},
	}
}

// Ping implements delivery.Backend: memory always answers.
func (b *Backend) Ping(context.Context) error { return nil }

func (b *Backend) newToken() string {
	b.seq++
	return strconv.Itoa(b.seq)
}

// laneID names the lane of a subscription, courier and locator.
func laneID(subID, courier string, locator []byte) string {
	return subID + "|" + courier + "|" + string(locator)
}

// makeReady queues l with a fresh token.
func (b *Backend) makeReady(id string, l *lane) {
	l.token = b.newToken()
	b.ready = append(b.ready, entry{lane: id, token: l.token})
}

// head returns the key of the lane's first delivery, or "".
func (l *lane) head() string {
	var first string
	for k := range l.items {
		if first == "" || k < first {
			first = k
		}
	}
	return first
}

// after reports whether order a is past the lane's last finished one
// (replays always are).
func (l *lane) after(order []byte) bool {
	return order[0] == 0 || bytes.Compare(order, l.last) > 0
}

func (l *lane) finished(order []byte) {
	if order[0] != 0 && bytes.Compare(order, l.last) > 0 {
		l.last = slices.Clone(order)
	}
}
