package transparency

import (
	"regexp"
	"slices"
	"strings"
)

// Scope is what a count is about: one courier, one tenant, or, when both
// are empty (Global), the deployment as a whole. Setting both is invalid.
type Scope struct {
	Courier string
	Tenant  string
}

// Global is the scope of the deployment-wide counts: all fetches and the
// refusals.
var Global = Scope{}

// Courier is the scope of one courier's counts.
func Courier(id string) Scope { return Scope{Courier: id} }

// Tenant is the scope of one tenant's counts.
func Tenant(id string) Scope { return Scope{Tenant: id} }

// Metric names: the JSON names of the report.
const (
	// Evaluations are blinded elements relayed to a courier's host, per
	// courier, and per tenant for requests made with its API key.
	Evaluations = "evaluations"
	// Fetches are, per courier, the bucket requests the gateway sent to a
	// pull-mode courier's host; per tenant and globally, the bucket and
	// record GETs answered (200) to clients.
	Fetches = "fetches"
	// RecordsStored and RecordsRefused are the records of a courier's
	// publishes that the store kept, and refused for a limit.
	RecordsStored  = "records_stored"
	RecordsRefused = "records_refused"
	// Deliveries and DeliveryFailures are webhook deliveries that
	// succeeded, and attempts that failed, per courier and per tenant.
	Deliveries       = "deliveries"
	DeliveryFailures = "delivery_failures"
	// Subscriptions of a tenant created and ended (expired or deleted),
	// deliveries that became dead letters, and dead letters replayed.
	SubscriptionsCreated = "subscriptions_created"
	SubscriptionsEnded   = "subscriptions_ended"
	DeadLetters          = "dead_letters"
	Replays              = "replays"
)

// Refusal reasons: the global metrics counting requests the gateway
// refused (a 4xx answer on /v1), by what was wrong.
const (
	RateLimited     = "rate_limited"      // 429
	BadRequest      = "bad_request"       // 400, 405 and any other 4xx
	Unauthorized    = "unauthorized"      // 401; a publish signed by another courier (403)
	ForbiddenOrigin = "forbidden_origin"  // 403: a browser origin not allowed
	PayloadTooLarge = "payload_too_large" // 413
	Unprocessable   = "unprocessable"     // 422
	CallbackRefused = "callback_refused"  // a webhook callback URL refused (SSRF rules)
	NotFound        = "not_found"         // 404
)

// Reasons lists every refusal reason, in the order the report's table
// shows them.
func Reasons() []string {
	return []string{RateLimited, BadRequest, Unauthorized, ForbiddenOrigin, PayloadTooLarge, Unprocessable, CallbackRefused, NotFound}
}

// CourierMetrics and TenantMetrics list the metrics of each scope, in the
// order of the report's JSON.
func CourierMetrics() []string {
	return []string{Evaluations, Fetches, RecordsStored, RecordsRefused, Deliveries, DeliveryFailures}
}

// TenantMetrics: see CourierMetrics.
func TenantMetrics() []string {
	return []string{Evaluations, Fetches, SubscriptionsCreated, SubscriptionsEnded, Deliveries, DeliveryFailures, DeadLetters, Replays}
}

// globalMetrics are the deployment-wide metrics besides the reasons.
var globalMetrics = []string{Fetches}

// idPattern is the form of courier and tenant ids (crypto.CheckCourierID).
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,31}$`)

// Field prefixes of a day's counts: a field is the prefix, the id for a
// courier or tenant, ':' and the metric. Ids hold no ':'.
const (
	courierField = "courier:"
	tenantField  = "tenant:"
	globalField  = "global:"
)

// field is where a count is kept within its day, or "" when the scope or
// the metric is not one the report knows: such a count is dropped, which
// keeps anything but counts out of the store.
func field(s Scope, metric string) string {
	switch {
	case s.Courier != "" && s.Tenant == "":
		if idPattern.MatchString(s.Courier) && slices.Contains(CourierMetrics(), metric) {
			return courierField + s.Courier + ":" + metric
		}
	case s.Tenant != "" && s.Courier == "":
		if idPattern.MatchString(s.Tenant) && slices.Contains(TenantMetrics(), metric) {
			return tenantField + s.Tenant + ":" + metric
		}
	case s == Global:
		if slices.Contains(globalMetrics, metric) || slices.Contains(Reasons(), metric) {
			return globalField + metric
		}
	}
	return ""
}

// parseField reads a field written by field; ok is false for anything
// else (a field of a later version, say), which the report leaves out.
func parseField(f string) (s Scope, metric string, ok bool) {
	var rest string
	switch {
	case strings.HasPrefix(f, globalField):
		metric = strings.TrimPrefix(f, globalField)
		return Global, metric, field(Global, metric) == f
	case strings.HasPrefix(f, courierField):
		rest = strings.TrimPrefix(f, courierField)
		id, metric, _ := strings.Cut(rest, ":")
		return Courier(id), metric, field(Courier(id), metric) == f
	case strings.HasPrefix(f, tenantField):
		rest = strings.TrimPrefix(f, tenantField)
		id, metric, _ := strings.Cut(rest, ":")
		return Tenant(id), metric, field(Tenant(id), metric) == f
	}
	return Scope{}, "", false
}
