package benchmark

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/config"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/courierhost/outbox"
	"github.com/trackgate/trackgate/gateway/signing"
)

// hostSpec describes a courier host to start.
type hostSpec struct {
	id, name     string
	mode, factor string
	patterns     []api.Pattern
	source       adapters.Source
	// gatewayURL is where a push host's outbox publishes.
	gatewayURL string
	// delay holds every evaluation this long before the host answers it.
	delay time.Duration
}

// courierHost is a courier host of the run: built as `trackgate courier`
// builds one (a push host publishes through a durable outbox with signed
// requests), serving its signed /tg1 API on loopback.
type courierHost struct {
	spec    hostSpec
	oprf    *crypto.PrivateKey
	signKey ed25519.PrivateKey
	host    *courierhost.Host
	outbox  *outbox.Outbox // push mode only
	server  *loopbackServer
}

// hostRate is the hosts' own evaluation limit: far above any figure's
// load, since the figures measure the gateway, not the host's limit.
const hostRate = 1e9

func (d *deployment) startHost(spec hostSpec) (*courierHost, error) {
	oprfKey, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	_, signKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	h := &courierHost{spec: spec, oprf: oprfKey, signKey: signKey}
	now := time.Now()
	cfg := courierhost.Config{
		Courier:    spec.id,
		BucketBits: d.profile.BucketBits,
		RecordSize: crypto.DefaultRecordSize,
		Mode:       spec.mode,
		Factor:     spec.factor,
		Keys: []courierhost.KeyConfig{{
			Key: oprfKey, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(30 * 24 * time.Hour),
		}},
		Source:        spec.source,
		EvaluateRate:  rate.Limit(hostRate),
		EvaluateBurst: hostRate,
		Logger:        d.logger.With("courier_host", spec.id),
	}
	if spec.mode == api.ModePush {
		publisher := courierhost.HTTPPublisher{
			GatewayURL: spec.gatewayURL, Courier: spec.id,
			Signer: &signing.Signer{KeyID: spec.id, Key: signKey, Audience: config.DefaultGatewayID},
		}
		h.outbox, err = outbox.Open(filepath.Join(d.dir, spec.id+"-outbox.db"), publisher,
			outbox.WithLogger(cfg.Logger.With("component", "outbox")))
		if err != nil {
			return nil, fmt.Errorf("courier host %s: %w", spec.id, err)
		}
		cfg.Publisher = h.outbox
	}
	if h.host, err = courierhost.New(cfg); err != nil {
		h.closeOutbox()
		return nil, fmt.Errorf("courier host %s: %w", spec.id, err)
	}
	gatewayKey := d.gatewayKey.Public().(ed25519.PublicKey)
	var handler http.Handler = h.host.Handler(&signing.Verifier{
		Keys:     func(id string) (ed25519.PublicKey, bool) { return gatewayKey, id == config.GatewayKeyID },
		Audience: spec.id,
		Nonces:   signing.NewMemoryNonces(0, nil),
		Logger:   cfg.Logger,
	}, signKey)
	if spec.delay > 0 {
		handler = delayEvaluations(spec.delay, handler)
	}
	if h.server, err = serveLoopback(handler); err != nil {
		h.closeOutbox()
		return nil, err
	}
	return h, nil
}

// run keeps the host's index fresh and its outbox delivering until ctx
// ends.
func (h *courierHost) run(ctx context.Context) error {
	if h.outbox == nil {
		return h.host.Run(ctx)
	}
	errs := make(chan error, 1)
	go func() { errs <- h.outbox.Run(ctx) }()
	err := h.host.Run(ctx)
	if outboxErr := <-errs; err == nil {
		err = outboxErr
	}
	return err
}

// caughtUp reports whether the host has indexed its parcels and the
// gateway has every record it published.
func (h *courierHost) caughtUp() bool {
	return h.host.Ready() && h.host.Unpublished() == 0 && (h.outbox == nil || h.outbox.Pending() == 0)
}

func (h *courierHost) kid() string { return h.oprf.Public().KeyID() }

func (h *courierHost) signingPublic() ed25519.PublicKey {
	return h.signKey.Public().(ed25519.PublicKey)
}

// close stops serving; call it once run has returned.
func (h *courierHost) close() error {
	err := h.server.close()
	h.closeOutbox()
	return err
}

func (h *courierHost) closeOutbox() {
	if h.outbox != nil {
		_ = h.outbox.Close()
	}
}

// delayEvaluations answers POST /tg1/evaluate only after delay, as a
// courier host far away or slow would.
func delayEvaluations(delay time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/tg1/evaluate" {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// noParcels is the adapter of the hosts that only evaluate (the fan-out
// couriers) or whose records the figures publish themselves.
type noParcels struct{}

func (noParcels) Lookup(context.Context, adapters.ParcelRef) (adapters.Parcel, error) {
	return adapters.Parcel{}, adapters.ErrNotFound
}

func (noParcels) Parcels(context.Context, func(adapters.Parcel) bool) error { return nil }
