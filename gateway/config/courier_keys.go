package config

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/signing"
)

// DefaultKeyCheckInterval is how often a running courier host looks at
// its key files for a change (WithKeyCheckInterval).
const DefaultKeyCheckInterval = 10 * time.Second

// WithKeyCheckInterval sets how often a courier host built from its file
// looks at its key files (their names, sizes and modification times) and
// reloads its keys when they changed (default DefaultKeyCheckInterval;
// negative: never, only on ReloadKeys).
func WithKeyCheckInterval(d time.Duration) BuildOption {
	return func(o *buildOptions) { o.keyCheck = d }
}

// ReloadKeys reads the host's key files again — its OPRF keys (oprf_keys),
// its signing key (signing_key) and the signing-key statements beside it —
// and hands the host what changed,
// without a restart: a rotation (trackgate keys rotate) is served at once,
// the previous key beside the new one until the end of its shortened
// window. The files are read and checked whole first; on any error the
// host keeps the keys it has, and the error says which file is wrong.
// Call it on SIGHUP; a running host also calls it when the files change.
func (h *CourierHost) ReloadKeys() error { return h.keys.reload() }

// keyReloader reloads a courier host's keys from the files its
// configuration names.
type keyReloader struct {
	file      *Courier
	host      *courierhost.Host
	publisher *signedPublisher // push mode only
	logger    *slog.Logger
	interval  time.Duration

	mu    sync.Mutex // one reload at a time
	stamp string     // of the files last read
}

func (r *keyReloader) reload() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	stamp, err := r.file.keyFilesStamp()
	if err != nil {
		return r.refused(err)
	}
	loaded, err := readOPRFKeys(r.file.OPRFKeys, time.Now())
	if err != nil {
		return r.refused(err)
	}
	keys, err := hostKeys(loaded, time.Now(), r.logger)
	if err != nil {
		return r.refused(err)
	}
	sk, err := r.file.readSigningKey()
	if err != nil {
		return r.refused(err)
	}
	statements, err := r.file.readSigningStatements(sk)
	if err != nil {
		return r.refused(err)
	}
	// The signing key first: a change of it needs its statement, which
	// could fail; the OPRF keys are then left as they were too.
	if err := r.host.SetSigningKey(sk, statements...); err != nil {
		return r.refused(err)
	}
	if err := r.host.SetKeys(keys); err != nil {
		return r.refused(err)
	}
	if r.publisher != nil {
		r.publisher.sign(r.file, sk)
	}
	r.stamp = stamp
	return nil
}

// refused logs a reload that changed nothing and returns its error. The
// error names files and fields, never a key.
func (r *keyReloader) refused(err error) error {
	r.logger.Error("keys not reloaded; the host keeps serving the keys it has", "error", err)
	return fmt.Errorf("reload keys: %w", err)
}

// watch reloads the keys whenever the key files change, checking every
// interval, until ctx ends. A file being replaced may fail to read once:
// the next check tries again.
func (r *keyReloader) watch(ctx context.Context) {
	interval := r.interval
	if interval == 0 {
		interval = DefaultKeyCheckInterval
	}
	if interval < 0 || r.host == nil {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		stamp, err := r.file.keyFilesStamp()
		r.mu.Lock()
		changed := err == nil && stamp != r.stamp
		r.mu.Unlock()
		if changed {
			r.logger.Info("key files changed; reloading the keys")
			_ = r.reload() // logged
		}
	}
}

// keyFilesStamp sums up what a rotation changes of the key files: the
// names, sizes and modification times of the OPRF key files (every key
// file of a directory in oprf_keys), of the signing key file and of the
// signing-key statements beside it.
func (c *Courier) keyFilesStamp() (string, error) {
	var b strings.Builder
	stat := func(path string) error {
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %d %d\n", path, st.Size(), st.ModTime().UnixNano())
		return nil
	}
	for _, p := range c.OPRFKeys {
		st, err := os.Stat(p)
		if err != nil {
			return "", err
		}
		if !st.IsDir() {
			if err := stat(p); err != nil {
				return "", err
			}
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return "", err
		}
		for _, e := range entries {
			if name := e.Name(); strings.HasSuffix(name, keyfile.Ext) && !strings.HasPrefix(name, ".") {
				if err := stat(filepath.Join(p, name)); err != nil {
					return "", err
				}
			}
		}
	}
	if err := stat(c.SigningKey); err != nil {
		return "", err
	}
	if err := stat(keyfile.StatementsPath(c.SigningKey)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	return b.String(), nil
}

// signedPublisher publishes to the gateway signed with the host's signing
// key of the moment: a reload replaces the publisher whole.
type signedPublisher struct {
	current atomic.Pointer[courierhost.HTTPPublisher]
}

var _ courierhost.Publisher = (*signedPublisher)(nil)

// sign makes the publisher sign with key from now on.
func (p *signedPublisher) sign(c *Courier, key ed25519.PrivateKey) {
	p.current.Store(&courierhost.HTTPPublisher{
		GatewayURL: c.Gateway.URL,
		Courier:    c.Courier,
		Signer:     &signing.Signer{KeyID: c.Courier, Key: key, Audience: c.Gateway.ID},
		Client:     c.gatewayClient(),
	})
}

func (p *signedPublisher) Publish(ctx context.Context, batch api.Records) (api.PublishResponse, error) {
	return p.current.Load().Publish(ctx, batch)
}
