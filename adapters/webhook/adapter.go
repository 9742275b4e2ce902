package webhook

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// Timeouts of the ingest listener and of Close.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = time.Minute
	writeTimeout      = time.Minute
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 16 << 10
	// shutdownTimeout bounds how long Close waits for requests in flight.
	shutdownTimeout = 10 * time.Second
	// pruneInterval is how often parcels past their retention are deleted.
	pruneInterval = time.Hour
)

// ErrClosed is returned by Watch when the adapter is closed under it.
var ErrClosed = errors.New("webhook adapter is closed")

// Adapter is the webhook adapter: the ingest API, the state file, and the
// adapters.Source, Lister, Watcher and Closer over them. Its methods are
// safe for concurrent use.
type Adapter struct {
	cfg       Config
	store     *store
	tokenHash [sha256.Size]byte
	handler   http.Handler
	changes   changes

	srv       *http.Server // nil without a listener
	addr      net.Addr
	tls       bool
	logs      *adapters.LogSwitch // cfg.Logger follows it
	announced sync.Once           // the listener's line is logged once
	closed    chan struct{}
	closeOnce sync.Once
	closeErr  error
	wg        sync.WaitGroup // the server and the janitor
}

var (
	_ adapters.Source  = (*Adapter)(nil)
	_ adapters.Lister  = (*Adapter)(nil)
	_ adapters.Watcher = (*Adapter)(nil)
	_ adapters.Closer  = (*Adapter)(nil)

	_ adapters.LoggerSetter = (*Adapter)(nil)
)

// Open opens the state file and, when cfg.Listen is set, starts serving
// the ingest API there at once; Close stops both.
func Open(cfg Config) (*Adapter, error) {
	a, err := openAdapter(cfg)
	if err != nil {
		return nil, err
	}
	a.announce()
	return a, nil
}

// openAdapter is Open without the line that announces the listener, which
// the factory leaves to SetLogger: its host's logger is not known yet.
func openAdapter(cfg Config) (*Adapter, error) {
	cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	var tlsConfig *tls.Config
	if cfg.TLSCertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
		if err != nil {
			return nil, fmt.Errorf("%w: load the TLS certificate and key: %w", ErrConfig, err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	st, err := openStore(cfg.StatePath, cfg.Courier)
	if err != nil {
		return nil, err
	}
	a := &Adapter{
		cfg:       cfg,
		store:     st,
		tokenHash: sha256.Sum256([]byte(cfg.Token)),
		logs:      adapters.NewLogSwitch(cfg.Logger),
		closed:    make(chan struct{}),
	}
	a.cfg.Logger = a.logs.Logger()
	a.changes.wake = make(chan struct{}, 1)
	a.handler = a.routes()
	a.prune()
	if cfg.Listen != "" {
		if err := a.listen(tlsConfig); err != nil {
			_ = st.close()
			return nil, err
		}
	}
	a.wg.Go(a.janitor)
	return a, nil
}

// listen starts serving the ingest API on cfg.Listen.
func (a *Adapter) listen(tlsConfig *tls.Config) error {
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return fmt.Errorf("webhook ingest API: listen on %s: %w", a.cfg.Listen, err)
	}
	a.addr, a.tls = ln.Addr(), tlsConfig != nil
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	a.srv = &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		// Connection errors (TLS handshakes) go to our logger, not the
		// standard one.
		ErrorLog: slog.NewLogLogger(a.cfg.Logger.Handler(), slog.LevelWarn),
	}
	a.wg.Go(func() {
		if err := a.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			a.cfg.Logger.Error("webhook ingest API stopped", "error", err)
		}
	})
	return nil
}

// announce logs, once, where the ingest API listens, and warns when its
// bearer token travels in the clear beyond loopback.
func (a *Adapter) announce() {
	if a.addr == nil {
		return
	}
	a.announced.Do(func() {
		a.cfg.Logger.Info("webhook ingest API listening", "addr", a.addr.String(), "tls", a.tls)
		if !a.tls && !isLoopback(a.addr) {
			a.cfg.Logger.Warn("webhook ingest API serves plain HTTP beyond loopback: its bearer token can be read on the network; give tls_cert and tls_key, or listen on a private network only")
		}
	})
}

// SetLogger sends the adapter's lines, from now on, to l, the courier
// host's logger (adapters.LoggerSetter), with the attribute
// adapter=webhook; the listener is announced there if it was not yet.
func (a *Adapter) SetLogger(l *slog.Logger) {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	a.logs.Set(l.With("adapter", AdapterName))
	a.announce()
}

func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// Addr returns the address the ingest API listens on (useful with port
// 0), or nil when the adapter serves no listener.
func (a *Adapter) Addr() net.Addr { return a.addr }

// Handler returns the ingest API, for a caller that serves it itself
// (Config.Listen empty) or mounts it in tests.
func (a *Adapter) Handler() http.Handler { return a.handler }

// Close stops the ingest listener, waiting up to 10 s for requests in
// flight, ends a running Watch, and closes the state file. It is safe to
// call more than once.
func (a *Adapter) Close() error {
	a.closeOnce.Do(func() {
		close(a.closed)
		var errs []error
		if a.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
			if err := a.srv.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("stop the webhook ingest API: %w", err), a.srv.Close())
			}
			cancel()
		}
		a.wg.Wait()
		if err := a.store.close(); err != nil {
			errs = append(errs, fmt.Errorf("close the webhook state file: %w", err))
		}
		a.closeErr = errors.Join(errs...)
	})
	return a.closeErr
}

// janitor deletes parcels past their retention every pruneInterval until
// the adapter is closed.
func (a *Adapter) janitor() {
	t := time.NewTicker(pruneInterval)
	defer t.Stop()
	for {
		select {
		case <-a.closed:
			return
		case <-t.C:
			a.prune()
		}
	}
}

func (a *Adapter) prune() {
	n, err := a.store.prune(a.cfg.Now(), a.cfg.Retention)
	switch {
	case err != nil:
		a.cfg.Logger.Error("deleting parcels past their retention failed", "error", err)
	case n > 0:
		a.cfg.Logger.Info("parcels past their retention deleted", "parcels", n)
	}
}
