package config

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/courierhost/outbox"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/telemetry"
)

// CourierHost is a courier host built from its file: serve Handler, run
// Run, and Close it once both have stopped.
type CourierHost struct {
	Host *courierhost.Host
	// Outbox holds records until the gateway has them; nil in pull mode.
	Outbox *outbox.Outbox
	// Handler is the host's signed /tg1 API; it knows only the gateway's
	// key, under the id "gateway", and signs every answer.
	Handler http.Handler
	// TLS, when not nil, is the listener's: serve Handler over it.
	TLS    *tls.Config
	source adapters.Source
	keys   keyReloader
}

// Build makes the courier host the file describes: it opens the adapter
// with its options, uses the OPRF keys not yet expired (warning about the
// others), and in push mode opens the outbox, which publishes through a
// signed courierhost.HTTPPublisher to the gateway; a host in the
// gateway's own process publishes through WithPublisher's publisher
// instead. ctx is not retained. opts add metrics (HTTP requests by
// route, the outbox's depth) and tracing.
func (c *Courier) Build(_ context.Context, logger *slog.Logger, opts ...BuildOption) (*CourierHost, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	o := newBuildOptions(opts)
	keys, err := hostKeys(c.keys, time.Now(), logger)
	if err != nil {
		return nil, err
	}
	src, err := adapters.Open(c.Adapter.Name, c.Adapter.Options)
	if err != nil {
		return nil, &FieldError{Field: "adapter", Problem: err.Error(), Err: err}
	}
	h := &CourierHost{source: src}
	h.keys = keyReloader{file: c, logger: logger, interval: o.keyCheck}
	cfg := courierhost.Config{
		Courier:       c.Courier,
		BucketBits:    c.BucketBits,
		RecordSize:    c.RecordSize,
		Mode:          c.Mode,
		Factor:        c.Factor,
		Keys:          keys,
		Source:        src,
		RecordTTL:     time.Duration(c.RecordTTL),
		ListInterval:  time.Duration(c.ListInterval),
		EvaluateRate:  rate.Limit(c.EvaluateRate),
		EvaluateBurst: c.EvaluateBurst,
		Logger:        logger,
		Tracing:       o.tracing,
		// The signing key states the OPRF keys (docs/protocol.md §8.1),
		// for a host in the gateway's process as for one over HTTP.
		SigningKey:           c.signingKey,
		SigningKeyStatements: c.signingStatements,
	}
	if o.registry != nil {
		cfg.Metrics = telemetry.NewHTTPMetrics(o.registry)
	}
	switch {
	case c.Mode != api.ModePush:
	case o.publisher != nil:
		cfg.Publisher = o.publisher
	case c.inProcess:
		_ = h.Close()
		return nil, errors.New("build the courier host: a push-mode host in the gateway's process publishes through the gateway: give WithPublisher")
	default:
		// The publisher signs with the key the host holds now: a reloaded
		// signing key (courier_keys.go) signs the next publish.
		h.keys.publisher = &signedPublisher{}
		h.keys.publisher.sign(c, c.signingKey)
		h.Outbox, err = outbox.Open(c.Outbox, h.keys.publisher, outbox.WithLogger(logger.With("component", "outbox")))
		if err != nil {
			_ = h.Close()
			return nil, &FieldError{Field: "outbox", Problem: err.Error(), Err: err}
		}
		cfg.Publisher = h.Outbox
		if o.registry != nil {
			o.registry.MustRegister(outboxGauge(h.Outbox))
		}
	}
	if c.Mode == api.ModePush && c.Partition != nil {
		cfg.Partition = courierhost.Partition{Index: c.Partition.Index, Count: c.Partition.Count}
	}
	h.Host, err = courierhost.New(cfg)
	if err != nil {
		_ = h.Close()
		return nil, fmt.Errorf("build the courier host: %w", err)
	}
	gatewayKey := c.gatewayKey
	// Seen nonces are kept in this process: a lone host, or replicas
	// behind a load balancer that keeps a gateway on one replica. A host
	// loaded InProcess knows no gateway key, so its Handler answers
	// every request 401.
	h.Handler = h.Host.Handler(&signing.Verifier{
		Keys: func(id string) (ed25519.PublicKey, bool) {
			return gatewayKey, id == GatewayKeyID && gatewayKey != nil
		},
		Audience: c.Courier,
		Nonces:   signing.NewMemoryNonces(0, nil),
		Logger:   logger,
	}, c.signingKey)
	h.TLS = c.serverTLS
	h.keys.host = h.Host
	h.keys.stamp, _ = c.keyFilesStamp()
	return h, nil
}

// hostKeys are the keys loaded that have not expired at now; the others
// are logged, to be deleted.
func hostKeys(loaded []loadedKey, now time.Time, logger *slog.Logger) ([]courierhost.KeyConfig, error) {
	var keys []courierhost.KeyConfig
	for _, k := range loaded {
		if !now.Before(k.key.NotAfter) {
			logger.Warn("OPRF key expired; not served (delete its file)", "kid", k.key.Key.Public().KeyID(), "file", k.path)
			continue
		}
		keys = append(keys, courierhost.KeyConfig{Key: k.key.Key, NotBefore: k.key.NotBefore, NotAfter: k.key.NotAfter})
	}
	if len(keys) == 0 {
		return nil, fieldErr("oprf_keys", "every key has expired; make a new one with 'trackgate keys rotate --dir DIR'")
	}
	return keys, nil
}

// outboxGauge is trackgate_outbox_pending, read at every scrape.
func outboxGauge(ob *outbox.Outbox) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: telemetry.Namespace, Name: "outbox_pending",
		Help: "Records in the courier host's outbox that the gateway has not yet stored.",
	}, func() float64 { return float64(ob.Pending()) })
}

// publishTimeout bounds one publish to the gateway, as the publisher's
// default client does.
const publishTimeout = 30 * time.Second

// gatewayClient is the HTTP client of the gateway: nil (the publisher's
// default) unless gateway.tls sets a CA or client certificate.
func (c *Courier) gatewayClient() *http.Client {
	if c.gatewayTLS == nil {
		return nil
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = c.gatewayTLS
	return &http.Client{Timeout: publishTimeout, Transport: transport}
}

// Run runs the host (its index and, in push mode, its hand-over to the
// outbox) and the outbox's delivery to the gateway until ctx ends; it
// returns nil then, or the first failure before.
func (h *CourierHost) Run(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return untilDone(ctx, h.Host.Run(gctx)) })
	g.Go(func() error { h.keys.watch(gctx); return nil })
	if h.Outbox != nil {
		g.Go(func() error { return untilDone(ctx, h.Outbox.Run(gctx)) })
	}
	return g.Wait()
}

// untilDone drops the error of a loop that ended because ctx did.
func untilDone(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil
	}
	return err
}

// Close closes the outbox and the adapter, if it holds resources.
func (h *CourierHost) Close() error {
	var errs []error
	if h.Outbox != nil {
		errs = append(errs, h.Outbox.Close())
	}
	if cl, ok := h.source.(adapters.Closer); ok {
		errs = append(errs, cl.Close())
	}
	return errors.Join(errs...)
}
