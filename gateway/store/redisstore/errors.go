package redisstore

import (
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
	"github.com/trackgate/trackgate/gateway/store"
)

// failure wraps an error of doing op in Redis. Whatever keeps Redis from
// answering now — no connection, a timeout, the caller's deadline, a
// cluster that is down, loading or failing over, a full memory — also
// wraps store.ErrUnavailable, so the gateway answers 503 with Retry-After.
// An error reply that would come again on retry (a bug, a foreign key in
// our place) does not.
func failure(op string, err error) error {
	if temporary(err) {
		return fmt.Errorf("redisstore: %s: %w: %w", op, store.ErrUnavailable, err)
	}
	return fmt.Errorf("redisstore: %s: %w", op, err)
}

func temporary(err error) bool { return Temporary(err) }

// Temporary reports whether err is what keeps Redis from answering now
// rather than an answer that would come again: no connection, a
// timeout, the pool, a cluster down, loading or failing over, a full
// memory, a busy script, or an error reply beginning with one of
// alsoPrefixes (a caller's own transient replies, such as NOGROUP for a
// stream whose group a restart lost).
func Temporary(err error, alsoPrefixes ...string) bool {
	var reply redis.Error
	if !errors.As(err, &reply) {
		return true // the network, a timeout, the pool, a closed client
	}
	for _, p := range alsoPrefixes {
		if redis.HasErrorPrefix(err, p) {
			return true
		}
	}
	return redis.IsLoadingError(err) || redis.IsClusterDownError(err) ||
		redis.IsTryAgainError(err) || redis.IsMasterDownError(err) ||
		redis.IsReadOnlyError(err) || redis.IsMaxClientsError(err) ||
		redis.IsOOMError(err) || redis.IsNoReplicasError(err) ||
		redis.HasErrorPrefix(err, "BUSY")
}
