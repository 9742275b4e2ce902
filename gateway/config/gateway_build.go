package config

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/ratelimit"
	"github.com/trackgate/trackgate/gateway/remotehost"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/signing/redisnonce"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
	"github.com/trackgate/trackgate/gateway/store/redisstore"
	"github.com/trackgate/trackgate/gateway/telemetry"
	"github.com/trackgate/trackgate/gateway/transparency"
)

// GatewayKeyID is the id under which courier hosts know the gateway's
// signing key (docs/protocol.md §9).
const GatewayKeyID = "gateway"

// redisPingTimeout bounds the check that Redis answers at start.
const redisPingTimeout = 3 * time.Second

// Build makes the gateway the file describes: its store (Redis or
// memory), its per-client evaluation and fetch limits and its tenants'
// quotas (shared through Redis when there is one), and a signed
// remotehost client per courier host. It does not reach the
// courier hosts yet: the gateway's Run assembles the directory from their
// /tg1/keys. A Redis that does not answer yet is only a warning: the
// gateway answers 503 until it does. Close the returned io.Closer after
// the gateway has stopped. opts add metrics and tracing.
func (g *Gateway) Build(ctx context.Context, logger *slog.Logger, opts ...BuildOption) (*gateway.Gateway, io.Closer, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	o := newBuildOptions(opts)
	cfg := gateway.Config{
		BucketBits:       g.BucketBits,
		EvaluateTimeout:  time.Duration(g.Timeouts.Evaluate),
		FetchTimeout:     time.Duration(g.Timeouts.Fetch),
		PullCacheTTL:     time.Duration(g.Timeouts.PullCacheTTL),
		DirectoryRefresh: time.Duration(g.Timeouts.DirectoryRefresh),
		EvaluateRate:     rate.Limit(g.Limits.EvaluateRate),
		EvaluateBurst:    g.Limits.EvaluateBurst,
		FetchRate:        rate.Limit(g.Limits.FetchRate),
		FetchBurst:       g.Limits.FetchBurst,
		MaxBodyBytes:     g.Limits.MaxBodyBytes,
		MaxPublishBytes:  g.Limits.MaxPublishBytes,
		TrustedProxies:   g.TrustedProxies,
		RecordSize:       g.Records.RecordSize,
		RecordLimits:     g.Records.limits(g.BucketBits),
		PaddingSecret:    g.paddingSecret,
		Logger:           logger,
		Tracing:          o.tracing,
	}
	if o.registry != nil {
		cfg.Metrics = telemetry.NewGatewayMetrics(o.registry)
	}
	var closer io.Closer = nopCloser{}
	var shared redis.UniversalClient // shares the tenants' quotas, with Redis
	if g.Redis == nil {
		logger.Warn("no redis section: records are kept in this process's memory only and are lost when it stops; configure redis for production")
		cfg.Store = memory.New(cfg.RecordLimits)
	} else {
		client := redis.NewUniversalClient(g.redisOptions())
		closer = client
		shared = client
		if err := o.tracing.InstrumentRedis(client); err != nil {
			_ = client.Close()
			return nil, nil, fmt.Errorf("trace redis: %w", err)
		}
		var opts []redisstore.Option
		if g.Redis.KeyPrefix != "" {
			opts = append(opts, redisstore.WithKeyPrefix(g.Redis.KeyPrefix))
		}
		cfg.Store = redisstore.New(client, cfg.RecordLimits, opts...)
		if g.paddingSecret == nil {
			logger.Warn("no records.padding_secret_env: this gateway pads bucket answers with its own dummies; gateways sharing this Redis should share one padding secret, or their answers tell them apart")
		}
		limiter, err := ratelimit.NewRedis(client, g.Limits.EvaluateRate, g.Limits.EvaluateBurst, g.rateLimitSecret())
		if err != nil {
			_ = client.Close()
			return nil, nil, fmt.Errorf("shared rate limit: %w", err)
		}
		cfg.Limiter = limiter
		fetchLimiter, err := ratelimit.NewRedis(client, g.Limits.FetchRate, g.Limits.FetchBurst, g.rateLimitSecret(),
			ratelimit.WithKeyPrefix(ratelimit.FetchKeyPrefix))
		if err != nil {
			_ = client.Close()
			return nil, nil, fmt.Errorf("shared fetch limit: %w", err)
		}
		cfg.FetchLimiter = fetchLimiter
		// Seen nonces are shared too, so a publish replayed to another
		// gateway is refused (docs/protocol.md §9).
		nonces, err := redisnonce.New(client, g.Redis.KeyPrefix)
		if err != nil {
			_ = client.Close()
			return nil, nil, fmt.Errorf("shared nonce store: %w", err)
		}
		cfg.Nonces = nonces
		// The report's counts are the deployment's: every gateway on
		// this Redis adds to the same days.
		prefix := cmp.Or(g.Redis.KeyPrefix, transparency.DefaultKeyPrefix)
		cfg.Transparency = transparency.NewRedis(client, transparency.WithKeyPrefix(prefix), transparency.WithLogger(logger))
		warnIfDown(ctx, logger, cfg.Store)
	}
	cfg.ReportReaderKeys = g.Transparency.readerKeys
	if len(cfg.ReportReaderKeys) == 0 {
		logger.Info("no transparency.reader_key_hashes: GET /v1/transparency refuses every request until a reader key's hash is added")
	}
	cfg.GatewayID = g.GatewayID
	prefix := ""
	if g.Redis != nil {
		prefix = g.Redis.KeyPrefix
	}
	cfg.Webhooks = g.Webhooks.options(shared, prefix)
	cfg.KeyLog = g.keyLog(shared, logger)
	logger.Info("webhook callbacks allowed", "callbacks", g.Webhooks.summary())
	tenants, err := g.tenants(shared)
	if err != nil {
		_ = closer.Close()
		return nil, nil, err
	}
	cfg.Tenants = tenants
	if len(tenants) > 0 {
		logger.Info("tenants registered", "tenants", g.tenantSummary())
	}
	signer := &signing.Signer{KeyID: GatewayKeyID, Key: g.signingKey}
	hostClient := g.courierHostClient(o.tracing)
	for i, c := range g.Couriers {
		patterns := make([]api.Pattern, len(c.Patterns))
		for j, p := range c.Patterns {
			patterns[j] = api.Pattern{Regex: p.Regex, Checksum: p.Checksum}
		}
		cfg.Couriers = append(cfg.Couriers, gateway.Courier{
			ID: c.ID, Name: c.Name, Factor: c.Factor, Mode: c.Mode, Patterns: patterns,
			Host:          courierHost(c, signer.For(c.ID), g.courierKeys[i], hostClient, logger),
			SigningKey:    g.courierKeys[i],
			WatchInterval: time.Duration(c.WatchInterval),
		})
	}
	gw, err := gateway.New(cfg)
	if err != nil {
		_ = closer.Close()
		return nil, nil, fmt.Errorf("build the gateway: %w", err)
	}
	return gw, closer, nil
}

