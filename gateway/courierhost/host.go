package courierhost

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// Host is a courier host. Build it with New, keep its index fresh with
// Run, and reach it in process (it is an api.CourierHost) or over HTTP
// (Handler).
type Host struct {
	cfg     Config
	keys    atomic.Pointer[[]hostKey] // replaced whole by SetKeys, never changed
	lister  adapters.Lister           // nil when the Source cannot list
	watcher adapters.Watcher          // nil when the Source cannot watch
	limiter *rate.Limiter
	index   index
	queue   *publishQueue // push mode only
	ready   atomic.Bool
	running atomic.Bool
	load    loadState
	// rekeyed holds a signal after SetKeys, for Run to seal the parcels
	// under the new keys at once.
	rekeyed chan struct{}
	// signer signs answers and key statements: set by New (Config's
	// SigningKey), Handler and SetSigningKey, under signerMu.
	signer     atomic.Pointer[signer]
	signerMu   sync.Mutex
	statements statements
}

var (
	_ api.CourierHost  = (*Host)(nil)
	_ api.KeysAnswerer = (*Host)(nil)
)

// hostKey is one configured key with what the index and Keys need of it.
type hostKey struct {
	key       *crypto.PrivateKey
	kid       string
	kidBytes  []byte
	notBefore time.Time
	notAfter  time.Time
}

func (k *hostKey) validAt(now time.Time) bool {
	return !now.Before(k.notBefore) && now.Before(k.notAfter)
}

// New validates cfg and builds a host. The index is empty until Run has
// listed the adapter's parcels.
func New(cfg Config) (*Host, error) {
	cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	h := &Host{
		cfg:     cfg,
		limiter: rate.NewLimiter(cfg.EvaluateRate, cfg.EvaluateBurst),
	}
	h.lister, _ = cfg.Source.(adapters.Lister)
	h.watcher, _ = cfg.Source.(adapters.Watcher)
	h.keys.Store(hostKeys(cfg.Keys))
	if cfg.SigningKey != nil {
		s, err := newSigner(cfg.Courier, cfg.SigningKey, cfg.SigningKeyStatements)
		if err != nil {
			return nil, err
		}
		h.signer.Store(s)
	}
	h.rekeyed = make(chan struct{}, 1)
	h.index.init(cfg.BucketBits)
	if cfg.Mode == api.ModePush {
		h.queue = newPublishQueue()
	}
	// An adapter that logs does so through the host's logger, in its
	// format, before the host uses it.
	if ls, ok := cfg.Source.(adapters.LoggerSetter); ok {
		ls.SetLogger(cfg.Logger)
	}
	return h, nil
}

// hostKeys makes the host's view of keys.
func hostKeys(keys []KeyConfig) *[]hostKey {
	out := make([]hostKey, 0, len(keys))
	for _, k := range keys {
		raw := k.Key.Public().Bytes()
		out = append(out, hostKey{
			key:       k.Key,
			kid:       crypto.KeyID(raw),
			kidBytes:  crypto.KeyIDBytes(raw),
			notBefore: wholeSeconds(k.NotBefore),
			notAfter:  wholeSeconds(k.NotAfter),
		})
	}
	return &out
}

// wholeSeconds is t as key statements write it: UTC, to the second
// (docs/protocol.md §8.1). The host serves and uses its keys' windows so.
func wholeSeconds(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// keySet returns the keys now: a slice nobody changes.
func (h *Host) keySet() []hostKey { return *h.keys.Load() }

// Keys lists every configured key with its validity window, for the
// gateway's directory.
func (h *Host) Keys(context.Context) ([]api.Key, error) {
	return listKeys(h.keySet()), nil
}

// listKeys is keys as the gateway's directory lists them.
func listKeys(keys []hostKey) []api.Key {
	out := make([]api.Key, len(keys))
	for i, k := range keys {
		out[i] = api.Key{
			KeyID:     k.kid,
			PublicKey: k.key.Public().Bytes(),
			NotBefore: k.notBefore,
			NotAfter:  k.notAfter,
		}
	}
	return out
}

// validKeys returns the keys valid at now.
func (h *Host) validKeys(now time.Time) []*hostKey {
	keys := h.keySet()
	var out []*hostKey
	for i := range keys {
		if keys[i].validAt(now) {
			out = append(out, &keys[i])
		}
	}
	return out
}

// Ready reports whether the index has been built once, so that Bucket,
// Record and publishing reflect the adapter's parcels.
func (h *Host) Ready() bool { return h.ready.Load() }

// Bucket returns every live record whose locator falls in bucket,
// possibly none. Pull mode only; otherwise api.ErrNotPullMode.
func (h *Host) Bucket(_ context.Context, bucket uint32) ([]crypto.SealedRecord, error) {
	if h.cfg.Mode != api.ModePull {
		return nil, api.ErrNotPullMode
	}
	if bucket>>h.cfg.BucketBits != 0 {
		return nil, fmt.Errorf("%w: bucket outside the %d bucket bits", api.ErrInvalidInput, h.cfg.BucketBits)
	}
	return h.index.bucket(bucket, h.cfg.Now()), nil
}

// Record returns the live record at locator, api.ErrNotFound when there
// is none (unknown or expired). Pull mode only; otherwise
// api.ErrNotPullMode.
func (h *Host) Record(_ context.Context, locator []byte) (crypto.SealedRecord, error) {
	if h.cfg.Mode != api.ModePull {
		return crypto.SealedRecord{}, api.ErrNotPullMode
	}
	if len(locator) != crypto.LocatorSize {
		return crypto.SealedRecord{}, fmt.Errorf("%w: locator of %d bytes", api.ErrInvalidInput, len(locator))
	}
	rec, ok := h.index.record(locatorKey(locator), h.cfg.Now())
	if !ok {
		return crypto.SealedRecord{}, api.ErrNotFound
	}
	return rec, nil
}

// Unpublished returns how many records wait for the gateway to
// acknowledge them (always 0 in pull mode). Ready and no unpublished
// records mean a push-mode host has caught up with its adapter.
func (h *Host) Unpublished() int {
	if h.queue == nil {
		return 0
	}
	return h.queue.len()
}
