package config

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/signing"
)

// What a loaded file holds besides its fields, for the tools that check
// a deployment against it (trackgate doctor): the public halves of its
// keys, and the clients Build would dial with.

// SigningPublicKey is the public half of the gateway's signing key, which
// every courier host's file holds as gateway.public_key.
func (g *Gateway) SigningPublicKey() ed25519.PublicKey {
	return g.signingKey.Public().(ed25519.PublicKey)
}

// CourierPublicKey is the signing key registered for couriers[i], its
// public_key.
func (g *Gateway) CourierPublicKey(i int) ed25519.PublicKey { return g.courierKeys[i] }

// Signer signs requests to the hosts of courier as the gateway does.
func (g *Gateway) Signer(courier string) *signing.Signer {
	return &signing.Signer{KeyID: GatewayKeyID, Key: g.signingKey, Audience: courier}
}

// CourierHTTPClient is the HTTP client the gateway dials courier hosts
// with: courier_tls's CA and client certificate when it sets them.
func (g *Gateway) CourierHTTPClient() *http.Client { return g.courierHostClient(nil) }

// PingRedis dials the file's Redis (or Redis Cluster) with its address,
// credentials and TLS, and sends a PING; nil when there is no redis
// section.
func (g *Gateway) PingRedis(ctx context.Context) error {
	if g.Redis == nil {
		return nil
	}
	client := redis.NewUniversalClient(g.redisOptions())
	defer client.Close()
	ctx, cancel := context.WithTimeout(ctx, redisPingTimeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w", err)
	}
	return nil
}

// SigningPublicKey is the public half of the host's signing key, which
// the gateway's file registers as the courier's public_key.
func (c *Courier) SigningPublicKey() ed25519.PublicKey {
	return c.signingKey.Public().(ed25519.PublicKey)
}

// GatewayPublicKey is gateway.public_key; nil in a file loaded InProcess.
func (c *Courier) GatewayPublicKey() ed25519.PublicKey { return c.gatewayKey }

// ServedKeys are the OPRF keys the host serves on /tg1/keys when it
// starts at now: those of oprf_keys not expired by then.
func (c *Courier) ServedKeys(now time.Time) []api.Key {
	var keys []api.Key
	for _, k := range c.keys {
		if now.Before(k.key.NotAfter) {
			pub := k.key.Key.Public()
			keys = append(keys, api.Key{KeyID: pub.KeyID(), PublicKey: pub.Bytes(), NotBefore: k.key.NotBefore, NotAfter: k.key.NotAfter})
		}
	}
	return keys
}

// GatewayHTTPClient is the HTTP client a push host dials gateway.url
// with: gateway.tls's CA and client certificate when it sets them.
func (c *Courier) GatewayHTTPClient() *http.Client {
	if client := c.gatewayClient(); client != nil {
		return client
	}
	return &http.Client{Timeout: publishTimeout}
}
