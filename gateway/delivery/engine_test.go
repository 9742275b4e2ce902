package delivery_test

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/delivery/deliverytest"
	"github.com/trackgate/trackgate/gateway/delivery/memory"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// fast is a retry schedule for tests: deliveries die after a second.
var fast = delivery.Retry{Initial: 5 * time.Millisecond, Max: 40 * time.Millisecond, For: time.Second}

// startEngine builds an engine on a memory backend for loopback
// receivers and runs it until the test ends.
func startEngine(t *testing.T, tweak func(*delivery.Config)) (*delivery.Engine, *deliverytest.Counter) {
	t.Helper()
	counter := deliverytest.NewCounter()
	cfg := delivery.Config{Options: delivery.Options{
		Backend: memory.New(time.Minute),
		Policy:  webhook.Policy{AllowHTTP: true, AllowPrivate: true},
		Timeout: 300 * time.Millisecond, Retry: fast, Poll: 20 * time.Millisecond,
		Count: counter.Count,
	}}
	if tweak != nil {
		tweak(&cfg)
	}
	e, err := delivery.NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	run(t, e)
	return e, counter
}

// run runs e until the test ends, and waits for it to stop.
func run(t *testing.T, e *delivery.Engine) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { e.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
}

func subscribe(t *testing.T, e *delivery.Engine, tenant, url, secret string, locators [][]byte) delivery.Subscription {
	t.Helper()
	s, err := e.Subscribe(context.Background(), tenant, delivery.SubscribeRequest{Locators: locators, CallbackURL: url, Secret: secret})
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	return s
}

const (
	secretA = "secret-of-shop-a-0123456789abcdefghijklmnop"
	secretB = "secret-of-shop-b-0123456789abcdefghijklmnop"
)

