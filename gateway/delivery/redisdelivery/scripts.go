package redisdelivery

import "github.com/redis/go-redis/v9"

// lib is the Lua the shard scripts share. Orders (delivery.Order) and
// tokens are compared as byte strings, never as numbers: Lua's numbers
// are doubles, and versions go to 2^53.
const lib = `
local function above(a, b) -- a > b, bytewise
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return #a > #b
end
local function head(lk) -- the field of a lane's first delivery, or nil
  local best
  for _, f in ipairs(redis.call('HKEYS', lk)) do
    if string.byte(f, 1) == 105 and (not best or above(best, f)) then best = f end -- 'i'
  end
  return best
end
local function ready(stream, lk, lane)
  local id = redis.call('XADD', stream, '*', 'lane', lane)
  redis.call('HSET', lk, 'token', id)
end
local function after(order, last) -- whether a lane may still take order
  return string.byte(order, 1) == 0 or not last or last == '' or above(order, last)
end
`

// enqueueScript adds deliveries to lanes of one shard.
//
//	KEYS[1]  the shard's ready stream
//	ARGV[1]  the shard's key prefix
//	ARGV[2…] five per delivery: subscription, lane, courier, order, delivery (JSON)
//
// A delivery goes to its lane only while its subscription is active, when
// the lane has finished nothing at or after its order and does not hold
// it already; an idle lane becomes ready. It returns how many were added.
var enqueueScript = redis.NewScript(lib + `
local P, n = ARGV[1], 0
for i = 2, #ARGV, 5 do
  local sub, lane, courier, order, item = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local sk = P .. 's:' .. sub
  if redis.call('HGET', sk, 'state') == 'active' then
    local lk = P .. 'l:' .. lane
    local meta = redis.call('HMGET', lk, 'last', 'token')
    local f = 'i' .. order
    if after(order, meta[1]) and redis.call('HEXISTS', lk, f) == 0 then
      redis.call('HSET', lk, f, item, 'sub', sub, 'courier', courier)
      redis.call('SADD', sk .. ':lanes', lane)
      redis.call('HINCRBY', sk, 'pending', 1)
      redis.call('INCR', P .. 'pending')
      n = n + 1
      if not meta[2] or meta[2] == '' then ready(KEYS[1], lk, lane) end
    end
  end
end
return n
`)

// claimScript hands a consumer the first deliveries of ready lanes.
//
//	KEYS[1]  the shard's ready stream, KEYS[2] its retry set
//	ARGV[1]  the shard's key prefix, ARGV[2] the group, ARGV[3] the consumer,
//	ARGV[4]  how many at most, ARGV[5] the claim timeout in ms
//
// It first takes over entries other consumers have held longer than the
// claim timeout (XAUTOCLAIM), then reads new ones. An entry whose lane
// moved on, or whose subscription ended (its lane is dropped), or whose
// lane has nothing left, is acknowledged and deleted. For each attempt
// it returns: token (the entry id), lane, subscription, tenant, callback
// URL, secret, previous secret, until when (RFC 3339), delivery (JSON).
var claimScript = redis.NewScript(lib + `
local P, group, consumer, max = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local function begin(lane, token)
  local lk = P .. 'l:' .. lane
  local meta = redis.call('HMGET', lk, 'sub', 'token', 'last')
  if not meta[1] or meta[2] ~= token then return nil end
  local sk = P .. 's:' .. meta[1]
  local sub = redis.call('HMGET', sk, 'state', 'tenant', 'url', 'secret', 'psecret', 'puntil')
  if sub[1] ~= 'active' then
    redis.call('DEL', lk)
    redis.call('ZREM', KEYS[2], lane)
    redis.call('SREM', sk .. ':lanes', lane)
    return nil
  end
  while true do
    local f = head(lk)
    if not f then
      redis.call('HSET', lk, 'token', '')
      return nil
    end
    local order = string.sub(f, 2)
    if after(order, meta[3]) then
      return {token, lane, meta[1], sub[2], sub[3], sub[4], sub[5] or '', sub[6] or '', redis.call('HGET', lk, f)}
    end
    redis.call('HDEL', lk, f) -- overtaken: a later version finished first
    redis.call('HINCRBY', sk, 'pending', -1)
    redis.call('DECR', P .. 'pending')
  end
end
local entries = {}
local claimed = redis.call('XAUTOCLAIM', KEYS[1], group, consumer, ARGV[5], '0-0', 'COUNT', max)
for _, e in ipairs(claimed[2]) do entries[#entries + 1] = e end
if #entries < max then
  local r = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max - #entries, 'STREAMS', KEYS[1], '>')
  if r then
    for _, e in ipairs(r[1][2]) do entries[#entries + 1] = e end
  end
end
local out = {}
for _, e in ipairs(entries) do
  local id, fields, lane = e[1], e[2], nil
  for i = 1, #fields, 2 do
    if fields[i] == 'lane' then lane = fields[i + 1] end
  end
  local a = lane and begin(lane, id)
  if a then
    out[#out + 1] = a
  else
    redis.call('XACK', KEYS[1], group, id)
    redis.call('XDEL', KEYS[1], id)
  end
end
return out
`)

