package keylog

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/mod/sumdb/tlog"
)

// Redis is Storage in Redis (a server or a Cluster), shared by every
// gateway of a deployment. Its keys, one hash tag so that a transaction
// may touch them all on a Cluster:
//
//	<prefix>:{keylog}:size     STRING  the number of entries
//	<prefix>:{keylog}:entries  HASH    decimal index -> entry
//	<prefix>:{keylog}:hashes   HASH    decimal stored-hash index -> 32-byte hash
//	<prefix>:{keylog}:index    HASH    SHA-256(entry) -> decimal index
//	<prefix>:{keylog}:cosig    HASH    witness name -> "<size> <signature line>"
//
// An append WATCHes the size, reads what it needs and writes the entry,
// its hashes, its index and the new size in one MULTI/EXEC, which fails
// if another append came first; it then starts again. The keys never
// expire: the log is append-only.
type Redis struct {
	client redis.UniversalClient
	prefix string
}

var _ Storage = (*Redis)(nil)

// DefaultKeyPrefix begins every key unless WithKeyPrefix says otherwise.
const DefaultKeyPrefix = "tg1"

// appendAttempts bounds how often an append starts again after losing a
// race; appends are rare (a courier's keys change a few times a year).
const appendAttempts = 64

// RedisOption changes a Redis built by NewRedis.
type RedisOption func(*Redis)

// WithKeyPrefix begins every key with prefix instead of "tg1", so that
// several deployments (or tests) can share one Redis. The prefix must
// pass CheckKeyPrefix.
func WithKeyPrefix(prefix string) RedisOption { return func(r *Redis) { r.prefix = prefix } }

// CheckKeyPrefix reports whether prefix can begin keys: not empty, and
// without '{' or '}', which would move the hash tag.
func CheckKeyPrefix(prefix string) error {
	if prefix == "" || strings.ContainsAny(prefix, "{}") {
		return fmt.Errorf("redis key prefix %q must be non-empty and free of '{' and '}'", prefix)
	}
	return nil
}

// NewRedis returns the log storage kept in client (a *redis.Client or a
// *redis.ClusterClient). It panics on a key prefix that configuration
// should have refused (CheckKeyPrefix). The caller owns client.
func NewRedis(client redis.UniversalClient, opts ...RedisOption) *Redis {
	r := &Redis{client: client, prefix: DefaultKeyPrefix}
	for _, o := range opts {
		o(r)
	}
	if err := CheckKeyPrefix(r.prefix); err != nil {
		panic("keylog: " + err.Error())
	}
	return r
}

func (r *Redis) key(name string) string { return r.prefix + ":{keylog}:" + name }

// Size implements Storage.
func (r *Redis) Size(ctx context.Context) (int64, error) {
	return readSize(ctx, r.client, r.key("size"))
}

func readSize(ctx context.Context, c redis.Cmdable, key string) (int64, error) {
	n, err := c.Get(ctx, key).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("redis GET size: %w", err)
	}
	return n, nil
}

// Entries implements Storage.
func (r *Redis) Entries(ctx context.Context, start, end int64) ([][]byte, error) {
	if start < 0 || end < start {
		return nil, fmt.Errorf("%w: entries [%d, %d)", ErrRange, start, end)
	}
	if start == end {
		return [][]byte{}, nil
	}
	fields := make([]string, 0, end-start)
	for i := start; i < end; i++ {
		fields = append(fields, strconv.FormatInt(i, 10))
	}
	vals, err := r.client.HMGet(ctx, r.key("entries"), fields...).Result()
	if err != nil {
		return nil, fmt.Errorf("redis HMGET entries: %w", err)
	}
	out := make([][]byte, len(vals))
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%w: entry %d is not in redis", ErrRange, start+int64(i))
		}
		out[i] = []byte(s)
	}
	return out, nil
}

// ReadHashes implements Storage.
func (r *Redis) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, r.client, r.key("hashes"), indexes)
}

