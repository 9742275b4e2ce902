package gateway

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/tenant"
)

// requireSecretKey is gin middleware on the subscription routes
// (docs/protocol.md §10): the request must carry one of a tenant's secret
// keys as "Authorization: Bearer tg1sk_…", and is then the tenant's. Any
// other credential is refused 401 with a sentence saying what is needed —
// a publishable key above all, which every shopper's browser can read.
// The key is neither logged nor forwarded.
func (g *Gateway) requireSecretKey() gin.HandlerFunc {
	return func(c *gin.Context) {
		refuse := func(detail string) {
			c.Header("WWW-Authenticate", `Bearer realm="trackgate subscriptions"`)
			problem.Abort(c, http.StatusUnauthorized, detail)
		}
		if _, sent := c.Request.Header[http.CanonicalHeaderKey(APIKeyHeader)]; sent {
			refuse("Subscriptions take a tenant's secret key, sent as Authorization: Bearer tg1sk_…, never a publishable API key (TG-Api-Key), which shoppers' browsers can read.")
			return
		}
		auth := c.Request.Header.Values("Authorization")
		scheme, key, _ := strings.Cut(strings.Join(auth, ""), " ")
		if len(auth) != 1 || !strings.EqualFold(scheme, "Bearer") {
			refuse("Subscriptions take a tenant's secret key, sent as Authorization: Bearer tg1sk_…; ask the gateway's operator for one.")
			return
		}
		if kind, ok := tenant.KindOf(key); ok && kind.Prefix() != tenant.SecretKeyPrefix {
			refuse("This is a " + kind.String() + ", not a secret key; subscriptions take a tenant's secret key (tg1sk_…), which stays on the marketplace's server.")
			return
		}
		t, ok := g.tenants.lookupSecret(key)
		if !ok {
			refuse("The secret key is not one this gateway knows; check the key the marketplace was given.")
			return
		}
		c.Set(tenantKey, t)
		c.Next()
	}
}
