package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

// DefaultKeyPrefix begins every key unless WithKeyPrefix says otherwise.
const DefaultKeyPrefix = "tg1"

// Store is a store.Store on a Redis server or a Redis Cluster.
type Store struct {
	client     redis.UniversalClient
	bucketBits int
	prefix     string
}

var _ store.Store = (*Store)(nil)

// Option changes a Store built by New.
type Option func(*Store)

// WithKeyPrefix begins every key with prefix instead of "tg1", so that
// several deployments (or tests) can share one Redis. The prefix must pass
// CheckKeyPrefix.
func WithKeyPrefix(prefix string) Option {
	return func(s *Store) { s.prefix = prefix }
}

// CheckKeyPrefix reports whether prefix can begin keys: not empty, and
// without '{' or '}', which would move the hash tag that keeps a bucket on
// one cluster slot.
func CheckKeyPrefix(prefix string) error {
	if prefix == "" || strings.ContainsAny(prefix, "{}") {
		return fmt.Errorf("redis key prefix %q must be non-empty and free of '{' and '}'", prefix)
	}
	return nil
}

// New returns a store keeping the records of a deployment with bucketBits
// in client (a *redis.Client or a *redis.ClusterClient). It panics on a
// bucketBits or key prefix that configuration should have refused
// (crypto.CheckBucketBits, CheckKeyPrefix). The caller owns client.
func New(client redis.UniversalClient, bucketBits int, opts ...Option) *Store {
	s := &Store{client: client, bucketBits: bucketBits, prefix: DefaultKeyPrefix}
	for _, o := range opts {
		o(s)
	}
	if err := crypto.CheckBucketBits(bucketBits); err != nil {
		panic("redisstore: " + err.Error())
	}
	if err := CheckKeyPrefix(s.prefix); err != nil {
		panic("redisstore: " + err.Error())
	}
	return s
}

// recordsKey names the hash of a bucket's records; expiryKey its sorted
// set of expiries. The braces make Redis Cluster place both on the slot
// of "b<bucket>", so one script or one read touches one node.
func (s *Store) recordsKey(bucket uint32) string {
	return s.prefix + ":{b" + crypto.FormatBucket(bucket) + "}:r"
}

func (s *Store) expiryKey(bucket uint32) string {
	return s.prefix + ":{b" + crypto.FormatBucket(bucket) + "}:x"
}

// Put implements store.Store: one script call per bucket, all in one
// pipeline (one per node in a cluster).
func (s *Store) Put(ctx context.Context, records []crypto.SealedRecord, now time.Time) (stored, stale int, err error) {
	var puts []bucketPut
	index := map[uint32]int{} // bucket -> its place in puts
	for i := range records {
		r := &records[i]
		if err := r.Check(); err != nil {
			return 0, 0, fmt.Errorf("redisstore: put record %d: %w", i, err)
		}
		if !store.Live(r, now) {
			stale++
			continue
		}
		b := crypto.Bucket(r.Locator, s.bucketBits)
		j, ok := index[b]
		if !ok {
			j = len(puts)
			index[b] = j
			puts = append(puts, bucketPut{bucket: b})
		}
		puts[j].records = append(puts[j].records, r)
	}
	sent := len(records) - stale
	if sent == 0 {
		return 0, stale, nil
	}
	stored, err = s.runPuts(ctx, puts, now)
	if err != nil {
		return 0, 0, err
	}
	return stored, stale + sent - stored, nil
}

// runPuts pipelines the script calls with EVALSHA, then once more with
// EVAL for the buckets whose node did not have the script cached (after
// a restart or a failover): a NOSCRIPT call changed nothing.
func (s *Store) runPuts(ctx context.Context, puts []bucketPut, now time.Time) (stored int, err error) {
	for _, load := range []bool{false, true} {
		pipe := s.client.Pipeline()
		cmds := make([]*redis.Cmd, len(puts))
		for i, p := range puts {
			cmds[i] = s.queuePut(ctx, pipe, p, now, load)
		}
		_, execErr := pipe.Exec(ctx)
		var missing []bucketPut
		for i, cmd := range cmds {
			n, err := cmd.Int()
			switch {
			case err == nil:
				stored += n
			case !load && redis.HasErrorPrefix(err, "NOSCRIPT"):
				missing = append(missing, puts[i])
			default:
				return 0, failure(fmt.Sprintf("put bucket %s", crypto.FormatBucket(puts[i].bucket)), err)
			}
		}
		if execErr != nil && len(missing) == 0 {
			return 0, failure("put", execErr) // failed short of any command
		}
		if len(missing) == 0 {
			break
		}
		puts = missing
	}
	return stored, nil
}

// Bucket implements store.Store: one HGETALL on the bucket's node.
func (s *Store) Bucket(ctx context.Context, bucket uint32, now time.Time) ([]crypto.SealedRecord, error) {
	if uint64(bucket)>>s.bucketBits != 0 {
		return []crypto.SealedRecord{}, nil // no such bucket holds anything
	}
	fields, err := s.client.HGetAll(ctx, s.recordsKey(bucket)).Result()
	if err != nil {
		return nil, failure("read bucket "+crypto.FormatBucket(bucket), err)
	}
	out := make([]crypto.SealedRecord, 0, len(fields))
	for locator, value := range fields {
		r, err := decodeRecord([]byte(locator), []byte(value))
		if err != nil {
			return nil, fmt.Errorf("redisstore: read bucket %s: %w", crypto.FormatBucket(bucket), err)
		}
		if store.Live(&r, now) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Get implements store.Store: one HGET on the node of the locator's bucket.
func (s *Store) Get(ctx context.Context, locator []byte, now time.Time) (crypto.SealedRecord, error) {
	if len(locator) != crypto.LocatorSize {
		return crypto.SealedRecord{}, store.ErrNotFound
	}
	bucket := crypto.Bucket(locator, s.bucketBits)
	value, err := s.client.HGet(ctx, s.recordsKey(bucket), string(locator)).Bytes()
	if errors.Is(err, redis.Nil) {
		return crypto.SealedRecord{}, store.ErrNotFound
	}
	if err != nil {
		return crypto.SealedRecord{}, failure("read record", err)
	}
	r, err := decodeRecord(locator, value)
	if err != nil {
		return crypto.SealedRecord{}, fmt.Errorf("redisstore: read record: %w", err)
	}
	if !store.Live(&r, now) {
		return crypto.SealedRecord{}, store.ErrNotFound
	}
	return r, nil
}

// Ping implements store.Store. A cluster can serve only when every
// master answers, since every master holds some buckets.
func (s *Store) Ping(ctx context.Context) error {
	var err error
	if cluster, ok := s.client.(*redis.ClusterClient); ok {
		err = cluster.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			return m.Ping(ctx).Err()
		})
	} else {
		err = s.client.Ping(ctx).Err()
	}
	if err != nil {
		return failure("ping", err)
	}
	return nil
}
