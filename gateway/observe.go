package gateway

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/telemetry"
)

// Metrics are the gateway's Prometheus figures: give them to the parts
// that report for themselves, such as the webhook delivery engine
// (Metrics().Webhooks()).
func (g *Gateway) Metrics() *telemetry.GatewayMetrics { return g.cfg.Metrics }

// observeRequests is the middleware that comes before every other: HTTP
// metrics, the request id, the request's span. trusted tells a trusted
// proxy, whose X-Request-Id and trace context are taken.
func (g *Gateway) observeRequests(trusted func(*http.Request) bool) []gin.HandlerFunc {
	return []gin.HandlerFunc{
		g.cfg.Metrics.HTTP.Middleware(),
		telemetry.RequestIDs(trusted),
		g.cfg.Tracing.Middleware("trackgate-gateway", trusted),
		g.countRateLimits(),
	}
}

// countRateLimits is gin middleware counting the 429s of the gateway's
// own limiters (limitFetches, the evaluation budget), by limiter and
// whose budget it was. Only those answer 429 on these routes: a courier
// host's limit is a result status inside a 200.
func (g *Gateway) countRateLimits() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if c.Writer.Status() != http.StatusTooManyRequests {
			return
		}
		limiter := telemetry.LimiterOther
		switch route := c.FullPath(); {
		case route == "/v1/evaluate":
			limiter = telemetry.LimiterEvaluate
		case strings.HasPrefix(route, "/v1/buckets/"), strings.HasPrefix(route, "/v1/records/"):
			limiter = telemetry.LimiterFetch
		}
		scope := telemetry.ScopeClient
		if requestTenant(c) != nil {
			scope = telemetry.ScopeTenant
		}
		g.cfg.Metrics.RateLimitRefusal(limiter, scope)
	}
}

// evaluationOutcome is the metrics outcome of a host's evaluation: its
// result status, or breaker_open when the host was not even asked.
func evaluationOutcome(status string, err error) string {
	if errors.Is(err, api.ErrCircuitOpen) {
		return telemetry.OutcomeBreakerOpen
	}
	return status
}

// pullOutcome is the metrics outcome of a live bucket fetch.
func pullOutcome(ctx context.Context, err error) string {
	switch {
	case err == nil:
		return telemetry.OutcomeOK
	case errors.Is(err, api.ErrCircuitOpen):
		return telemetry.OutcomeBreakerOpen
	case errors.Is(err, context.DeadlineExceeded), ctx.Err() != nil:
		return telemetry.OutcomeTimeout
	}
	return telemetry.OutcomeUnavailable
}

// breakerReadings reads the breaker of every courier host client that
// has them (telemetry.Breakers), for the gauge.
func (g *Gateway) breakerReadings() []telemetry.BreakerReading {
	var out []telemetry.BreakerReading
	for i := range g.cfg.Couriers {
		co := &g.cfg.Couriers[i]
		b, ok := co.Host.(telemetry.Breakers)
		if !ok {
			continue
		}
		for host, state := range b.BreakerStates() {
			out = append(out, telemetry.BreakerReading{Courier: co.ID, Host: host, State: state})
		}
	}
	return out
}

// evaluationCourier is the courier label of a part: its courier when
// registered, else telemetry.OtherCourier.
func (g *Gateway) evaluationCourier(id string) string {
	if _, ok := g.couriers[id]; ok {
		return id
	}
	return telemetry.OtherCourier
}

// fetchKind is the kind of a bucket or record GET, by its route.
func fetchKind(c *gin.Context) string {
	if strings.HasPrefix(c.FullPath(), "/v1/records/") {
		return telemetry.FetchRecord
	}
	return telemetry.FetchBucket
}

// since is the time since start, never 0 (a part that reached its host
// is timed, however fast).
func since(start time.Time) time.Duration { return max(time.Since(start), time.Nanosecond) }
