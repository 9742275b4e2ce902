package gateway

import (
	"cmp"
	"crypto/subtle"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/ratelimit"
	"github.com/trackgate/trackgate/gateway/tenant"
)

// APIKeyHeader carries a tenant's publishable API key (docs/protocol.md §7.6).
const APIKeyHeader = "TG-Api-Key"

// Tenant is a marketplace registered with the gateway (docs/protocol.md
// §7.6): requests carrying one of its keys are charged to its own quota
// instead of the per-client limit, and browsers on its origins may call
// the public /v1 routes.
type Tenant struct {
	ID   string // as a courier id: 2 to 32 of a-z, 0-9 and '-'
	Name string
	// KeyHashes are the SHA-256 of its API keys (tenant.HashKey): the
	// gateway never holds a key. None makes an origin-only tenant, whose
	// pages call the gateway without a key under the per-client limit.
	KeyHashes []tenant.Hash
	// SecretKeyHashes are the SHA-256 of its secret keys
	// (tenant.Secret.Hash), which its server sends as a bearer token to
	// manage its webhook subscriptions (docs/protocol.md §10). None: the
	// tenant has no subscriptions.
	SecretKeyHashes []tenant.Hash
	// Origins are the browser origins allowed to call the gateway for it,
	// each exactly as a browser sends it (tenant.CheckOrigin), or
	// tenant.AnyOrigin for a tenant without keys.
	Origins []string
	// EvaluateRate and EvaluateBurst are the tenant's evaluations
	// (elements) a second, shared by all its requests (defaults as for a
	// client; the burst never below ratelimit.MinEvaluateBurst). FetchRate
	// and FetchBurst are its bucket and record GETs a second.
	EvaluateRate  rate.Limit
	EvaluateBurst int
	FetchRate     rate.Limit
	FetchBurst    int
	// Limiter and FetchLimiter, when set, replace the per-gateway limits
	// with shared ones, e.g. ratelimit.Redis under
	// ratelimit.TenantEvaluateKeyPrefix and TenantFetchKeyPrefix; they
	// are asked with the tenant's id as the client.
	Limiter      ratelimit.Limiter
	FetchLimiter ratelimit.Limiter
}

func (t *Tenant) withDefaults(now func() time.Time) {
	t.EvaluateRate = cmp.Or(t.EvaluateRate, ratelimit.DefaultEvaluateRate)
	t.EvaluateBurst = max(t.EvaluateBurst, ratelimit.MinEvaluateBurst)
	if t.Limiter == nil {
		t.Limiter = ratelimit.NewMemory(t.EvaluateRate, t.EvaluateBurst, now)
	}
	t.FetchRate = cmp.Or(t.FetchRate, ratelimit.DefaultFetchRate)
	t.FetchBurst = cmp.Or(t.FetchBurst, ratelimit.DefaultFetchBurst)
	if t.FetchLimiter == nil {
		t.FetchLimiter = ratelimit.NewMemory(t.FetchRate, t.FetchBurst, now)
	}
}

// validateTenants checks the tenants: unique ids, every key hash of one
// tenant only, exact origins, and "*" only without keys.
func (c *Config) validateTenants() error {
	ids := map[string]bool{}
	hashes := map[tenant.Hash]string{}
	for i, t := range c.Tenants {
		where := fmt.Sprintf("tenants[%d]", i)
		if err := checkEntry(where, t.ID, t.Name, ids); err != nil {
			return err
		}
		switch {
		case len(t.KeyHashes) == 0 && len(t.Origins) == 0 && len(t.SecretKeyHashes) == 0:
			return fmt.Errorf("%w: %s: give api_key_hashes, origins or secret_key_hashes; a tenant with none changes nothing", ErrConfig, where)
		case t.EvaluateRate < 0 || t.FetchRate < 0:
			return fmt.Errorf("%w: %s: rates must be positive", ErrConfig, where)
		}
		ids[t.ID] = true
		for j, h := range t.KeyHashes {
			if other, dup := hashes[h]; dup {
				return fmt.Errorf("%w: %s.api_key_hashes[%d] is already a key of tenant %q; give each tenant its own keys", ErrConfig, where, j, other)
			}
			hashes[h] = t.ID
		}
		for j, h := range t.SecretKeyHashes {
			if other, dup := hashes[h]; dup {
				return fmt.Errorf("%w: %s.secret_key_hashes[%d] is already a key of tenant %q; give each tenant its own keys", ErrConfig, where, j, other)
			}
			hashes[h] = t.ID
		}
		for j, o := range t.Origins {
			if o == tenant.AnyOrigin {
				if len(t.KeyHashes) > 0 {
					return fmt.Errorf("%w: %s.origins[%d]: %q is refused for a tenant with keys, which any page could then spend; list its origins", ErrConfig, where, j, o)
				}
				continue
			}
			if err := tenant.CheckOrigin(o); err != nil {
				return fmt.Errorf("%w: %s.origins[%d]: %v", ErrConfig, where, j, err)
			}
		}
	}
	return nil
}

// tenants is the gateway's view of its tenants, built once by New.
type tenants struct {
	all []*Tenant
	// origins is every origin some tenant allows; anyOrigin is set when
	// a keyless tenant allows them all.
	origins   map[string]bool
	anyOrigin bool
}

func newTenants(list []Tenant) tenants {
	ts := tenants{origins: map[string]bool{}}
	for i := range list {
		t := &list[i]
		ts.all = append(ts.all, t)
		for _, o := range t.Origins {
			if o == tenant.AnyOrigin {
				ts.anyOrigin = true
			}
			ts.origins[o] = true
		}
	}
	return ts
}