func readHashes(ctx context.Context, c redis.Cmdable, key string, indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return []tlog.Hash{}, nil
	}
	fields := make([]string, len(indexes))
	for i, x := range indexes {
		fields[i] = strconv.FormatInt(x, 10)
	}
	vals, err := c.HMGet(ctx, key, fields...).Result()
	if err != nil {
		return nil, fmt.Errorf("redis HMGET hashes: %w", err)
	}
	out := make([]tlog.Hash, len(vals))
	for i, v := range vals {
		s, ok := v.(string)
		if !ok || len(s) != tlog.HashSize {
			return nil, fmt.Errorf("%w: stored hash %d is not in redis", ErrRange, indexes[i])
		}
		copy(out[i][:], s)
	}
	return out, nil
}

// IndexOf implements Storage.
func (r *Redis) IndexOf(ctx context.Context, entry []byte) (int64, error) {
	return indexOf(ctx, r.client, r.key("index"), entry)
}

func indexOf(ctx context.Context, c redis.Cmdable, key string, entry []byte) (int64, error) {
	id := sha256.Sum256(entry)
	i, err := c.HGet(ctx, key, string(id[:])).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("redis HGET index: %w", err)
	}
	return i, nil
}

// Append implements Storage.
func (r *Redis) Append(ctx context.Context, entry []byte) (int64, bool, error) {
	sizeKey := r.key("size")
	for attempt := range appendAttempts {
		var index int64
		var added bool
		err := r.client.Watch(ctx, func(tx *redis.Tx) error {
			i, err := indexOf(ctx, tx, r.key("index"), entry)
			if err == nil {
				index = i
				return nil
			}
			if !errors.Is(err, ErrNotFound) {
				return err
			}
			n, err := readSize(ctx, tx, sizeKey)
			if err != nil {
				return err
			}
			hashes, err := tlog.StoredHashes(n, entry, tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
				return readHashes(ctx, tx, r.key("hashes"), indexes)
			}))
			if err != nil {
				return fmt.Errorf("hash entry %d: %w", n, err)
			}
			first := tlog.StoredHashCount(n)
			fields := make([]any, 0, 2*len(hashes))
			for j, h := range hashes {
				fields = append(fields, strconv.FormatInt(first+int64(j), 10), h[:])
			}
			id := sha256.Sum256(entry)
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.HSet(ctx, r.key("entries"), strconv.FormatInt(n, 10), entry)
				p.HSet(ctx, r.key("hashes"), fields...)
				p.HSet(ctx, r.key("index"), string(id[:]), n)
				p.Set(ctx, sizeKey, n+1, 0)
				return nil
			})
			index, added = n, true
			return err
		}, sizeKey)
		if errors.Is(err, redis.TxFailedErr) {
			// Another append took the index; wait a little, more each
			// time, so that many appenders do not keep colliding.
			sleep(ctx, time.Duration(rand.IntN(attempt+1)+1)*time.Millisecond)
			continue
		}
		if err != nil {
			return 0, false, fmt.Errorf("redis append: %w", err)
		}
		return index, added, nil
	}
	return 0, false, fmt.Errorf("%w: %d appends in a row lost the race for the next index", ErrBusy, appendAttempts)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// cosignScript keeps a witness's cosignature unless a larger tree's is
// kept: KEYS[1] the cosig hash, ARGV witness, size, signature line.
var cosignScript = redis.NewScript(`
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local size = tonumber(string.match(old, '^(%d+) '))
  if size and size > tonumber(ARGV[2]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. ARGV[3])
return 1
`)

// PutCosignature implements Storage.
func (r *Redis) PutCosignature(ctx context.Context, witness string, c Cosignature) error {
	err := cosignScript.Run(ctx, r.client, []string{r.key("cosig")}, witness, strconv.FormatInt(c.Size, 10), c.Line).Err()
	if err != nil {
		return fmt.Errorf("redis keep cosignature: %w", err)
	}
	return nil
}

// Cosignatures implements Storage.
func (r *Redis) Cosignatures(ctx context.Context) (map[string]Cosignature, error) {
	all, err := r.client.HGetAll(ctx, r.key("cosig")).Result()
	if err != nil {
		return nil, fmt.Errorf("redis HGETALL cosig: %w", err)
	}
	out := make(map[string]Cosignature, len(all))
	for w, v := range all {
		sizeText, line, ok := strings.Cut(v, " ")
		size, err := strconv.ParseInt(sizeText, 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("redis cosignature of %s is %q, not <size> <line>", w, v)
		}
		out[w] = Cosignature{Size: size, Line: line}
	}
	return out, nil
}