// courierHost is the signed client of c's host, or of its replicas when
// it has several.
func courierHost(c CourierEntry, signer *signing.Signer, courierKey ed25519.PublicKey, client *http.Client, logger *slog.Logger) api.CourierHost {
	if len(c.Hosts) == 1 {
		return remotehost.New(c.Hosts[0], signer, courierKey, client)
	}
	replicas := make([]*remotehost.Client, len(c.Hosts))
	for i, h := range c.Hosts {
		replicas[i] = remotehost.New(h, signer, courierKey, client)
	}
	return remotehost.NewReplicas(replicas, logger)
}

// courierHostClient is the HTTP client of the courier hosts, one for all
// of them: remotehost's transport, which keeps enough connections open to
// each host, with courier_tls's CA and client certificate when it sets
// them, and the trace carried to the hosts when tracing is on.
func (g *Gateway) courierHostClient(tracing *telemetry.Tracing) *http.Client {
	transport := remotehost.NewTransport()
	if g.courierTLS != nil {
		transport.TLSClientConfig = g.courierTLS
	}
	return &http.Client{Timeout: remotehost.DefaultTimeout, Transport: tracing.Transport(transport)}
}

func (g *Gateway) redisOptions() *redis.UniversalOptions {
	r := g.Redis
	opts := &redis.UniversalOptions{
		Addrs:         r.Addrs,
		IsClusterMode: r.Cluster,
		Username:      r.Username,
		Password:      g.redisPassword,
		DB:            r.DB,
		TLSConfig:     g.redisTLS,
	}
	if r.Timeout > 0 {
		opts.DialTimeout = time.Duration(r.Timeout)
		opts.ReadTimeout = time.Duration(r.Timeout)
		opts.WriteTimeout = time.Duration(r.Timeout)
	}
	return opts
}

// rateLimitSecret keys the HMAC that hides client addresses in the shared
// limiter's Redis keys. Every gateway of a deployment holds the same
// signing key and none of it is in Redis, so a key derived from it serves
// without another secret to distribute; HKDF's label keeps the two uses
// apart.
func (g *Gateway) rateLimitSecret() []byte {
	secret, err := hkdf.Key(sha256.New, g.signingKey.Seed(), nil, "tg1 gateway rate limit", 32)
	if err != nil {
		panic("config: HKDF-SHA256 refused 32 bytes: " + err.Error()) // only for lengths over 255*32
	}
	return secret
}

func warnIfDown(ctx context.Context, logger *slog.Logger, s store.Store) {
	ctx, cancel := context.WithTimeout(ctx, redisPingTimeout)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		// Redis's errors name addresses and commands, never a record.
		logger.Warn("redis does not answer yet; the gateway answers 503 until it does", "error", err)
	}
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }
