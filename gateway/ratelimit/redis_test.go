package ratelimit

import (
	"context"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

func TestRedisLimitIsSharedByGatewaysAndStoresNoAddress(t *testing.T) {
	r := redistest.Single(t)
	secret := []byte("a shared secret of the gateways")
	gw1, err := NewRedis(r.Client, 1, 4, secret)
	if err != nil {
		t.Fatal(err)
	}
	gw2, _ := NewRedis(r.Client, 1, 4, secret)
	ctx := context.Background()
	client := "192.0.2.41"
	if ok, _, err := gw1.Allow(ctx, client, 3); !ok || err != nil {
		t.Fatalf("first gateway: ok %v err %v", ok, err)
	}
	ok, wait, err := gw2.Allow(ctx, client, 3)
	if ok || err != nil || wait <= 0 {
		t.Fatalf("second gateway: ok %v wait %v err %v; the budget must be shared", ok, wait, err)
	}
	if ok, _, _ := gw2.Allow(ctx, "192.0.2.42", 3); !ok {
		t.Fatal("another client was limited by the first one's use")
	}
	keys, err := r.Client.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("no rate-limit key in Redis: the test would prove nothing")
	}
	for _, k := range keys {
		if strings.Contains(k, "192.0.2") {
			t.Fatalf("Redis key %q carries a client address", k)
		}
		v, _ := r.Client.Get(ctx, k).Result()
		if strings.Contains(v, "192.0.2") {
			t.Fatalf("Redis value of %q carries a client address", k)
		}
	}
}

func TestRedisFallsBackToThisGatewayWhenRedisIsDown(t *testing.T) {
	r := redistest.Stoppable(t)
	l, err := NewRedis(r.Client, 1, 2, []byte("0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	r.Server.Stop(t)
	ok, _, err := l.Allow(context.Background(), "192.0.2.7", 2)
	if !ok || err == nil {
		t.Fatalf("with Redis down: ok %v err %v, want allowed by the fallback and an error saying so", ok, err)
	}
	if ok, _, _ := l.Allow(context.Background(), "192.0.2.7", 2); ok {
		t.Fatal("the fallback does not limit")
	}
}

func TestNewRedisRefusesAShortSecret(t *testing.T) {
	if _, err := NewRedis(nil, 1, 1, []byte("short")); err == nil {
		t.Fatal("a 5-byte secret was accepted")
	}
}
