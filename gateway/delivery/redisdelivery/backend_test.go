package redisdelivery

import (
	"testing"

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
