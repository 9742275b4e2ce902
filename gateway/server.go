package gateway

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/singleflight"

	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/telemetry"
	"github.com/trackgate/trackgate/gateway/transparency"
	"github.com/trackgate/trackgate/gateway/web"
	"github.com/trackgate/trackgate/openapi"
)

// Gateway is the tg1 gateway. Build it with New, start its background work
// with Run and serve Handler.
type Gateway struct {
	cfg      Config
	couriers map[string]*Courier
	dir      directoryKeeper
	verifier *signing.Verifier
	pull     pullCache
	fetches  singleflight.Group
	padder   *padder
	answers  bufferPool // the buffers bucket and record answers are written from
	tenants  tenants
	// count adds to the transparency report's counts (transparency.go).
	count    transparency.Hook
	readers  transparency.Readers
	webhooks *delivery.Engine
	engine   *gin.Engine
}

// New validates cfg and builds a gateway. It does not reach the courier
// hosts yet: Run (or Refresh) assembles the directory.
func New(cfg Config) (*Gateway, error) {
	cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	g := &Gateway{
		cfg:      cfg,
		couriers: map[string]*Courier{},
	}
	for i := range g.cfg.Couriers {
		co := &g.cfg.Couriers[i]
		g.couriers[co.ID] = co
	}
	g.dir.g = g
	if cfg.KeyLog != nil {
		l, err := newLogKeeper(cfg.KeyLog, g.cfg.Logger)
		if err != nil {
			return nil, err
		}
		g.dir.log = l
	}
	g.tenants = newTenants(g.cfg.Tenants)
	g.count = transparency.HookFor(g.cfg.Transparency, g.cfg.Now)
	g.readers = transparency.Readers(g.cfg.ReportReaderKeys)
	g.pull.entries = map[pullKey]pullEntry{}
	g.padder = newPadder(cfg.PaddingSecret, cfg.BucketBits, cfg.RecordSize)
	g.answers.maxKept = maxKeptAnswer
	g.verifier = &signing.Verifier{Keys: g.courierSigningKey, Audience: g.cfg.GatewayID, Nonces: g.cfg.Nonces,
		Logger: g.cfg.Logger, Now: g.cfg.Now}
	webhooks, err := g.newWebhooks()
	if err != nil {
		return nil, err
	}
	g.webhooks = webhooks
	engine, err := g.newEngine()
	if err != nil {
		return nil, err
	}
	g.engine = engine
	g.cfg.Metrics.WatchBreakers(g.breakerReadings)
	return g, nil
}

// Handler returns the HTTP handler of the gateway.
func (g *Gateway) Handler() http.Handler { return g.engine }

// Refresh fetches the courier hosts' keys once and rebuilds the directory.
// The error names couriers that could not be reached; the others are
// served regardless.
func (g *Gateway) Refresh(ctx context.Context) error { return g.dir.refresh(ctx) }

// Run assembles the directory and keeps it fresh, delivers webhooks
// (watching pull couriers for subscribers) and runs the transparency
// recorder's background work, until ctx ends; then it waits for the
// deliveries in flight and the recorder's last writes.
func (g *Gateway) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { g.webhooks.Run(ctx) })
	if r, ok := g.cfg.Transparency.(transparency.Runner); ok {
		wg.Go(func() { r.Run(ctx) })
	}
	err := g.Refresh(ctx)
	if err != nil {
		g.cfg.Logger.Warn("directory incomplete at start", "error", err)
	}
	g.dir.run(ctx, err != nil)
	wg.Wait()
}

// Webhooks is the gateway's engine of subscriptions, for the embedded
// default and tests.
func (g *Gateway) Webhooks() *delivery.Engine { return g.webhooks }

