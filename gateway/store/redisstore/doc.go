// Package redisstore is the store.Store of production deployments: sealed
// records in Redis, one server or a Redis Cluster, shared by every gateway.
//
// # Keys
//
// Everything of a bucket lives under one hash-tagged key family:
//
//	<prefix>:{b<bucket hex>}:rec   HASH  locator (16 raw bytes) -> the entries of every courier there
//	<prefix>:{b<bucket hex>}:exp   ZSET  locator ‖ courier id -> expiry in unix ms
//	<prefix>:{b<bucket hex>}:use   HASH  courier id -> its live ciphertext bytes in the bucket
//	<prefix>:{b<bucket hex>}:head  HASH  locator -> the heads of its entries (encoding.go)
//
// and each courier's totals under a key of its own (usage.go):
//
//	<prefix>:{c<courier id>}:use  HASH  "r<hour>" / "b<hour>" -> records / bytes expiring in that hour
//
// The prefix is "tg1" unless WithKeyPrefix says otherwise. The hash tag
// {b<bucket>} puts the keys of a bucket on one cluster slot and spreads
// the buckets over all the slots, so Bucket is one HGETALL and Locator one
// HGET, each one round trip to one node, and a bucket's items of a batch
// are applied by one script. (Revision 1 used the suffixes :r and :x with
// another stored form; such keys are never read and expire by themselves.)
//
// # The store rule
//
// Apply groups a batch by bucket and pipelines one Lua script call per
// bucket (EVALSHA; EVAL for a node that lost its script cache). The script
// applies the store rule of store.Store to the bucket's items atomically,
// per (courier, locator): a locator's field holds one entry per courier, a
// record or a tombstone, and an item only ever reads and replaces the
// entry of its own courier. It decides on the entries' heads (kind,
// version, expiry, courier, size), kept apart from the entries so that a
// record's kilobytes enter the script once, as its argument: Redis hashes
// every byte of every string a script sees. Versions and expiries travel
// and are compared as big-endian byte strings, exact for every uint64 and
// every nanosecond, because Lua's numbers are doubles. Items decided without
// Redis — a put already expired or with too long a ciphertext, an
// extension to a time already past — are answered without a trip.
//
// # Limits
//
// max_ciphertext_bytes is checked before the script. courier_bucket_bytes
// is exact: the courier's usage of the bucket lives in the bucket's :use
// hash, which the script reads and updates with the records.
// courier_records and courier_bytes span buckets, hence cluster slots, so
// no script can see them whole: Apply reads the courier's totals first,
// gives every script the room left, and adds what the scripts report
// afterwards. They are approximate by at most one batch per publish of the
// courier running at once, and count an expired record until the end of
// its hour; usage.go says why and how.
//
// # Expiry
//
// Redis 7.0 expires whole keys, not hash fields, so expiry is kept three
// ways:
//   - reads decode every entry they fetch and serve only the records whose
//     expires_at is after now (exactly, to the nanosecond), never a
//     tombstone;
//   - each script call first removes the bucket's entries whose expiry
//     score lies before the current millisecond — records past expires_at,
//     tombstones kept max_record_ttl — from the bucket's keys;
//   - each script call that changed something keeps the four keys set to
//     expire (PEXPIRE, relative, so the gateway's clock and Redis's need
//     not agree) one minute to one hour after the furthest expiry left in
//     the bucket, so a bucket nobody writes to any more disappears by
//     itself; it sets them again only when their expiry leaves that
//     window or a key was started, which spares most calls four commands.
//
// # Stored form
//
// An entry is binary (encoding.go): a kind, the version, the expiry, the
// courier id and, for a record, the kid, the nonce and the ciphertext.
// The locator is the hash field. That is all Redis holds, with expiry
// times, byte counts and courier ids: sealed-record fields only, never a
// tracking number, a factor, a tracking event or a client address.
//
// # Errors
//
// Whatever keeps Redis from answering now (connections, timeouts, a cluster
// down or loading) wraps store.ErrUnavailable, for a 503 with Retry-After.
package redisstore
