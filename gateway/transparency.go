package gateway

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/transparency"
)

// TransparencyHook counts into the gateway's transparency report
// (docs/transparency.md): give it to the parts that count for themselves,
// such as the webhook delivery engine.
func (g *Gateway) TransparencyHook() transparency.Hook { return g.count }

// handleTransparency serves GET /v1/transparency?from=&to=: the counts of
// each UTC day of the range, to a report reader (requireReader ran).
func (g *Gateway) handleTransparency(c *gin.Context) {
	from, err := transparency.ParseDay("from", c.Query("from"))
	var to time.Time
	if err == nil {
		to, err = transparency.ParseDay("to", c.Query("to"))
	}
	if err == nil {
		err = transparency.CheckRange(from, to)
	}
	if err != nil {
		problem.Abort(c, http.StatusBadRequest, err.Error())
		return
	}
	rep, err := g.cfg.Transparency.Report(c.Request.Context(), from, to)
	if err != nil {
		g.cfg.Logger.WarnContext(c.Request.Context(), "transparency report unavailable", "error", err)
		g.unavailable(c, "The transparency counts cannot be read right now; try again shortly.")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, rep)
}

// readerRealm names what a reader key opens, in WWW-Authenticate.
const readerRealm = `Bearer realm="trackgate transparency report"`

// requireReader is gin middleware admitting only requests with a report
// reader key in Authorization: Bearer, checked against the configured
// hashes; anything else is 401 with a sentence saying what is needed.
// It runs before the request is validated, so a bad key is 401 whatever
// else is wrong. The key is neither logged nor kept.
func (g *Gateway) requireReader() gin.HandlerFunc {
	return func(c *gin.Context) {
		key, hasBearer := bearerToken(c.GetHeader("Authorization"))
		var refusal string
		switch {
		case !hasBearer && c.GetHeader(APIKeyHeader) != "":
			refusal = "The transparency report takes a report reader key (tg1rk_…) in Authorization: Bearer, not a marketplace's API key."
		case !hasBearer:
			refusal = "The transparency report needs a report reader key: send Authorization: Bearer tg1rk_…; the gateway's operator gives them out."
		case !transparency.WellFormedReaderKey(key):
			refusal = "This is not a report reader key (those begin tg1rk_); a marketplace's API or secret key does not open the report."
		case len(g.readers) == 0:
			refusal = "This gateway has no report reader keys configured; its operator adds their hashes to transparency.reader_key_hashes."
		case !g.readers.Allow(key):
			refusal = "The report reader key is not one this gateway knows; check the key the operator gave you."
		default:
			c.Next()
			return
		}
		c.Header("WWW-Authenticate", readerRealm)
		problem.Abort(c, http.StatusUnauthorized, refusal)
	}
}

// bearerToken returns the token of an Authorization: Bearer header.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// refusalKey is where a handler leaves the reason of its refusal when the
// status alone does not tell it (markRefusal).
const refusalKey = "trackgate.refusal"

// markRefusal names the transparency reason of the 4xx the handler is
// answering, such as transparency.CallbackRefused for a 422 about a
// webhook callback URL.
func markRefusal(c *gin.Context, reason string) { c.Set(refusalKey, reason) }

// countRefusals is gin middleware counting every 4xx answered on /v1 in
// the transparency report, by reason: the one a handler marked, else the
// status's.
func (g *Gateway) countRefusals() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		status := c.Writer.Status()
		path := c.Request.URL.Path
		if status < 400 || status > 499 || (path != "/v1" && !strings.HasPrefix(path, "/v1/")) {
			return
		}
		reason := refusalReason(status)
		if marked, ok := c.Get(refusalKey); ok {
			if s, ok := marked.(string); ok {
				reason = s
			}
		}
		g.count(c.Request.Context(), transparency.Global, reason, 1)
	}
}

// refusalReason is the transparency reason of a 4xx status.
func refusalReason(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return transparency.RateLimited
	case http.StatusUnauthorized:
		return transparency.Unauthorized
	case http.StatusForbidden:
		return transparency.ForbiddenOrigin
	case http.StatusNotFound:
		return transparency.NotFound
	case http.StatusRequestEntityTooLarge:
		return transparency.PayloadTooLarge
	case http.StatusUnprocessableEntity:
		return transparency.Unprocessable
	default:
		return transparency.BadRequest
	}
}

// countFetch counts a bucket or record GET answered: for the deployment
// and for the request's tenant.
func (g *Gateway) countFetch(c *gin.Context) {
	ctx := c.Request.Context()
	g.cfg.Metrics.Fetch(fetchKind(c))
	g.count(ctx, transparency.Global, transparency.Fetches, 1)
	if t := requestTenant(c); t != nil {
		g.count(ctx, transparency.Tenant(t.ID), transparency.Fetches, 1)
	}
}

// countEvaluations counts n elements relayed to a courier, for it and for
// the tenant (none: "").
func (g *Gateway) countEvaluations(ctx context.Context, courier, tenantID string, n int) {
	g.count(ctx, transparency.Courier(courier), transparency.Evaluations, int64(n))
	if tenantID != "" {
		g.count(ctx, transparency.Tenant(tenantID), transparency.Evaluations, int64(n))
	}
}