// Ready reports whether every courier is in the directory and the store
// answers.
func (g *Gateway) Ready(ctx context.Context) error {
	dir := g.dir.get()
	if dir == nil || !dir.complete {
		return errors.New("courier directory incomplete")
	}
	start := time.Now()
	err := g.cfg.Store.Ping(ctx)
	g.cfg.Metrics.StoreOperation(telemetry.StorePing, start, err)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

func (g *Gateway) courierSigningKey(id string) (ed25519.PublicKey, bool) {
	co, ok := g.couriers[id]
	if !ok || len(co.SigningKey) == 0 {
		return nil, false
	}
	return co.SigningKey, true
}

func (g *Gateway) newEngine() (*gin.Engine, error) {
	e := gin.New()
	// Trust no forwarding header unless the operator names its proxies.
	if err := e.SetTrustedProxies(g.cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("%w: trusted_proxies: %v", ErrConfig, err)
	}
	// Redirects would answer before validation and logging see the request.
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.HandleMethodNotAllowed = true
	e.NoRoute(func(c *gin.Context) { problem.Abort(c, http.StatusNotFound, "There is no such resource.") })
	e.NoMethod(func(c *gin.Context) {
		problem.Abort(c, http.StatusMethodNotAllowed, "This resource does not support that method.")
	})
	trusted, err := telemetry.TrustedPeers(g.cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("%w: trusted_proxies: %v", ErrConfig, err)
	}
	e.Use(g.observeRequests(trusted)...)
	e.Use(g.recoverPanics(), g.logRequests(), g.countRefusals())

	// Every request is checked against the OpenAPI document before its
	// handler runs (a publish's body by its handler); on the signed route
	// the signature is checked first, so an unsigned request is 401, not a
	// 400 about missing headers.
	doc, err := openapi.Load()
	if err != nil {
		return nil, fmt.Errorf("load the OpenAPI document: %w", err)
	}
	validator, err := openapi.NewValidator(doc)
	if err != nil {
		return nil, err
	}
	checked := validator.Middleware()
	// A publish is megabytes: its handler decodes and checks every field
	// once (api.DecodePublish), as strictly as the document's schema.
	checkedParams := validator.MiddlewareLeavingBody()
	small := problem.LimitBody(g.cfg.MaxBodyBytes)

	// The public routes take a tenant's API key and answer browsers of
	// its origins, preflights included (docs/protocol.md §7.6); the key
	// is checked first, so a bad one is 401 whatever else is wrong.
	v1 := e.Group("/v1")
	public := v1.Group("", g.admitTenant())
	public.GET("/couriers", checked, g.handleDirectory)
	public.POST("/evaluate", small, checked, g.handleEvaluate)
	public.GET("/buckets/:bucket", g.limitFetches(), checked, g.handleBucket)
	public.GET("/records/:locator", g.limitFetches(), checked, g.handleRecord)
	public.GET("/demo/parcels", checked, g.handleDemo)
	for _, path := range []string{"/couriers", "/evaluate", "/buckets/:bucket", "/records/:locator", "/demo/parcels"} {
		v1.OPTIONS(path, checked, g.handlePreflight)
	}
	g.registerKeyLog(v1, public, checked)
	// The transparency report is for a regulator's tools, not pages: a
	// reader key, no CORS.
	v1.GET("/transparency", g.requireReader(), checked, g.handleTransparency)
	v1.PUT("/couriers/:courier/records", problem.LimitBody(g.cfg.MaxPublishBytes), g.verifier.Require(), checkedParams, g.handlePublish)
	// Subscriptions are for a marketplace's server, with its secret key
	// checked first; no browser may call them (no CORS, no preflight).
	subs := v1.Group("/subscriptions", g.requireSecretKey())
	subs.POST("", small, checked, g.handleSubscribe)
	subs.GET("", checked, g.handleListSubscriptions)
	subs.GET("/:id", checked, g.handleGetSubscription)
	subs.DELETE("/:id", checked, g.handleDeleteSubscription)
	subs.POST("/:id/secret", small, checked, g.handleRotateSecret)
	subs.GET("/:id/dead-letters", checked, g.handleDeadLetters)
	subs.POST("/:id/dead-letters/replay", small, checked, g.handleReplay)
	e.GET("/healthz", checked, func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	e.GET("/readyz", checked, g.handleReady)
	e.GET("/openapi.yaml", checked, gin.WrapH(openapi.YAMLHandler()))
	docs := gin.WrapH(openapi.DocsHandler(doc))
	e.GET("/docs", checked, docs)
	e.GET("/docs/:page", checked, docs)
	e.GET("/docs/assets/:asset", checked, docs)

	// The tracking page and the widget bundles, for browsers.
	site, err := web.New()
	if err != nil {
		return nil, err
	}
	site.Register(e, checked)
	return e, nil
}

func (g *Gateway) handleReady(c *gin.Context) {
	if err := g.Ready(c.Request.Context()); err != nil {
		g.cfg.Logger.InfoContext(c.Request.Context(), "not ready", "reason", err)
		g.unavailable(c, "The gateway is not ready to serve yet.")
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (g *Gateway) handleDemo(c *gin.Context) {
	if g.cfg.Demo == nil {
		problem.Abort(c, http.StatusNotFound, "No simulated couriers run on this gateway.")
		return
	}
	parcels := g.cfg.Demo()
	if parcels == nil {
		parcels = []api.DemoParcel{}
	}
	c.JSON(http.StatusOK, api.DemoParcels{Parcels: parcels})
}

// unavailable answers 503 with Retry-After.
func (g *Gateway) unavailable(c *gin.Context, detail string) {
	problem.AbortRetry(c, http.StatusServiceUnavailable, 5*time.Second, detail)
}

// recoverPanics answers a generic 500 and logs the panic without the
// request's path or body.
func (g *Gateway) recoverPanics() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				g.cfg.Logger.ErrorContext(c.Request.Context(), "handler panic", "route", c.FullPath(), "panic", fmt.Sprint(r))
				problem.Abort(c, http.StatusInternalServerError, "The gateway failed to handle this request.")
			}
		}()
		c.Next()
	}
}

// logRequests logs one line per request: the route template (never the
// concrete path, which may carry a locator or bucket), status, size and
// duration, and the tenant's id when a key named one; the request id (and
// trace id) come from the context. No query string,
// client address, API key or other header is logged.
func (g *Gateway) logRequests() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "(unmatched)"
		}
		attrs := []any{"method", c.Request.Method, "route", route, "status", c.Writer.Status(),
			"bytes", c.Writer.Size(), "duration", time.Since(start).Round(time.Microsecond)}
		if t := requestTenant(c); t != nil {
			attrs = append(attrs, "tenant", t.ID)
		}
		g.cfg.Logger.InfoContext(c.Request.Context(), "request", attrs...)
	}
}
