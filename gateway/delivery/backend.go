package delivery

import (
	"context"
	"errors"
	"time"
)

// Errors of a Backend, compared with errors.Is.
var (
	// ErrNotFound: no such subscription of this tenant (another
	// tenant's is not found either), or no such dead letter.
	ErrNotFound = errors.New("no such subscription")
	// ErrLimit: the tenant already has as many active subscriptions as
	// it may; nothing was created.
	ErrLimit = errors.New("subscription limit reached")
	// ErrEnded: the subscription has ended, and cannot be changed.
	ErrEnded = errors.New("subscription ended")
	// ErrStale: Finish was given an attempt whose hold on its lane was
	// lost (another gateway claimed it after it idled too long, or the
	// subscription ended); nothing was changed.
	ErrStale = errors.New("the lane moved on")
	// ErrUnavailable wraps failures of the backing service.
	ErrUnavailable = errors.New("delivery backend unavailable")
)

// Backend keeps subscriptions, their queued deliveries, dead letters and
// what the watcher saw: in memory (package memory) or in Redis, shared
// by every gateway (package redisdelivery). The conformance suite
// deliverytest says precisely what each method must do; both pass it.
type Backend interface {
	Subscriptions
	Queue
	Watchlist
	// Ping reports whether the backend can serve now.
	Ping(ctx context.Context) error
}

// Subscriptions are the operations behind the subscription routes. A
// tenant sees only its own subscriptions: another's id is ErrNotFound. An
// empty tenant matches any (the gateway's own sweeps).
type Subscriptions interface {
	// Create stores s, active, unless its tenant already has maxActive
	// active subscriptions (ErrLimit). From its return on, every event
	// at one of its locators is delivered to it.
	Create(ctx context.Context, s Subscription, maxActive int) error
	// Get returns a subscription with its counts.
	Get(ctx context.Context, tenant, id string) (Subscription, error)
	// List returns up to limit of the tenant's subscriptions whose ids
	// sort after after ("" for the first), in id order, ended ones too
	// while they are kept.
	List(ctx context.Context, tenant, after string, limit int) ([]Subscription, error)
	// End ends an active subscription for reason: its pending
	// deliveries are dropped, its locators unwatched, and it is kept,
	// ended, with its dead letters, for keep. It reports whether this
	// call ended it; ending an ended subscription again changes nothing
	// but finishes whatever an interrupted End left undone.
	End(ctx context.Context, tenant, id, reason string, now time.Time, keep time.Duration) (Subscription, bool, error)
	// SetSecret makes secret the subscription's secret; the one it
	// replaces still signs until previousUntil. ErrEnded when it ended.
	SetSecret(ctx context.Context, tenant, id, secret string, previousUntil time.Time) (Subscription, error)
	// DeadLetters returns up to limit of the subscription's dead
	// letters, oldest first, leaving out (and dropping) those that died
	// more than keep before now.
	DeadLetters(ctx context.Context, tenant, id string, limit int, now time.Time, keep time.Duration) ([]DeadLetter, error)
	// Replay queues again the dead letters named by ids (all, up to
	// limit, when ids is empty), ahead of the other deliveries of their
	// lanes, with their attempts reset; unknown ids are skipped. It
	// returns how many were queued. ErrEnded when it ended.
	Replay(ctx context.Context, tenant, id string, ids []string, limit int, now time.Time) (int, error)
}

// Queue is where deliveries wait, in lanes: the deliveries of one
// (subscription, courier, locator), in Order. A lane is held by at most
// one attempt at a time, so its deliveries go one after the other, and
// a later version only after the earlier one succeeded or went dead.
type Queue interface {
	// Enqueue adds, for each event, a delivery to every active
	// subscription naming its locator, and reports how many. A lane
	// takes an event only when it is after the last delivery the lane
	// finished (delivered or dead) and not already queued, so events
	// given twice are delivered once.
	Enqueue(ctx context.Context, events []Event, now time.Time) (int, error)
	// Claim hands consumer up to max attempts: the first delivery of
	// lanes ready now, and of lanes another consumer has held without
	// finishing for longer than the backend's claim timeout (a gateway
	// that died). Lanes of ended subscriptions are dropped on the way.
	Claim(ctx context.Context, consumer string, max int, now time.Time) ([]Attempt, error)
	// Finish records what became of an attempt and releases its lane:
	// the next delivery of the lane is ready at once after a success or
	// a death, the same one at Outcome.At after a failure or deferral.
	// ErrStale when the hold was lost: nothing is changed.
	Finish(ctx context.Context, a *Attempt, o Outcome, now time.Time) error
	// Promote makes ready the lanes whose retry time has come.
	Promote(ctx context.Context, now time.Time) error
	// Depth returns how many deliveries wait in every lane, ready, held
	// by an attempt or waiting to retry: the queue depth operators watch.
	// It reads counters, never the deliveries, so it is cheap.
	Depth(ctx context.Context) (int64, error)
}

// OutcomeKind is what became of an attempt.
type OutcomeKind int

// The outcomes of an attempt.
const (
	// OutcomeDelivered: the receiver answered 2xx.
	OutcomeDelivered OutcomeKind = iota + 1
	// OutcomeRetry: it failed; try the same delivery again at At.
	OutcomeRetry
	// OutcomeDead: it failed past the retry budget; keep it as a dead
	// letter and go on with the lane.
	OutcomeDead
	// OutcomeDefer: it was not tried (its tenant had too many attempts
	// in flight here); try again at At.
	OutcomeDefer
)

// Outcome is what Finish records.
type Outcome struct {
	Kind OutcomeKind
	// Delivery is the delivery with its attempts counted (OutcomeRetry, OutcomeDead).
	Delivery Delivery
	// At is when to try again (OutcomeRetry, OutcomeDefer).
	At time.Time
}

// Watchlist is what the gateway watches for its subscribers: the
// locators they name, what the watcher last saw there, and the
// subscriptions due to end.
type Watchlist interface {
	// Watched returns every locator an active subscription names.
	Watched(ctx context.Context) ([][]byte, error)
	// Watching reports, for each locator, whether one is watched.
	Watching(ctx context.Context, locators [][]byte) ([]bool, error)
	// Subscribers returns the ids of the active subscriptions naming locator.
	Subscribers(ctx context.Context, locator []byte) ([]string, error)
	// WatchStates returns the state kept of watched locators, keyed by
	// string(locator); a locator never given one has none.
	WatchStates(ctx context.Context, locators [][]byte) (map[string]WatchState, error)
	// SetWatchStates keeps states of locators, keyed as WatchStates;
	// states of locators no longer watched are dropped.
	SetWatchStates(ctx context.Context, states map[string]WatchState) error
	// DueToEnd returns up to max ids of subscriptions whose expires_at is
	// not after now, and of subscriptions whose creation was interrupted.
	DueToEnd(ctx context.Context, now time.Time, max int) ([]string, error)
	// Lock takes the named lock for holder until ttl passes, unless
	// another holder has it: one gateway at a time runs a watch round.
	Lock(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
}

// WatchState is what the gateway keeps of a watched locator.
type WatchState struct {
	// Seen is, per pull courier, the version of its record at the
	// locator at the last watch round (0: none); a courier not in Seen
	// has not been looked at yet.
	Seen map[string]uint64 `json:"seen,omitempty"`
	// Live is set once a live record of any courier was seen at the
	// locator; GoneSince is when none was seen any more (zero while one is).
	Live      bool      `json:"live,omitempty"`
	GoneSince time.Time `json:"gone_since,omitzero"`
}
