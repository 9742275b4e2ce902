// Package redisstore is the store.Store of production deployments: sealed
// records in Redis, one server or a Redis Cluster, shared by every gateway.
//
// # Keys
//
// Every record of a bucket lives under one hash-tagged key family:
//
//	<prefix>:{b<bucket hex>}:r   HASH  locator (16 raw bytes) -> stored record
//	<prefix>:{b<bucket hex>}:x   ZSET  locator -> expires_at in unix ms
//
// The prefix is "tg1" unless WithKeyPrefix says otherwise. The hash tag
// {b<bucket>} puts both keys of a bucket on one cluster slot and spreads the
// buckets over all the slots, so Bucket is one HGETALL, Get one HGET, each
// one round trip to one node.
//
// # The version rule
//
// Put groups a batch by bucket and pipelines one Lua script call per bucket
// (EVALSHA; EVAL for a node that lost its script cache). The script applies
// the version rule of store.Store to the bucket's records atomically —
// stored when no live record holds the locator, or the live one has the same
// courier and a lower version — and returns how many it stored; the rest are
// stale. Records already expired at now are counted stale without a trip to
// Redis. Versions and expiries are compared as big-endian byte strings,
// because Lua's numbers are doubles that cannot hold every uint64.
//
// # Expiry
//
// Redis 7.0 expires whole keys, not hash fields, so expiry is kept three
// ways:
//   - reads decode every record they fetch and serve only those whose
//     expires_at is after now (exactly, to the nanosecond);
//   - each script call first removes the bucket's members whose expiry score
//     lies before the current millisecond, from the ZSET and the hash;
//   - each script call sets both keys to expire (PEXPIRE, relative, so the
//     gateway's clock and Redis's need not agree) one minute after the
//     furthest expiry left in the bucket, so a bucket nobody writes to any
//     more disappears by itself.
//
// # Stored form
//
// A stored record is binary (encoding.go): a format byte, the version, the
// expiry, the courier id, the kid, the nonce and the ciphertext. The locator
// is the hash field. That is all Redis holds: sealed-record fields only,
// never a tracking number, a factor or a tracking event.
//
// # Errors
//
// Whatever keeps Redis from answering now (connections, timeouts, a cluster
// down or loading) wraps store.ErrUnavailable, for a 503 with Retry-After.
package redisstore
