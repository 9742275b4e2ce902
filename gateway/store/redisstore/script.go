package redisstore

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/trackgate/trackgate/crypto"
)

// putScript applies the version rule to the records of one bucket,
// atomically: Redis runs a script to its end before any other command.
//
//	KEYS[1]  the bucket's hash, locator -> stored record
//	KEYS[2]  the bucket's sorted set, locator -> expires_at in unix ms
//	ARGV[1]  now in unix ms (rounded down)
//	ARGV[2]  now as an expiry key (12 bytes, see encoding.go)
//	ARGV[3]  how long the keys outlive their last record, in ms
//	ARGV[4…] per record: locator, expiry score, stored record
//
// It first drops the members that expired before this millisecond, then
// stores each record when no live one holds its locator or the live one
// has the same courier and a lower version (records already expired were
// counted stale by the caller). Last, if anything changed, it sets both
// keys to expire after the furthest expiry left, so an abandoned bucket
// goes away by itself, and returns how many records it stored.
var putScript = redis.NewScript(`
local now_ms, now_key, grace = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])

local function above(a, b) -- a > b for big-endian byte strings of one length
  for i = 1, #a do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return false
end
local function version(rec) return string.sub(rec, 2, 9) end
local function expiry(rec) return string.sub(rec, 10, 21) end
local function courier(rec) return string.sub(rec, 23, 22 + string.byte(rec, 22)) end

local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
for i = 1, #dead, 500 do
  redis.call('HDEL', KEYS[1], unpack(dead, i, math.min(i + 499, #dead)))
end
if #dead > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
end

local stored = 0
for i = 4, #ARGV, 3 do
  local loc, score, rec = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local cur = redis.call('HGET', KEYS[1], loc)
  if not cur or not above(expiry(cur), now_key)
      or (courier(cur) == courier(rec) and above(version(rec), version(cur))) then
    redis.call('HSET', KEYS[1], loc, rec)
    redis.call('ZADD', KEYS[2], score, loc)
    stored = stored + 1
  end
end

-- Only a change can move the furthest expiry: a batch retried in full
-- leaves the keys as they are.
if stored > 0 or #dead > 0 then
  local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  if #last > 0 then
    local ttl = math.min(tonumber(last[2]) - now_ms, 1e13) + grace
    redis.call('PEXPIRE', KEYS[1], ttl)
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
end
return stored
`)

// keyGrace is how long a bucket's keys outlive its last record: the
// margin for gateways whose clocks run behind Redis's.
const keyGrace = time.Minute

// bucketPut is the records of one bucket in one Put, in batch order.
type bucketPut struct {
	bucket  uint32
	records []*crypto.SealedRecord
}

// queuePut adds one script call for p to pipe. With load false it is
// EVALSHA; with load true it is EVAL, which also caches the script on
// the node that was missing it.
func (s *Store) queuePut(ctx context.Context, pipe redis.Pipeliner, p bucketPut, now time.Time, load bool) *redis.Cmd {
	args := make([]any, 0, 3+3*len(p.records))
	args = append(args,
		strconv.FormatInt(now.UnixMilli(), 10),
		appendExpiryKey(nil, now),
		strconv.FormatInt(keyGrace.Milliseconds(), 10))
	for _, r := range p.records {
		args = append(args, []byte(r.Locator), strconv.FormatInt(expiryScore(r.ExpiresAt), 10), encodeRecord(r))
	}
	keys := []string{s.recordsKey(p.bucket), s.expiryKey(p.bucket)}
	if load {
		return putScript.Eval(ctx, pipe, keys, args...)
	}
	return putScript.EvalSha(ctx, pipe, keys, args...)
}