// lookup finds the tenant of a publishable key.
func (ts *tenants) lookup(key string) (*Tenant, bool) {
	return ts.find(tenant.Publishable, key, func(t *Tenant) []tenant.Hash { return t.KeyHashes })
}

// lookupSecret finds the tenant of a secret key.
func (ts *tenants) lookupSecret(key string) (*Tenant, bool) {
	return ts.find(tenant.Secret, key, func(t *Tenant) []tenant.Hash { return t.SecretKeyHashes })
}

// find finds the tenant holding key of kind among the hashes of each
// tenant. It compares the key's hash with every such hash in constant
// time, all of them whatever matches, so the time taken tells nothing of
// which hash is close.
func (ts *tenants) find(kind tenant.Kind, key string, hashes func(*Tenant) []tenant.Hash) (*Tenant, bool) {
	h, err := kind.Hash(key)
	if err != nil {
		return nil, false
	}
	var found *Tenant
	for _, t := range ts.all {
		for _, known := range hashes(t) {
			if subtle.ConstantTimeCompare(h[:], known[:]) == 1 {
				found = t
			}
		}
	}
	return found, found != nil
}

// byID finds a tenant by its id.
func (ts *tenants) byID(id string) (*Tenant, bool) {
	for _, t := range ts.all {
		if t.ID == id {
			return t, true
		}
	}
	return nil, false
}

// allows reports whether some tenant allows origin. "null", which
// sandboxed frames and local files send, is never allowed: any page can
// make itself such a frame.
func (ts *tenants) allows(origin string) bool {
	return origin != "" && origin != "null" && (ts.anyOrigin || ts.origins[origin])
}

// allows reports whether the tenant allows origin.
func (t *Tenant) allows(origin string) bool {
	return slices.Contains(t.Origins, origin) || slices.Contains(t.Origins, tenant.AnyOrigin)
}

// tenantKey is where admitTenant leaves the request's tenant in the gin
// context.
const tenantKey = "trackgate.tenant"

// requestTenant is the tenant the request's key names, or nil.
func requestTenant(c *gin.Context) *Tenant {
	t, _ := c.Get(tenantKey)
	tt, _ := t.(*Tenant)
	return tt
}

// CORS answers (docs/protocol.md §7.6).
const (
	corsAllowMethods  = "GET, POST"
	corsAllowHeaders  = "Content-Type, " + APIKeyHeader + ", If-None-Match"
	corsExposeHeaders = "ETag, Retry-After"
	// corsMaxAge lets a browser reuse a preflight for ten minutes, so an
	// origin removed from the configuration stops working soon after.
	corsMaxAge = 10 * time.Minute
)

// admitTenant is gin middleware on the public /v1 routes. A request with
// an API key is refused 401 unless the key is a tenant's, and 403 when it
// comes from an origin that tenant does not allow; otherwise the tenant is
// kept for the limits. An allowed origin gets Access-Control-Allow-Origin,
// any other none, so the browser keeps the answer from the page. The key
// goes no further: it is neither logged nor forwarded.
func (g *Gateway) admitTenant() gin.HandlerFunc {
	return func(c *gin.Context) {
		origin := c.GetHeader("Origin")
		if len(g.tenants.all) > 0 {
			c.Header("Vary", "Origin")
		}
		allowed := g.tenants.allows(origin)
		if keys, sent := c.Request.Header[http.CanonicalHeaderKey(APIKeyHeader)]; sent {
			t, ok := g.tenants.lookup(keys[0])
			if len(keys) != 1 || !ok {
				if allowed {
					allowCORS(c, origin) // so that the page can read why
				}
				problem.Abort(c, http.StatusUnauthorized, "The API key is not one this gateway knows; check the key the marketplace was given, or send none.")
				return
			}
			if origin != "" && !t.allows(origin) {
				problem.Abort(c, http.StatusForbidden, "This API key may not be used from this origin.")
				return
			}
			c.Set(tenantKey, t)
			allowed = origin != ""
		}
		if allowed {
			allowCORS(c, origin)
		}
		c.Next()
	}
}

func allowCORS(c *gin.Context, origin string) {
	c.Header("Access-Control-Allow-Origin", origin)
	c.Header("Access-Control-Expose-Headers", corsExposeHeaders)
}

// handlePreflight answers a CORS preflight (OPTIONS) on a public /v1
// route: 204 with the CORS headers for an origin some tenant allows, 403
// without any for another. A preflight carries no API key, so whether a
// key may be used from the origin is decided on the request itself.
func (g *Gateway) handlePreflight(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if !g.tenants.allows(origin) {
		problem.Abort(c, http.StatusForbidden, "This origin may not call the gateway from a browser; a marketplace registers its origins with the gateway's operator.")
		return
	}
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Vary", "Origin")
	h.Set("Access-Control-Allow-Methods", corsAllowMethods)
	h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
	h.Set("Access-Control-Max-Age", strconv.Itoa(int(corsMaxAge.Seconds())))
	c.Status(http.StatusNoContent)
}

// evaluationBudget is the limiter and key a request's evaluations are
// charged to: its tenant's quota, or the client's own.
func (g *Gateway) evaluationBudget(c *gin.Context) (ratelimit.Limiter, string, string) {
	if t := requestTenant(c); t != nil {
		return t.Limiter, t.ID, "Too many evaluations under this API key; slow down."
	}
	return g.cfg.Limiter, c.ClientIP(), "Too many evaluations from this client; slow down."
}

// fetchBudget is evaluationBudget for bucket and record GETs.
func (g *Gateway) fetchBudget(c *gin.Context) (ratelimit.Limiter, string, string) {
	if t := requestTenant(c); t != nil {
		return t.FetchLimiter, t.ID, "Too many fetches under this API key; slow down."
	}
	return g.cfg.FetchLimiter, c.ClientIP(), "Too many fetches from this client; slow down."
}