// finishScript records what became of an attempt.
//
//	KEYS[1]  the shard's ready stream, KEYS[2] its retry set
//	ARGV[1]  the shard's key prefix, ARGV[2] the group, ARGV[3] the lane,
//	ARGV[4]  the token, ARGV[5] 'D' delivered, 'X' dead, 'R' retry, 'F' deferred,
//	ARGV[6]  the delivery's order, ARGV[7] the delivery with its attempts (JSON),
//	ARGV[8]  when to try again (unix ms), ARGV[9] now (unix ms),
//	ARGV[10] the dead letter's id, ARGV[11] it as listed (JSON), ARGV[12] it to replay
//
// The entry is acknowledged and deleted whatever happens. It returns 0
// when the lane's token is not the attempt's (nothing changed), else 1.
var finishScript = redis.NewScript(lib + `
local P, group, lane, token, kind, order = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
redis.call('XACK', KEYS[1], group, token)
redis.call('XDEL', KEYS[1], token)
local lk = P .. 'l:' .. lane
local meta = redis.call('HMGET', lk, 'sub', 'token', 'last')
if not meta[1] or meta[2] ~= token then return 0 end
local sk = P .. 's:' .. meta[1]
local f = 'i' .. order
if kind == 'R' or kind == 'F' then
  if kind == 'R' and redis.call('HEXISTS', lk, f) == 1 then redis.call('HSET', lk, f, ARGV[7]) end
  redis.call('HSET', lk, 'token', 'r')
  redis.call('ZADD', KEYS[2], ARGV[8], lane)
  return 1
end
if redis.call('HDEL', lk, f) == 1 then
  redis.call('HINCRBY', sk, 'pending', -1)
  redis.call('DECR', P .. 'pending')
end
if string.byte(order, 1) == 1 and after(order, meta[3]) then redis.call('HSET', lk, 'last', order) end
if kind == 'D' then
  redis.call('HINCRBY', sk, 'delivered', 1)
else
  redis.call('HSET', sk .. ':dead', ARGV[10], ARGV[11])
  redis.call('HSET', sk .. ':deadq', ARGV[10], ARGV[12])
  redis.call('ZADD', sk .. ':deadt', ARGV[9], ARGV[10])
end
if head(lk) then ready(KEYS[1], lk, lane) else redis.call('HSET', lk, 'token', '') end
return 1
`)

// promoteScript makes ready the lanes whose retry time has come.
//
//	KEYS[1]  the shard's ready stream, KEYS[2] its retry set
//	ARGV[1]  the shard's key prefix, ARGV[2] now (unix ms), ARGV[3] how many at most
var promoteScript = redis.NewScript(lib + `
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2], 'LIMIT', 0, ARGV[3])
for _, lane in ipairs(due) do
  redis.call('ZREM', KEYS[2], lane)
  local lk = ARGV[1] .. 'l:' .. lane
  if redis.call('HGET', lk, 'token') == 'r' then ready(KEYS[1], lk, lane) end
end
return #due
`)

