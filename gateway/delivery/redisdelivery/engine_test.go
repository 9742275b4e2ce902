package redisdelivery

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/delivery/deliverytest"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/webhook"
)

const secret = "secret-of-shop-a-0123456789abcdefghijklmnop"

// killable is a backend that stops answering at once when killed, as a
// gateway process does under kill -9: whatever it held stays held.
type killable struct {
	delivery.Backend
	dead atomic.Bool
}

var errKilled = errors.New("the gateway was killed")

func (k *killable) Claim(ctx context.Context, c string, max int, now time.Time) ([]delivery.Attempt, error) {
	if k.dead.Load() {
		return nil, errKilled
	}
	return k.Backend.Claim(ctx, c, max, now)
}

func (k *killable) Finish(ctx context.Context, a *delivery.Attempt, o delivery.Outcome, now time.Time) error {
	if k.dead.Load() {
		return errKilled
	}
	return k.Backend.Finish(ctx, a, o, now)
}

func (k *killable) Promote(ctx context.Context, now time.Time) error {
	if k.dead.Load() {
		return errKilled
	}
	return k.Backend.Promote(ctx, now)
}

// gateway is one engine on a Redis, as one gateway process runs it.
type gateway struct {
	engine  *delivery.Engine
	backend *killable
	cancel  context.CancelFunc
	done    chan struct{}
}

func startGateway(t *testing.T, client redis.UniversalClient, prefix, consumer string, counter *deliverytest.Counter) *gateway {
	t.Helper()
	b := &killable{Backend: New(client, WithKeyPrefix(prefix), WithClaimTimeout(time.Second))}
	e, err := delivery.NewEngine(delivery.Config{Options: delivery.Options{
		Backend: b, Policy: webhook.Policy{AllowHTTP: true, AllowPrivate: true},
		Timeout: 300 * time.Millisecond, Poll: 20 * time.Millisecond,
		Retry: delivery.Retry{Initial: 5 * time.Millisecond, Max: 50 * time.Millisecond, For: time.Hour},
		Count: counter.Count,
	}, Consumer: consumer})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	g := &gateway{engine: e, backend: b, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(g.done)
		e.Run(ctx)
	}()
	t.Cleanup(func() { g.stop() })
	return g
}

// kill stops the gateway without letting it record anything more.
func (g *gateway) kill() {
	g.backend.dead.Store(true)
	g.cancel()
}

func (g *gateway) stop() {
	g.cancel()
	<-g.done
}

