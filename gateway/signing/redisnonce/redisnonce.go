// Package redisnonce is the signing.NonceStore that gateways sharing one
// Redis share (docs/protocol.md §9): a (key id, nonce) pair one gateway
// has seen is refused by every other, so a captured publish cannot be
// replayed to another gateway of the deployment either.
//
// Each pair is one key, set only if absent, expiring on its own:
//
//	SET <prefix>:nonce:{<key id>}:<nonce> 1 NX PX <ttl in ms>
//
// The hash tag puts a signer's nonces on one cluster slot; the prefix is
// "tg1" unless the gateway's redis.key_prefix says otherwise.
package redisnonce

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/gateway/signing"
)

// DefaultKeyPrefix begins every key unless New is given another prefix.
const DefaultKeyPrefix = "tg1"

// Store is a signing.NonceStore in Redis. It is safe for concurrent use.
type Store struct {
	client redis.UniversalClient
	prefix string
}

var _ signing.NonceStore = (*Store)(nil)

// New returns a store on client under prefix ("" for DefaultKeyPrefix).
// The caller owns client.
func New(client redis.UniversalClient, prefix string) (*Store, error) {
	if prefix == "" {
		prefix = DefaultKeyPrefix
	}
	if strings.ContainsAny(prefix, "{}") {
		return nil, fmt.Errorf("redis key prefix %q must be free of '{' and '}'", prefix)
	}
	return &Store{client: client, prefix: prefix}, nil
}

// Seen implements signing.NonceStore with one SET NX PX.
func (s *Store) Seen(ctx context.Context, keyID, nonce string, ttl time.Duration) (bool, error) {
	// Key ids are courier ids or the gateway's id, and the nonce has been
	// checked as base64url by then; neither can move the hash tag, but a
	// brace is refused anyway rather than trusted.
	if strings.ContainsAny(keyID, "{}") || strings.ContainsAny(nonce, "{}") {
		return false, fmt.Errorf("nonce key: key id or nonce holds a brace")
	}
	key := s.prefix + ":nonce:{" + keyID + "}:" + nonce
	err := s.client.Do(ctx, "SET", key, "1", "NX", "PX", ttl.Milliseconds()).Err()
	switch {
	case errors.Is(err, redis.Nil):
		return true, nil // NX refused: the key is there
	case err != nil:
		return false, fmt.Errorf("redis SET NX nonce: %w", err)
	}
	return false, nil
}