func TestEveryVersionArrivesInOrderAtAFlakyReceiver(t *testing.T) {
	e, counter := startEngine(t, func(c *delivery.Config) { c.Retry.For = time.Hour })
	ra, rb := deliverytest.NewReceiver(t, secretA), deliverytest.NewReceiver(t, secretB)
	ra.SetFail(0.4)
	rb.SetFail(0.4)
	traffic := deliverytest.NewTraffic("swift", 6)
	subA := subscribe(t, e, "shop-a", ra.URL, secretA, traffic.Locators)
	subB := subscribe(t, e, "shop-b", rb.URL, secretB, traffic.Locators[:3])
	for range 6 {
		if err := e.Publish(t.Context(), traffic.Next()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !traffic.WaitDelivered(ra, 30*time.Second, subA.ID) {
		t.Fatal("shop-a's receiver did not get every version in time")
	}
	ok := deliverytest.WaitFor(30*time.Second, func() bool {
		for _, l := range traffic.Locators[:3] {
			if got, _ := rb.Accepted(subB.ID, l); len(got) < traffic.Sent()/6 {
				return false
			}
		}
		return true
	})
	if !ok {
		t.Fatal("shop-b's receiver did not get every version in time")
	}
	traffic.Check(t, ra, subA.ID)
	for _, l := range traffic.Locators[3:] {
		if got, _ := rb.Accepted(subB.ID, l); len(got) != 0 {
			t.Fatalf("shop-b got deliveries of a locator it did not subscribe to")
		}
	}
	// The counts are the traffic: a delivery per 2xx, a failure per
	// other attempt, per tenant and per courier.
	time.Sleep(100 * time.Millisecond) // the last attempts' counts
	for tenant, r := range map[string]*deliverytest.Receiver{"shop-a": ra, "shop-b": rb} {
		scope := delivery.Scope{Tenant: tenant}
		if got, want := counter.Get(scope, delivery.MetricDeliveries), int64(r.AcceptedTotal()); got != want {
			t.Errorf("%s: counted %d deliveries, the receiver accepted %d", tenant, got, want)
		}
		if got, want := counter.Get(scope, delivery.MetricDeliveryFailures), int64(r.Requests()-r.AcceptedTotal()); got != want || want == 0 {
			t.Errorf("%s: counted %d failures, the receiver failed %d requests", tenant, got, want)
		}
		if got := counter.Get(scope, delivery.MetricSubscriptionsCreated); got != 1 {
			t.Errorf("%s: counted %d subscriptions created", tenant, got)
		}
	}
	courier := delivery.Scope{Courier: "swift"}
	if got, want := counter.Get(courier, delivery.MetricDeliveries), int64(ra.AcceptedTotal()+rb.AcceptedTotal()); got != want {
		t.Errorf("courier swift: counted %d deliveries, want %d", got, want)
	}
}

func TestDeadLettersAfterTheRetryBudgetThenReplay(t *testing.T) {
	seen := &observer{}
	e, counter := startEngine(t, func(c *delivery.Config) {
		c.Retry = delivery.Retry{Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond, For: 300 * time.Millisecond}
		c.Timeout = 100 * time.Millisecond
		c.Observe = seen
	})
	r := deliverytest.NewReceiver(t, secretA)
	r.SetFail(1)
	traffic := deliverytest.NewTraffic("swift", 1)
	sub := subscribe(t, e, "shop-a", r.URL, secretA, traffic.Locators)
	e.Publish(t.Context(), traffic.Next())
	e.Publish(t.Context(), traffic.Next())
	var dead []delivery.DeadLetter
	if !deliverytest.WaitFor(10*time.Second, func() bool {
		dead, _ = e.DeadLetters(t.Context(), "shop-a", sub.ID)
		return len(dead) == 2
	}) {
		t.Fatalf("%d dead letters, want both versions", len(dead))
	}
	for i, d := range dead {
		if d.Version != uint64(i+1) || d.Attempts < 2 || d.LastError == "" || d.LastAttemptAt.Sub(d.FirstAttemptAt) < 300*time.Millisecond {
			t.Errorf("dead letter %d: %+v", i, d)
		}
	}
	if s, _ := e.Subscription(t.Context(), "shop-a", sub.ID); s.Counts != (delivery.Counts{Dead: 2}) {
		t.Fatalf("counts %+v", s.Counts)
	}
	r.SetFail(0)
	if n, err := e.Replay(t.Context(), "shop-a", sub.ID, nil); err != nil || n != 2 {
		t.Fatalf("Replay: %d, %v", n, err)
	}
	if !traffic.WaitDelivered(r, 10*time.Second, sub.ID) {
		t.Fatal("the replayed dead letters did not arrive")
	}
	traffic.Check(t, r, sub.ID)
	if s, _ := e.Subscription(t.Context(), "shop-a", sub.ID); s.Counts != (delivery.Counts{Delivered: 2}) {
		t.Fatalf("counts after the replay %+v", s.Counts)
	}
	tenant := delivery.Scope{Tenant: "shop-a"}
	if counter.Get(tenant, delivery.MetricDeadLetters) != 2 || counter.Get(tenant, delivery.MetricReplays) != 2 {
		t.Errorf("counted %d dead letters and %d replays, want 2 and 2",
			counter.Get(tenant, delivery.MetricDeadLetters), counter.Get(tenant, delivery.MetricReplays))
	}
	// The metrics' observer saw the same: every failed attempt, one retry
	// less than them per version, the two dead letters, the two deliveries.
	seen.mu.Lock()
	defer seen.mu.Unlock()
	failed := counter.Get(tenant, delivery.MetricDeliveryFailures)
	if seen.attempts["failed"] != failed || seen.attempts["delivered"] != 2 || seen.dead != 2 || seen.retries != failed-2 {
		t.Errorf("observed %v attempts, %d retries, %d dead letters; want %d failed and 2 delivered, %d retries, 2 dead letters",
			seen.attempts, seen.retries, seen.dead, failed, failed-2)
	}
}

// observer records what the engine tells the metrics.
type observer struct {
	mu            sync.Mutex
	attempts      map[string]int64
	retries, dead int64
}

func (o *observer) Attempt(outcome string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.attempts == nil {
		o.attempts = map[string]int64{}
	}
	o.attempts[outcome]++
}

func (o *observer) Retry() { o.mu.Lock(); o.retries++; o.mu.Unlock() }

func (o *observer) DeadLetter() { o.mu.Lock(); o.dead++; o.mu.Unlock() }

// TestAttackHangingReceiverSlowsOtherTenants: a tenant whose receiver
// never answers holds every worker of the gateway, so other tenants'
// deliveries wait behind it. Each tenant has its own few slots, and what
// does not fit is deferred, not held.
func TestAttackHangingReceiverSlowsOtherTenants(t *testing.T) {
	e, _ := startEngine(t, func(c *delivery.Config) {
		c.Concurrency, c.Workers, c.Timeout = 2, 6, 3*time.Second
		c.Retry.For = time.Hour
	})
	hanging, healthy := deliverytest.NewReceiver(t, secretA), deliverytest.NewReceiver(t, secretB)
	hanging.SetHang(true)
	slow := deliverytest.NewTraffic("swift", 20)
	fine := deliverytest.NewTraffic("swift", 4)
	subscribe(t, e, "shop-a", hanging.URL, secretA, slow.Locators)
	subB := subscribe(t, e, "shop-b", healthy.URL, secretB, fine.Locators)
	e.Publish(t.Context(), slow.Next())
	time.Sleep(100 * time.Millisecond) // shop-a's attempts are hanging now
	start := time.Now()
	e.Publish(t.Context(), fine.Next())
	if !fine.WaitDelivered(healthy, 2*time.Second, subB.ID) {
		t.Fatalf("shop-b's deliveries waited behind shop-a's hanging receiver (%d of %d after %s)",
			healthy.Distinct(), fine.Sent(), time.Since(start))
	}
	fine.Check(t, healthy, subB.ID)
	if n := hanging.Requests(); n > 2 {
		t.Fatalf("shop-a had %d attempts in flight at once, above its concurrency of 2", n)
	}
}

// rebinder resolves one name to an address a test changes.
type rebinder struct {
	mu   sync.Mutex
	addr netip.Addr
}

func (r *rebinder) set(a string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addr = netip.MustParseAddr(a)
}

func (r *rebinder) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if host != "hooks.shop-a.example" {
		return nil, errors.New("no such host")
	}
	return []netip.Addr{r.addr}, nil
}

// TestAttackSubscriptionReachesLoopback: a tenant subscribes with a
// callback on the gateway's own loopback or private network, directly or
// through a name that resolves there only after the subscription was
// made (DNS rebinding). Refused when made, and when connecting.
func TestAttackSubscriptionReachesLoopback(t *testing.T) {
	resolver := &rebinder{}
	resolver.set("203.0.113.10")
	e, _ := startEngine(t, func(c *delivery.Config) {
		c.Policy = webhook.Policy{AllowHTTP: true}
		c.Resolver = resolver
		c.Retry = delivery.Retry{Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond, For: 200 * time.Millisecond}
	})
	internal := deliverytest.NewReceiver(t, secretA)
	loc := deliverytest.NewTraffic("swift", 1)
	for _, url := range []string{internal.URL, "http://10.0.0.5/hook", "http://[::ffff:127.0.0.1]:80/", "http://169.254.169.254/latest"} {
		_, err := e.Subscribe(t.Context(), "shop-a", delivery.SubscribeRequest{Locators: loc.Locators, CallbackURL: url, Secret: secretA})
		if !errors.Is(err, delivery.ErrInvalid) || !errors.Is(err, webhook.ErrCallbackRefused) {
			t.Errorf("subscribing %s: %v, want a refused callback", url, err)
		}
	}
	_, port, _ := splitPort(internal.URL)
	sub := subscribe(t, e, "shop-a", "http://hooks.shop-a.example:"+port+"/hooks/tg1", secretA, loc.Locators)
	resolver.set("127.0.0.1")
	e.Publish(t.Context(), loc.Next())
	var dead []delivery.DeadLetter
	if !deliverytest.WaitFor(10*time.Second, func() bool {
		dead, _ = e.DeadLetters(t.Context(), "shop-a", sub.ID)
		return len(dead) == 1
	}) {
		t.Fatal("the rebound delivery did not become a dead letter")
	}
	if dead[0].LastError != webhook.ReasonAddressNotAllowed {
		t.Fatalf("last error %q, want %q", dead[0].LastError, webhook.ReasonAddressNotAllowed)
	}
	if internal.Requests() != 0 {
		t.Fatalf("the loopback receiver got %d requests", internal.Requests())
	}
}

func splitPort(url string) (string, string, bool) {
	rest := url[len("http://"):]
	for i := range rest {
		if rest[i] == '/' {
			rest = rest[:i]
			break
		}
	}
	for i := len(rest) - 1; i >= 0; i-- {
		if rest[i] == ':' {
			return rest[:i], rest[i+1:], true
		}
	}
	return rest, "", false
}
