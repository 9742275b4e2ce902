package delivery

import "context"

// Scope is who a count is about: a tenant or a courier. The zero Scope
// is the gateway as a whole, for refusals.
type Scope struct {
	Tenant  string
	Courier string
}

// CountFunc is told of what the transparency report counts: a metric of a
// scope grew by n. It must not block; nil counts nothing. Counts carry
// no locator, URL, key or address.
type CountFunc func(ctx context.Context, scope Scope, metric string, n int64)

// The metrics counted (docs/protocol.md §10, the transparency report).
const (
	// Per tenant.
	MetricSubscriptionsCreated = "subscriptions_created"
	MetricSubscriptionsEnded   = "subscriptions_ended"
	MetricDeadLetters          = "dead_letters"
	MetricReplays              = "replays"
	// Per tenant and per courier: successful attempts (2xx) and failed ones.
	MetricDeliveries       = "deliveries"
	MetricDeliveryFailures = "delivery_failures"
)

func (e *Engine) count(ctx context.Context, scope Scope, metric string, n int64) {
	if e.cfg.Count != nil && n != 0 {
		e.cfg.Count(ctx, scope, metric, n)
	}
}
