package redisstore

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// applyScript applies one courier's items of one bucket, atomically:
// Redis runs a script to its end before any other command.
//
//	KEYS[1]  the bucket's records hash, locator -> framed entries (encoding.go)
//	KEYS[2]  the bucket's expiry set, locator ‖ courier -> unix ms
//	KEYS[3]  the bucket's usage hash, courier -> live ciphertext bytes
//	KEYS[4]  the bucket's heads hash, locator -> the heads of its entries
//	ARGV[1]  now in unix ms (rounded down)
//	ARGV[2]  now as an expiry key (12 bytes)
//	ARGV[3]  how long the keys outlive their last entry, in ms
//	ARGV[4]  the courier
//	ARGV[5]  until when a tombstone left now is kept, as an expiry key
//	ARGV[6]  the same as a score
//	ARGV[7]  how many more records the courier may keep in all
//	ARGV[8]  how many more ciphertext bytes the courier may keep in all
//	ARGV[9]  courier_bucket_bytes
//	ARGV[10] how much longer than ARGV[3] the keys may outlive their last entry, in ms
//	ARGV[11…] five per item, in batch order:
//	         'P', locator, framed record entry (expiry capped), its score, its head
//	         'E', locator, version (8 bytes), expiry key (capped), score
//	         'W', locator, version (8 bytes), '', ''
//
// It first drops the entries of every courier that expired before this
// millisecond (from the four keys), then applies each item by the store
// rule (store.Store), refusing what would take the courier past ARGV[7],
// ARGV[8] or ARGV[9]. Last, if anything changed, it makes the keys
// expire ARGV[3] to ARGV[3] + ARGV[10] after the furthest expiry left, so
// an abandoned bucket goes away by itself. It returns three values per item: an outcome code
// (outcomeCodes), and for a stored item the score and ciphertext bytes of
// the record it replaced, extended or withdrew (” and 0 when none), from
// which the caller keeps the courier's totals (usage.go).
//
// The rule is decided on heads alone (encoding.go): an entry's kind,
// version, expiry and courier, and the ciphertext bytes it counts, kept
// apart in KEYS[4]. Every string a script makes or reads costs Redis a
// hash of all its bytes, so a record's kilobytes enter the script once,
// as the put's own argument, which is the locator's whole value when no
// other courier keeps an entry there (as good as always: locators are
// 128-bit). Only an extension, or a locator shared with another courier,
// reads the entries themselves. A locator written before the heads hash
// existed has its heads read from its entries, and written with the
// next change.
var applyScript = redis.NewScript(`
local now_ms, now_key, grace = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local courier, kept_key, kept_score = ARGV[4], ARGV[5], ARGV[6]
local allow_records, allow_bytes, bucket_limit = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local slack = tonumber(ARGV[10])
-- Whether a key may have been made without an expiry: a heads hash
-- started (beside entries older than it, say), a usage hash started.
local new_keys = false
local RECORD, TOMBSTONE = 1, 2
local STORED, STALE, OVER_RECORDS, OVER_BYTES, OVER_BUCKET = 1, 2, 3, 4, 5

local function above(a, b) -- a > b for big-endian byte strings of one length
  for i = 1, #a do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return false
end
local function u32(s, i)
  local a, b, c, d = string.byte(s, i, i + 3)
  return ((a * 256 + b) * 256 + c) * 256 + d
end
local function be32(n)
  return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256,
    math.floor(n / 256) % 256, n % 256)
end
-- A head: kind, version, expiry, courier as in its entry, the ciphertext
-- bytes the entry counts (uint32, 0 for a tombstone), and its expiry
-- score as the expiry set has it (a length byte and the decimal; empty in
-- heads made from entries).
local function kind(h) return string.byte(h, 1) end
local function version(h) return string.sub(h, 2, 9) end
local function expiry(h) return string.sub(h, 10, 21) end
local function owner(h) return string.sub(h, 23, 22 + string.byte(h, 22)) end
local function size(h) return u32(h, 23 + string.byte(h, 22)) end
local function stored_score(h)
  local at = 27 + string.byte(h, 22)
  return string.sub(h, at + 1, at + string.byte(h, at))
end
local function head(entry_head, counted, sc)
  return entry_head .. be32(counted) .. string.char(#sc) .. sc
end
-- The head of a framed entry (uint32 length, entry), from its first bytes.
local function head_of(f)
  local n, counted = string.byte(f, 26), 0
  if string.byte(f, 5) == RECORD then counted = #f - 46 - n end
  return head(string.sub(f, 5, 26 + n), counted, '')
end

local function split_heads(v)
  local list, i = {}, 1
  while i <= #v do
    local at = i + 26 + string.byte(v, i + 21)
    local j = at + 1 + string.byte(v, at)
    list[#list + 1] = string.sub(v, i, j - 1)
    i = j
  end
  return list
end
local function split_framed(v)
  local list, i = {}, 1
  while i <= #v do
    local j = i + 4 + u32(v, i)
    list[#list + 1] = string.sub(v, i, j - 1)
    i = j
  end
  return list
end
local function find(heads, c)
  for i, h in ipairs(heads) do
    if owner(h) == c then return i end
  end
end
-- load returns the heads at loc and, when they had to be made from the
-- entries (a value older than the heads hash), the framed entries.
local heads_checked = false
local function load(loc)
  local h = redis.call('HGET', KEYS[4], loc)
  if h then return split_heads(h), nil end
  if not heads_checked then -- the heads hash may be about to start
    heads_checked = true
    if redis.call('EXISTS', KEYS[4]) == 0 then new_keys = true end
  end
  local v = redis.call('HGET', KEYS[1], loc)
  if not v then return {}, nil end
  new_keys = true
  local entries = split_framed(v)
  local heads = {}
  for i, f in ipairs(entries) do heads[i] = head_of(f) end
  return heads, entries
end
-- change puts framed and head at index i of loc (appending past the end),
-- or removes entry i when framed is nil, and writes both hashes. The
-- entries are read and joined only when other couriers keep some at loc.
local function change(loc, heads, entries, i, framed, head)
  local others = #heads - (heads[i] and 1 or 0)
  if others > 0 and not entries then
    entries = split_framed(redis.call('HGET', KEYS[1], loc))
  end
  if framed then
    heads[i] = head
    if entries then entries[i] = framed end
  else
    table.remove(heads, i)
    if entries then table.remove(entries, i) end
  end
  if #heads == 0 then
    redis.call('HDEL', KEYS[1], loc)
    redis.call('HDEL', KEYS[4], loc)
    return
  end
  if others == 0 then
    redis.call('HSET', KEYS[1], loc, framed)
  else
    redis.call('HSET', KEYS[1], loc, table.concat(entries))
  end
  redis.call('HSET', KEYS[4], loc, table.concat(heads))
end
local function add_usage(c, delta)
  if delta ~= 0 and redis.call('HINCRBY', KEYS[3], c, delta) <= 0 then
    redis.call('HDEL', KEYS[3], c)
  end
end

local changed = false
local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
for _, member in ipairs(dead) do
  local loc, c = string.sub(member, 1, 16), string.sub(member, 17)
  local heads, entries = load(loc)
  local i = find(heads, c)
  if i then
    add_usage(c, -size(heads[i]))
    change(loc, heads, entries, i, nil, nil)
  end
end
if #dead > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
  changed = true
end

-- The courier's bytes in the bucket, read when an item first changes
-- them: a new version of a record of the same size leaves them as they are.
local used0, used
local function usage()
  if not used then
    used0 = tonumber(redis.call('HGET', KEYS[3], courier) or 0)
    used = used0
  end
  return used
end
local grown_records, grown_bytes = 0, 0
local out = {}
for i = 11, #ARGV, 5 do
  local op, loc, a, b, c = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local member = loc .. courier
  local heads, entries = load(loc)
  local at = find(heads, courier)
  local cur = at and heads[at]
  local live = cur and above(expiry(cur), now_key)
  local was_record = cur and kind(cur) == RECORD
  local code, framed, new_head, score, d_records, d_bytes = STALE, nil, nil, nil, 0, 0
  if op == 'P' then
    if not (live and not above(version(c), version(cur))) then
      d_records = was_record and 0 or 1
      d_bytes = size(c) - (cur and size(cur) or 0)
      if d_records > 0 and grown_records + d_records > allow_records then
        code = OVER_RECORDS
      elseif d_bytes > 0 and grown_bytes + d_bytes > allow_bytes then
        code = OVER_BYTES
      elseif d_bytes > 0 and usage() + d_bytes > bucket_limit then
        code = OVER_BUCKET
      else
        code, framed, new_head, score = STORED, a, c, b
      end
    end
  elseif op == 'E' then
    if live and was_record and version(cur) == a and above(b, expiry(cur)) then
      entries = entries or split_framed(redis.call('HGET', KEYS[1], loc))
      local f = entries[at]
      code, score = STORED, c
      framed = string.sub(f, 1, 13) .. b .. string.sub(f, 26)
      new_head = head(string.sub(cur, 1, 9) .. b .. string.sub(cur, 22, 22 + string.byte(cur, 22)), size(cur), c)
    end
  elseif op == 'W' then
    if not (live and above(version(cur), a)) then
      local t = string.char(TOMBSTONE) .. a .. kept_key .. string.char(#courier) .. courier
      code, framed, new_head, score = STORED, be32(#t) .. t, head(t, 0, kept_score), kept_score
      d_records = was_record and -1 or 0
      d_bytes = -(cur and size(cur) or 0)
    end
  end
  local old_score, old_size = '', 0
  if code == STORED then
    if was_record then
      old_score, old_size = stored_score(cur), size(cur)
      if old_score == '' then old_score = redis.call('ZSCORE', KEYS[2], member) or '' end
    end
    change(loc, heads, entries, at or #heads + 1, framed, new_head)
    redis.call('ZADD', KEYS[2], score, member)
    if d_bytes ~= 0 then used = usage() + d_bytes end
    grown_records, grown_bytes = grown_records + d_records, grown_bytes + d_bytes
    changed = true
  end
  out[#out + 1] = code
  out[#out + 1] = old_score
  out[#out + 1] = old_size
end
if used then
  add_usage(courier, used - used0)
  if used0 == 0 and used > 0 then new_keys = true end
end

-- Only a change can move the furthest expiry: a batch retried in full
-- leaves the keys as they are. The keys live from grace to grace + slack
-- past it; they are set again only outside that window, or when one may
-- be new (the expiry set of an empty bucket has no expiry yet), so that
-- most changes cost no PEXPIRE at all.
if changed then
  local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  if #last > 0 then
    local want = math.min(tonumber(last[2]) - now_ms, 1e13) + grace
    local left = redis.call('PTTL', KEYS[2])
    if new_keys or left < want or left > want + slack then
      for k = 1, 4 do redis.call('PEXPIRE', KEYS[k], want + slack / 2) end
    end
  end
end
return out
`)

