package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// Body is the JSON a delivery POSTs (docs/protocol.md §10).
func Body(subscription string, d *Delivery) []byte {
	b := api.WebhookDelivery{
		Type: d.Type(), Subscription: subscription, Delivery: d.ID,
		Locator: d.Locator, Version: d.Version,
	}
	if !d.Withdrawn {
		b.Record = &crypto.PublicRecord{Locator: d.Locator, Nonce: d.Nonce, Ciphertext: d.Ciphertext}
	}
	out, err := json.Marshal(b)
	if err != nil {
		panic("delivery: marshal a webhook body: " + err.Error()) // plain fields cannot fail
	}
	return out
}

// attempt makes one delivery attempt and finishes it. It runs detached
// from the engine's context, bounded by Timeout, so that a stopping
// gateway still records what its last attempts did.
func (e *Engine) attempt(ctx context.Context, a *Attempt) {
	ctx = context.WithoutCancel(ctx)
	d := a.Delivery
	sub := &a.Subscription
	body := Body(sub.ID, &d)
	start := e.cfg.Now()
	header := http.Header{}
	header.Set(api.WebhookIDHeader, d.ID)
	header.Set(webhook.SignatureHeader, webhook.Sign(start, body, sub.Secrets(start)...))
	actx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	err := e.client.Post(actx, sub.CallbackURL, header, body)
	cancel()

	now := e.cfg.Now()
	tenant, courier := Scope{Tenant: sub.Tenant}, Scope{Courier: d.Courier}
	if err == nil {
		e.observe(func(o Observer) { o.Attempt("delivered", now.Sub(start)) })
		e.count(ctx, tenant, MetricDeliveries, 1)
		e.count(ctx, courier, MetricDeliveries, 1)
		e.finish(ctx, a, Outcome{Kind: OutcomeDelivered}, now)
		return
	}
	reason := webhook.ReasonConnection
	var f *webhook.Failure
	if errors.As(err, &f) {
		reason = f.Reason
	}
	// Only the reason is logged: the error names the callback URL, whose
	// query may hold the receiver's own credentials.
	e.cfg.Logger.Info("webhook attempt failed", "tenant", sub.Tenant, "subscription", sub.ID,
		"attempt", d.Attempts+1, "reason", reason)
	outcome := "failed"
	if reason == webhook.ReasonAddressNotAllowed {
		outcome = "refused"
	}
	e.observe(func(o Observer) { o.Attempt(outcome, now.Sub(start)) })
	e.count(ctx, tenant, MetricDeliveryFailures, 1)
	e.count(ctx, courier, MetricDeliveryFailures, 1)
	d.Attempts++
	if d.FirstAttemptAt.IsZero() {
		d.FirstAttemptAt = start
	}
	d.LastAttemptAt, d.LastError = now, reason
	if e.cfg.Retry.GiveUp(d.FirstAttemptAt, now) {
		if e.finish(ctx, a, Outcome{Kind: OutcomeDead, Delivery: d}, now) {
			e.observe(Observer.DeadLetter)
			e.count(ctx, tenant, MetricDeadLetters, 1)
		}
		return
	}
	if e.finish(ctx, a, Outcome{Kind: OutcomeRetry, Delivery: d, At: now.Add(e.cfg.Retry.Delay(d.Attempts))}, now) {
		e.observe(Observer.Retry)
	}
}

// observe tells the observer, if there is one.
func (e *Engine) observe(f func(Observer)) {
	if e.cfg.Observe != nil {
		f(e.cfg.Observe)
	}
}

// finish records an outcome, reporting whether it was recorded. A lost
// hold is normal after a long attempt; any other error leaves the lane
// held until another gateway claims it, so nothing is lost.
func (e *Engine) finish(ctx context.Context, a *Attempt, o Outcome, now time.Time) bool {
	err := e.backend.Finish(ctx, a, o, now)
	switch {
	case err == nil:
		return true
	case errors.Is(err, ErrStale):
		e.cfg.Logger.Debug("webhook attempt finished after its lane moved on", "subscription", a.Subscription.ID)
	default:
		e.cfg.Logger.Warn("webhook queue: finish", "subscription", a.Subscription.ID, "error", err)
	}
	return false
}
