package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// ErrInvalid wraps a request the engine refuses for its content; the
// text after it is a sentence safe to show the tenant, never repeating
// what it sent.
var ErrInvalid = errors.New("invalid subscription request")

// Limits of the routes' answers.
const (
	MaxListLimit     = 100
	MaxDeadLetters   = 1000 // listed, or replayed, at once
	DefaultListLimit = 100
)

// SubscribeRequest is what a tenant asks for: the locators to watch,
// where to deliver, and the secret that signs deliveries.
type SubscribeRequest struct {
	Locators    [][]byte
	CallbackURL string
	Secret      string
}

// Subscribe creates a subscription for tenant: 1 to MaxLocators distinct
// locators, a callback URL the policy allows (ErrInvalid wrapping
// webhook.ErrCallbackRefused otherwise), a secret of webhook.CheckSecret;
// ErrLimit when the tenant has MaxSubscriptions active ones. It lasts
// Lifetime unless its parcels are gone earlier.
func (e *Engine) Subscribe(ctx context.Context, tenant string, req SubscribeRequest) (Subscription, error) {
	switch n := len(req.Locators); {
	case n == 0:
		return Subscription{}, fmt.Errorf("%w: give at least one locator", ErrInvalid)
	case n > MaxLocators:
		return Subscription{}, fmt.Errorf("%w: %d locators; a subscription watches at most %d, make several", ErrInvalid, n, MaxLocators)
	}
	locators := make([][]byte, len(req.Locators))
	for i, l := range req.Locators {
		if len(l) != crypto.LocatorSize {
			return Subscription{}, fmt.Errorf("%w: locators[%d] is not %d bytes", ErrInvalid, i, crypto.LocatorSize)
		}
		locators[i] = slices.Clone(l)
	}
	sorted := slices.Clone(locators)
	slices.SortFunc(sorted, bytes.Compare)
	if len(slices.CompactFunc(sorted, bytes.Equal)) != len(locators) {
		return Subscription{}, fmt.Errorf("%w: a locator is given twice; give each once", ErrInvalid)
	}
	if err := webhook.CheckSecret(req.Secret); err != nil {
		return Subscription{}, fmt.Errorf("%w: the secret must be %d to %d printable ASCII characters without spaces", ErrInvalid, webhook.MinSecretLength, webhook.MaxSecretLength)
	}
	if _, err := e.cfg.Policy.CheckURL(ctx, req.CallbackURL, e.cfg.Resolver); err != nil {
		return Subscription{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	now := e.cfg.Now()
	s := Subscription{
		ID: NewSubscriptionID(), Tenant: tenant, Locators: locators,
		CallbackURL: req.CallbackURL, Secret: req.Secret,
		State: StateActive, CreatedAt: now, ExpiresAt: now.Add(e.cfg.Lifetime),
	}
	if err := e.backend.Create(ctx, s, e.cfg.MaxSubscriptions); err != nil {
		if errors.Is(err, ErrLimit) {
			return Subscription{}, fmt.Errorf("%w: this tenant has %d active subscriptions, as many as it may; delete some first", ErrLimit, e.cfg.MaxSubscriptions)
		}
		return Subscription{}, err
	}
	e.count(ctx, Scope{Tenant: tenant}, MetricSubscriptionsCreated, 1)
	return s, nil
}

// Subscription returns one of tenant's subscriptions.
func (e *Engine) Subscription(ctx context.Context, tenant, id string) (Subscription, error) {
	if !ValidSubscriptionID(id) {
		return Subscription{}, ErrNotFound
	}
	return e.backend.Get(ctx, tenant, id)
}

// Subscriptions lists up to limit (1 to MaxListLimit) of tenant's
// subscriptions after cursor ("" for the first page), and the cursor of
// the next page ("" at the end).
func (e *Engine) Subscriptions(ctx context.Context, tenant, cursor string, limit int) ([]Subscription, string, error) {
	if cursor != "" && !ValidSubscriptionID(cursor) {
		return nil, "", fmt.Errorf("%w: the cursor is not one this gateway gave", ErrInvalid)
	}
	if limit <= 0 || limit > MaxListLimit {
		limit = DefaultListLimit
	}
	subs, err := e.backend.List(ctx, tenant, cursor, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(subs) > limit {
		subs = subs[:limit]
		next = subs[limit-1].ID
	}
	return subs, next, nil
}

// Unsubscribe ends one of tenant's subscriptions, dropping its pending
// deliveries. Ending an ended one again is not an error.
func (e *Engine) Unsubscribe(ctx context.Context, tenant, id string) error {
	if !ValidSubscriptionID(id) {
		return ErrNotFound
	}
	_, ended, err := e.backend.End(ctx, tenant, id, EndedDeleted, e.cfg.Now(), e.cfg.DeadLetterTTL)
	if ended {
		e.count(ctx, Scope{Tenant: tenant}, MetricSubscriptionsEnded, 1)
	}
	return err
}

// RotateSecret makes secret the subscription's secret; the previous one
// keeps signing, beside it, for SecretOverlap.
func (e *Engine) RotateSecret(ctx context.Context, tenant, id, secret string) (Subscription, error) {
	if !ValidSubscriptionID(id) {
		return Subscription{}, ErrNotFound
	}
	if err := webhook.CheckSecret(secret); err != nil {
		return Subscription{}, fmt.Errorf("%w: the secret must be %d to %d printable ASCII characters without spaces", ErrInvalid, webhook.MinSecretLength, webhook.MaxSecretLength)
	}
	return e.backend.SetSecret(ctx, tenant, id, secret, e.cfg.Now().Add(SecretOverlap))
}

// DeadLetters lists up to MaxDeadLetters of a subscription's dead
// letters, oldest first.
func (e *Engine) DeadLetters(ctx context.Context, tenant, id string) ([]DeadLetter, error) {
	if !ValidSubscriptionID(id) {
		return nil, ErrNotFound
	}
	return e.backend.DeadLetters(ctx, tenant, id, MaxDeadLetters, e.cfg.Now(), e.cfg.DeadLetterTTL)
}

// Replay queues again the dead letters ids of a subscription (up to
// MaxDeadLetters of them when ids is empty) and returns how many.
func (e *Engine) Replay(ctx context.Context, tenant, id string, ids []string) (int, error) {
	if !ValidSubscriptionID(id) {
		return 0, ErrNotFound
	}
	if len(ids) > MaxDeadLetters {
		return 0, fmt.Errorf("%w: %d ids; replay at most %d at once", ErrInvalid, len(ids), MaxDeadLetters)
	}
	for i, d := range ids {
		if !ValidDeliveryID(d) {
			return 0, fmt.Errorf("%w: ids[%d] is not a delivery id (dlv_…)", ErrInvalid, i)
		}
	}
	n, err := e.backend.Replay(ctx, tenant, id, ids, MaxDeadLetters, e.cfg.Now())
	if err != nil {
		return 0, err
	}
	e.count(ctx, Scope{Tenant: tenant}, MetricReplays, int64(n))
	e.notify()
	return n, nil
}

// Publish queues the deliveries of events to their subscribers, and
// returns once they are kept: the gateway acknowledges a record only
// after that.
func (e *Engine) Publish(ctx context.Context, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	n, err := e.backend.Enqueue(ctx, events, e.cfg.Now())
	if err != nil {
		return fmt.Errorf("queue webhook deliveries: %w", err)
	}
	if n > 0 {
		e.notify()
	}
	return nil
}