// Outcome codes of applyScript, per item.
const (
	codeStored = 1 + iota
	codeStale
	codeOverRecords
	codeOverBytes
	codeOverBucket
)

// keyGrace is how long a bucket's keys outlive its last entry at least:
// the margin for gateways whose clocks run behind Redis's. keySlack is how
// much longer they may: the script sets their expiry again only when it
// falls outside that window.
const (
	keyGrace = time.Minute
	keySlack = time.Hour
)

// item is one put, extension or withdrawal sent to applyScript.
type item struct {
	index int    // of its result in the batch's answer
	op    string // "P", "E" or "W"
	args  [4]any // locator and the three arguments of its kind
	// For the courier's totals when stored: the new expiry's score (puts
	// and extensions) and the ciphertext bytes of a put.
	score int64
	size  int64
}

// bucketItems is the items of one bucket in one Apply, in batch order.
type bucketItems struct {
	bucket uint32
	items  []*item
}

// scriptArgs are the arguments of applyScript shared by every bucket of
// one Apply.
type scriptArgs struct {
	now                      time.Time
	courier                  string
	tombstoneKept            time.Time
	allowRecords, allowBytes int64
	courierBucketBytes       int64
}

// queueApply adds one script call for p to pipe. With load false it is
// EVALSHA; with load true it is EVAL, which also caches the script on
// the node that was missing it.
func (s *Store) queueApply(ctx context.Context, pipe redis.Pipeliner, p bucketItems, a *scriptArgs, load bool) *redis.Cmd {
	args := make([]any, 0, 10+5*len(p.items))
	args = append(args,
		strconv.FormatInt(a.now.UnixMilli(), 10),
		appendExpiryKey(nil, a.now),
		strconv.FormatInt(keyGrace.Milliseconds(), 10),
		a.courier,
		appendExpiryKey(nil, a.tombstoneKept),
		strconv.FormatInt(expiryScore(a.tombstoneKept), 10),
		strconv.FormatInt(a.allowRecords, 10),
		strconv.FormatInt(a.allowBytes, 10),
		strconv.FormatInt(a.courierBucketBytes, 10),
		strconv.FormatInt(keySlack.Milliseconds(), 10))
	for _, it := range p.items {
		args = append(args, it.op, it.args[0], it.args[1], it.args[2], it.args[3])
	}
	keys := []string{s.recordsKey(p.bucket), s.expiryKey(p.bucket), s.usageKey(p.bucket), s.headsKey(p.bucket)}
	if load {
		return applyScript.Eval(ctx, pipe, keys, args...)
	}
	return applyScript.EvalSha(ctx, pipe, keys, args...)
}
