package delivery

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/trackgate/trackgate/gateway/webhook"
)

// Engine runs subscriptions: the operations behind their routes
// (service.go), the workers that deliver what is queued (this file and
// attempt.go), the watcher of pull couriers (watch.go) and the sweep
// that ends subscriptions (end.go). Build it with NewEngine and start it
// with Run.
type Engine struct {
	cfg     Config
	backend Backend
	client  *webhook.Client

	wake  chan struct{} // work was queued here, or a worker freed up
	slots tenantSlots
	wg    sync.WaitGroup // attempts in flight
}

// NewEngine validates cfg and builds an engine; nothing runs until Run.
func NewEngine(cfg Config) (*Engine, error) {
	cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Engine{
		cfg:     cfg,
		backend: cfg.Backend,
		client:  webhook.NewClient(webhook.ClientConfig{Policy: cfg.Policy, Timeout: cfg.Timeout, Resolver: cfg.Resolver}),
		wake:    make(chan struct{}, 1),
		slots:   tenantSlots{held: map[string]int{}, sems: map[string]chan struct{}{}},
	}, nil
}

// Backend is the engine's backend.
func (e *Engine) Backend() Backend { return e.backend }

// Run delivers until ctx ends, watching the pull couriers and ending
// subscriptions on the way; then it waits for the attempts in flight,
// which finish on their own (within Timeout), and returns.
func (e *Engine) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { e.deliver(ctx) })
	for _, c := range e.cfg.Watch {
		wg.Go(func() { e.watch(ctx, c) })
	}
	wg.Go(func() { e.sweep(ctx) })
	wg.Wait()
	e.wg.Wait()
}

// notify tells the delivery loop that there may be work.
func (e *Engine) notify() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// deliver claims attempts and hands them to workers until ctx ends.
func (e *Engine) deliver(ctx context.Context) {
	ticker := time.NewTicker(e.cfg.Poll)
	defer ticker.Stop()
	lastPromote := time.Time{}
	var promoting, claiming outage
	for ctx.Err() == nil {
		now := e.cfg.Now()
		if now.Sub(lastPromote) >= e.cfg.Poll {
			err := e.backend.Promote(ctx, now)
			promoting.note(e.cfg.Logger, "promote retries", err, now)
			lastPromote = now
		}
		if free := e.cfg.Workers - e.slots.total(); free > 0 {
			attempts, err := e.backend.Claim(ctx, e.cfg.Consumer, free, now)
			if ctx.Err() == nil {
				claiming.note(e.cfg.Logger, "claim", err, now)
			}
			for i := range attempts {
				e.dispatch(ctx, &attempts[i])
			}
			if len(attempts) == free {
				continue // more may be waiting
			}
		}
		select {
		case <-ctx.Done():
		case <-e.wake:
		case <-ticker.C:
		}
	}
}

// outage logs the queue's failures without flooding the log while its
// backend is away: the first, then one a minute, then the recovery.
type outage struct {
	since, logged time.Time
}

func (o *outage) note(logger *slog.Logger, op string, err error, now time.Time) {
	switch {
	case err == nil && !o.since.IsZero():
		logger.Info("webhook queue: "+op+" works again", "after", now.Sub(o.since).Round(time.Second))
		o.since, o.logged = time.Time{}, time.Time{}
	case err == nil:
	case o.since.IsZero() || now.Sub(o.logged) >= time.Minute:
		if o.since.IsZero() {
			o.since = now
		}
		o.logged = now
		logger.Warn("webhook queue: "+op, "error", err)
	}
}

// dispatch runs an attempt under its tenant's concurrency, or defers it
// when the tenant already has as many waiting as it may run, so that
// one tenant's slow receiver never holds the workers of another.
func (e *Engine) dispatch(ctx context.Context, a *Attempt) {
	tenant := a.Subscription.Tenant
	sem, ok := e.slots.hold(tenant, e.cfg.Concurrency)
	if !ok {
		at := e.cfg.Now().Add(min(e.cfg.Timeout, time.Second))
		if err := e.backend.Finish(ctx, a, Outcome{Kind: OutcomeDefer, At: at}, e.cfg.Now()); err != nil && !errors.Is(err, ErrStale) {
			e.cfg.Logger.Warn("webhook queue: defer", "tenant", tenant, "error", err)
		}
		return
	}
	e.wg.Go(func() {
		defer func() {
			e.slots.release(tenant)
			e.notify()
		}()
		sem <- struct{}{}
		defer func() { <-sem }()
		e.attempt(ctx, a)
	})
}

// tenantSlots counts, per tenant, the attempts this gateway holds
// (running or waiting for one of the tenant's Concurrency slots).
type tenantSlots struct {
	mu   sync.Mutex
	held map[string]int
	sems map[string]chan struct{}
	n    int
}

// hold counts one more attempt of tenant unless it already holds twice
// its concurrency, and returns the tenant's semaphore.
func (s *tenantSlots) hold(tenant string, concurrency int) (chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held[tenant] >= 2*concurrency {
		return nil, false
	}
	sem := s.sems[tenant]
	if sem == nil {
		sem = make(chan struct{}, concurrency)
		s.sems[tenant] = sem
	}
	s.held[tenant]++
	s.n++
	return sem, true
}

func (s *tenantSlots) release(tenant string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n--
	if s.held[tenant]--; s.held[tenant] == 0 {
		delete(s.held, tenant)
		delete(s.sems, tenant)
	}
}

func (s *tenantSlots) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Depth returns how many deliveries wait in the backend's queue (shared
// by every gateway on a Redis backend).
func (e *Engine) Depth(ctx context.Context) (int64, error) {
	return e.backend.Depth(ctx)
}