// publish queues events through g, retrying while Redis is away, as a
// courier host retries a publish the gateway did not acknowledge.
func publish(t *testing.T, g *gateway, events []delivery.Event) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := g.engine.Publish(context.Background(), events)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("publish: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNothingIsLostWhenAGatewayIsKilledMidDelivery: two gateways share
// a Redis; one is killed while it holds deliveries (it stops at once,
// recording nothing more). The other claims its lanes once they idled
// past the claim timeout, and every version arrives, in order, at a
// receiver that fails at random.
func TestNothingIsLostWhenAGatewayIsKilledMidDelivery(t *testing.T) {
	r := redistest.Single(t)
	prefix := r.Prefix(t)
	counter := deliverytest.NewCounter()
	a := startGateway(t, r.Client, prefix, "gw-a", counter)
	b := startGateway(t, r.Client, prefix, "gw-b", counter)
	recv := deliverytest.NewReceiver(t, secret)
	recv.SetFail(0.3)
	recv.SetDelay(40 * time.Millisecond)
	traffic := deliverytest.NewTraffic("swift", 8)
	sub, err := a.engine.Subscribe(t.Context(), "shop-a", delivery.SubscribeRequest{
		Locators: traffic.Locators, CallbackURL: recv.URL, Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		publish(t, a, traffic.Next())
		publish(t, b, traffic.Next())
	}
	if !deliverytest.WaitFor(5*time.Second, func() bool { return held(t, r.Client, prefix, "gw-a") > 0 }) {
		t.Fatal("gateway a never held a delivery")
	}
	a.kill()
	if held(t, r.Client, prefix, "gw-a") == 0 {
		t.Fatal("gateway a held nothing when it was killed")
	}
	for range 3 {
		publish(t, b, traffic.Next())
		time.Sleep(30 * time.Millisecond)
	}
	if !traffic.WaitDelivered(recv, 30*time.Second, sub.ID) {
		t.Fatalf("after the kill, %d of %d deliveries arrived", recv.Distinct(), traffic.Sent())
	}
	traffic.Check(t, recv, sub.ID)
	if n := held(t, r.Client, prefix, "gw-a"); n != 0 {
		t.Fatalf("the killed gateway still holds %d deliveries", n)
	}
	got, _ := b.engine.Subscription(t.Context(), "shop-a", sub.ID)
	if got.Counts.Pending != 0 || got.Counts.Dead != 0 {
		t.Fatalf("counts after everything arrived: %+v", got.Counts)
	}
}

// held counts the entries a consumer holds in every shard's stream.
func held(t *testing.T, c redis.UniversalClient, prefix, consumer string) int64 {
	t.Helper()
	b := New(c, WithKeyPrefix(prefix))
	var n int64
	for k := range Shards {
		p, err := c.XPending(t.Context(), b.shard(k)+"ready", group).Result()
		if err != nil && !redis.HasErrorPrefix(err, "NOGROUP") {
			t.Fatal(err)
		}
		if p != nil {
			n += p.Consumers[consumer]
		}
	}
	return n
}

// TestNothingIsLostAcrossARedisRestart: Redis stops (and its
// connections with it) while deliveries are queued and in flight, and
// comes back from its append-only file; the gateway keeps going, and
// every version arrives in order.
func TestNothingIsLostAcrossARedisRestart(t *testing.T) {
	server := redistest.StartServer(t, "--appendonly", "yes")
	client := redis.NewClient(&redis.Options{Addr: server.Addr, MaxRetries: -1})
	t.Cleanup(func() { client.Close() })
	counter := deliverytest.NewCounter()
	g := startGateway(t, client, "tgtestrestart", "gw", counter)
	recv := deliverytest.NewReceiver(t, secret)
	recv.SetFail(0.3)
	traffic := deliverytest.NewTraffic("swift", 6)
	sub, err := g.engine.Subscribe(t.Context(), "shop-a", delivery.SubscribeRequest{
		Locators: traffic.Locators, CallbackURL: recv.URL, Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		publish(t, g, traffic.Next())
	}
	server.Stop(t)
	var wg sync.WaitGroup
	wg.Go(func() {
		for range 3 {
			publish(t, g, traffic.Next()) // retried until Redis is back
		}
	})
	time.Sleep(500 * time.Millisecond)
	server.Start(t)
	wg.Wait()
	if !traffic.WaitDelivered(recv, 30*time.Second, sub.ID) {
		t.Fatalf("after the restart, %d of %d deliveries arrived", recv.Distinct(), traffic.Sent())
	}
	traffic.Check(t, recv, sub.ID)
}

// TestDeadLettersAndReplayOnRedis: deliveries that fail past the retry
// budget become dead letters, and a replay delivers them.
func TestDeadLettersAndReplayOnRedis(t *testing.T) {
	r := redistest.Single(t)
	b := New(r.Client, WithKeyPrefix(r.Prefix(t)))
	counter := deliverytest.NewCounter()
	e, err := delivery.NewEngine(delivery.Config{Options: delivery.Options{
		Backend: b, Policy: webhook.Policy{AllowHTTP: true, AllowPrivate: true},
		Timeout: 100 * time.Millisecond, Poll: 20 * time.Millisecond,
		Retry: delivery.Retry{Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond, For: 300 * time.Millisecond},
		Count: counter.Count,
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	recv := deliverytest.NewReceiver(t, secret)
	recv.SetFail(1)
	traffic := deliverytest.NewTraffic("swift", 2)
	sub, err := e.Subscribe(t.Context(), "shop-a", delivery.SubscribeRequest{Locators: traffic.Locators, CallbackURL: recv.URL, Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	e.Publish(t.Context(), traffic.Next())
	var dead []delivery.DeadLetter
	if !deliverytest.WaitFor(10*time.Second, func() bool {
		dead, _ = e.DeadLetters(t.Context(), "shop-a", sub.ID)
		return len(dead) == 2
	}) {
		t.Fatalf("%d dead letters, want 2", len(dead))
	}
	recv.SetFail(0)
	if n, err := e.Replay(t.Context(), "shop-a", sub.ID, []string{dead[0].ID, dead[1].ID}); err != nil || n != 2 {
		t.Fatalf("Replay: %d, %v", n, err)
	}
	if !traffic.WaitDelivered(recv, 10*time.Second, sub.ID) {
		t.Fatal("the replay did not arrive")
	}
	traffic.Check(t, recv, sub.ID)
	if got := counter.Get(delivery.Scope{Tenant: "shop-a"}, delivery.MetricDeadLetters); got != 2 {
		t.Fatalf("counted %d dead letters", got)
	}
}
