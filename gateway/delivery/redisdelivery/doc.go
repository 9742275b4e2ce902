// Package redisdelivery is the delivery.Backend of production
// deployments: subscriptions, their queued deliveries, dead letters and
// watch state in Redis, one server or a Redis Cluster, shared by every
// gateway on it. Redis must persist (appendonly yes): the queue is the
// only copy of a delivery not yet made.
//
// # Keys
//
// Every key begins with "<prefix>:wh:" (prefix "tg1" unless WithKeyPrefix
// says otherwise) and a hash tag that decides its cluster slot. Each
// script touches the keys of one tag only.
//
// A subscription lives in one of 16 shards, chosen by its id, with its
// lanes and a queue of its own:
//
//	{q<k>}:s:<id>         HASH    the subscription: tenant, callback, secrets, state, times, counts
//	{q<k>}:s:<id>:lanes   SET     its lanes
//	{q<k>}:s:<id>:dead    HASH    dead letter id -> the dead letter (JSON), as listed
//	{q<k>}:s:<id>:deadq   HASH    dead letter id -> lane, order and delivery, to replay it
//	{q<k>}:s:<id>:deadt   ZSET    dead letter id -> when it died (unix ms)
//	{q<k>}:l:<lane>       HASH    a lane: sub, courier, token, last (the order of the last
//	                              delivery finished), and "i"‖order -> a queued delivery (JSON)
//	{q<k>}:ready          STREAM  lanes ready, one entry per lane at most; consumer group "gateways"
//	{q<k>}:retry          ZSET    lane -> when it is ready again (unix ms)
//	{q<k>}:pending        STRING  how many deliveries wait in the shard's lanes (Depth)
//
// A lane is "<subscription>|<courier>|<locator b64>". Its token is the id
// of its stream entry while it is ready or held, "r" while it waits in
// the retry set, "" while it is idle; an attempt holds the entry (pending
// in the consumer group) until it finishes, and another gateway claims
// entries idle longer than the claim timeout (XAUTOCLAIM), so a lane held
// by a gateway that died goes on.
//
// The tenant's index and the watchlist live under tags of their own:
//
//	{t<tenant>}:all       ZSET    its subscription ids (score 0: listed by id)
//	{t<tenant>}:active    SET     its active ones, counted against its limit
//	{w}:watched           SET     every locator (16 raw bytes) an active subscription names
//	{w}:l:<locator>       SET     the ids of the active subscriptions naming it
//	{w}:state             HASH    locator -> its delivery.WatchState (JSON)
//	{w}:sl:<id>           STRING  a subscription's tenant and locators, to unwatch them
//	{w}:due               ZSET    id -> when it expires (unix ms), or when an
//	                              interrupted creation is cleaned up
//	{w}:lock:<name>       STRING  the holder of a round's lock
//
// # Steps across slots
//
// Creating a subscription writes the watchlist (with a due time a minute
// away), then the tenant's index (refusing past the limit), then the
// subscription, then its real due time; ending it ends it in its shard,
// then leaves the watchlist and the tenant's active set. Each step is
// idempotent, so a gateway that dies half way leaves work that the end
// sweep (DueToEnd, End) finishes or undoes.
//
// # What Redis holds
//
// Locators, courier ids, versions, public records (nonce and
// ciphertext), callback URLs and the secrets that sign deliveries, which
// the gateway must hold to sign (docs/threat-model.md); never a tracking
// number, a factor, an event, a key or a client address.
package redisdelivery
