package redisdelivery

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/delivery/deliverytest"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

func TestRedisPassesTheConformanceSuite(t *testing.T) {
	r := redistest.Single(t)
	deliverytest.Run(t, func(t *testing.T) delivery.Backend {
		return New(r.Client, WithKeyPrefix(r.Prefix(t)), WithClaimTimeout(deliverytest.ClaimTimeout))
	})
}

// TestRedisClusterPassesTheConformanceSuite runs the suite on three
// masters: every script touches the keys of one hash tag only.
func TestRedisClusterPassesTheConformanceSuite(t *testing.T) {
	c := redistest.Cluster(t)
	deliverytest.Run(t, func(t *testing.T) delivery.Backend {
		return New(c.Client, WithKeyPrefix(c.Prefix(t)), WithClaimTimeout(deliverytest.ClaimTimeout))
	})
}

// TestIdleConsumersAreForgotten: every gateway that ever ran left a
// consumer in each shard's group; those holding nothing for long are
// deleted, those holding entries are kept.
func TestIdleConsumersAreForgotten(t *testing.T) {
	r := redistest.Single(t)
	b := New(r.Client, WithKeyPrefix(r.Prefix(t)))
	b.consumerIdle = 100 * time.Millisecond
	ctx := t.Context()
	loc := bytes.Repeat([]byte{7}, 16)
	s := delivery.Subscription{ID: delivery.NewSubscriptionID(), Tenant: "shop-a", Locators: [][]byte{loc},
		CallbackURL: "https://h.example/", Secret: strings.Repeat("s", 32), State: delivery.StateActive,
		CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
	if err := b.Create(ctx, s, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Enqueue(ctx, []delivery.Event{{Courier: "swift", Locator: loc, Version: 1}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	held, err := b.Claim(ctx, "gw-holding", 10, time.Now())
	if err != nil || len(held) != 1 {
		t.Fatalf("claim: %d, %v", len(held), err)
	}
	if _, err := b.Claim(ctx, "gw-gone", 10, time.Now()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if err := b.Promote(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	stream := b.shardOfSub(s.ID) + "ready"
	consumers, err := r.Client.XInfoConsumers(ctx, stream, group).Result()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range consumers {
		names = append(names, c.Name)
	}
	if len(names) != 1 || names[0] != "gw-holding" {
		t.Fatalf("consumers left %v, want only the one holding an entry", names)
	}
}
