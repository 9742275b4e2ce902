package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/gateway/problem"
)

// limitFetches is gin middleware charging one token of the client's fetch
// budget (docs/protocol.md §12), or its tenant's (§7.6), for a bucket or record GET. It runs first
// on those routes, so a refused fetch touches neither the store nor a
// courier: 429 with Retry-After. Fetches cost nothing to make and each
// reads the store and, through the pull cache, the pull couriers, so
// without it one client could load them at will.
func (g *Gateway) limitFetches() gin.HandlerFunc {
	return func(c *gin.Context) {
		limiter, client, refusal := g.fetchBudget(c)
		ok, wait, err := limiter.Allow(c.Request.Context(), client, 1)
		if err != nil {
			g.cfg.Logger.WarnContext(c.Request.Context(), "fetch rate limiter degraded", "error", err)
		}
		if !ok {
			problem.AbortRetry(c, http.StatusTooManyRequests, wait, refusal)
			return
		}
		c.Next()
	}
}