// endScript ends a subscription in its shard.
//
//	KEYS[1]  the shard's retry set
//	ARGV[1]  the shard's key prefix, ARGV[2] the id, ARGV[3] the tenant ('' any),
//	ARGV[4]  the reason, ARGV[5] when (RFC 3339), ARGV[6] how long to keep it (ms)
//
// It returns 'notfound', 'ended' (it already was) or 'now'.
var endScript = redis.NewScript(`
local sk = ARGV[1] .. 's:' .. ARGV[2]
local st = redis.call('HMGET', sk, 'state', 'tenant')
if not st[1] or (ARGV[3] ~= '' and st[2] ~= ARGV[3]) then return 'notfound' end
if st[1] ~= 'active' then return 'ended' end
local pending = tonumber(redis.call('HGET', sk, 'pending') or '0')
if pending > 0 then redis.call('DECRBY', ARGV[1] .. 'pending', pending) end
redis.call('HSET', sk, 'state', 'ended', 'reason', ARGV[4], 'ended', ARGV[5], 'pending', 0)
for _, lane in ipairs(redis.call('SMEMBERS', sk .. ':lanes')) do
  redis.call('DEL', ARGV[1] .. 'l:' .. lane)
  redis.call('ZREM', KEYS[1], lane)
end
redis.call('DEL', sk .. ':lanes')
for _, k in ipairs({sk, sk .. ':dead', sk .. ':deadq', sk .. ':deadt'}) do
  redis.call('PEXPIRE', k, ARGV[6])
end
return 'now'
`)

// secretScript sets an active subscription's secret, keeping the one it
// replaces as the previous one.
//
//	KEYS[1]  the subscription
//	ARGV[1]  the tenant, ARGV[2] the new secret, ARGV[3] until when the previous signs (RFC 3339)
//
// It returns 'notfound', 'ended' or 'ok'.
var secretScript = redis.NewScript(`
local st = redis.call('HMGET', KEYS[1], 'state', 'tenant', 'secret')
if not st[1] or st[2] ~= ARGV[1] then return 'notfound' end
if st[1] ~= 'active' then return 'ended' end
redis.call('HSET', KEYS[1], 'psecret', st[3], 'puntil', ARGV[3], 'secret', ARGV[2])
return 'ok'
`)

// deadLettersScript drops a subscription's dead letters kept long enough
// and lists the others, oldest first.
//
//	KEYS[1…4] the subscription, its dead, deadq and deadt keys
//	ARGV[1]  the tenant ('' any), ARGV[2] the cutoff (unix ms), ARGV[3] how many at most
//
// It returns nil for no such subscription, else the dead letters (JSON).
var deadLettersScript = redis.NewScript(`
local st = redis.call('HMGET', KEYS[1], 'state', 'tenant')
if not st[1] or (ARGV[1] ~= '' and st[2] ~= ARGV[1]) then return nil end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[2])) do
  redis.call('HDEL', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[4], id)
end
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[4], 0, tonumber(ARGV[3]) - 1)) do
  out[#out + 1] = redis.call('HGET', KEYS[2], id)
end
return out
`)

// replayScript queues dead letters again, first in their lanes.
//
//	KEYS[1…5] the subscription, its dead, deadq and deadt keys, the shard's ready stream
//	ARGV[1]  the shard's key prefix, ARGV[2] the id, ARGV[3] the tenant,
//	ARGV[4]  how many at most, ARGV[5…] the dead letters (none: the oldest)
//
// It returns -1 for no such subscription, -2 for an ended one, else how
// many were queued.
var replayScript = redis.NewScript(lib + `
local st = redis.call('HMGET', KEYS[1], 'state', 'tenant')
if not st[1] or st[2] ~= ARGV[3] then return -1 end
if st[1] ~= 'active' then return -2 end
local limit, ids = tonumber(ARGV[4]), {}
if #ARGV == 4 then
  ids = redis.call('ZRANGE', KEYS[4], 0, limit - 1)
else
  for i = 5, #ARGV do ids[#ids + 1] = ARGV[i] end
end
local n = 0
for _, id in ipairs(ids) do
  local q = redis.call('HGET', KEYS[3], id)
  if q and n < limit then
    local p = string.find(q, '\0', 1, true)
    local lane, order, item = string.sub(q, 1, p - 1), string.sub(q, p + 1, p + 10), string.sub(q, p + 11)
    redis.call('HDEL', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
    local lk = ARGV[1] .. 'l:' .. lane
    redis.call('HSET', lk, 'i' .. order, item, 'sub', ARGV[2])
    redis.call('SADD', KEYS[1] .. ':lanes', lane)
    redis.call('HINCRBY', KEYS[1], 'pending', 1)
    redis.call('INCR', ARGV[1] .. 'pending')
    n = n + 1
    local tok = redis.call('HGET', lk, 'token')
    if not tok or tok == '' then ready(KEYS[5], lk, lane) end
  end
end
return n
`)

// reserveScript counts a new subscription against its tenant's limit.
//
//	KEYS[1]  the tenant's active set, KEYS[2] its index
//	ARGV[1]  the id, ARGV[2] the limit
//
// It returns 0, adding nothing, when the tenant is at its limit.
var reserveScript = redis.NewScript(`
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return 1
`)

// watchScript puts a new subscription's locators on the watchlist.
//
//	KEYS[1]  the watched set, KEYS[2] the subscription's sl key, KEYS[3] the due set
//	ARGV[1]  the watchlist's key prefix, ARGV[2] the id, ARGV[3] its due time (unix ms),
//	ARGV[4]  the sl value: the tenant's length (one byte), the tenant, the locators
var watchScript = redis.NewScript(`
local v = ARGV[4]
local tl = string.byte(v, 1)
for i = 2 + tl, #v, 16 do
  local loc = string.sub(v, i, i + 15)
  redis.call('SADD', ARGV[1] .. 'l:' .. loc, ARGV[2])
  redis.call('SADD', KEYS[1], loc)
end
redis.call('SET', KEYS[2], v)
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
return 1
`)

// unwatchScript takes a subscription's locators off the watchlist, with
// the states of those no other subscription names.
//
//	KEYS[1]  the watched set, KEYS[2] the subscription's sl key,
//	KEYS[3]  the due set, KEYS[4] the states
//	ARGV[1]  the watchlist's key prefix, ARGV[2] the id
//
// It returns the subscription's tenant (” when it was not on the list).
var unwatchScript = redis.NewScript(`
local v = redis.call('GET', KEYS[2])
local tenant = ''
if v then
  local tl = string.byte(v, 1)
  tenant = string.sub(v, 2, 1 + tl)
  for i = 2 + tl, #v, 16 do
    local loc = string.sub(v, i, i + 15)
    local k = ARGV[1] .. 'l:' .. loc
    redis.call('SREM', k, ARGV[2])
    if redis.call('SCARD', k) == 0 then
      redis.call('SREM', KEYS[1], loc)
      redis.call('HDEL', KEYS[4], loc)
    end
  end
  redis.call('DEL', KEYS[2])
end
redis.call('ZREM', KEYS[3], ARGV[2])
return tenant
`)

// setStatesScript keeps the states of locators still watched.
//
//	KEYS[1]  the watched set, KEYS[2] the states
//	ARGV     pairs of locator, state (JSON)
var setStatesScript = redis.NewScript(`
for i = 1, #ARGV, 2 do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 1 then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
return 1
`)

// lockScript takes or renews a round's lock.
//
//	KEYS[1]  the lock
//	ARGV[1]  the holder, ARGV[2] for how long (ms)
var lockScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`)
