package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unsafe"

	"github.com/redis/go-redis/v9"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

// DefaultKeyPrefix begins every key unless WithKeyPrefix says otherwise.
const DefaultKeyPrefix = "tg1"

// Store is a store.Store on a Redis server or a Redis Cluster.
type Store struct {
	client redis.UniversalClient
	limits store.Limits // with defaults
	prefix string
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

// New returns a store keeping the records of a deployment in client (a
// *redis.Client or a *redis.ClusterClient), bound by limits (zero fields
// take their defaults). It panics on limits or a key prefix that
// configuration should have refused (store.Limits.Check,
// CheckKeyPrefix). The caller owns client.
func New(client redis.UniversalClient, limits store.Limits, opts ...Option) *Store {
	s := &Store{client: client, limits: limits.WithDefaults(), prefix: DefaultKeyPrefix}
	for _, o := range opts {
		o(s)
	}
	if err := limits.Check(); err != nil {
		panic("redisstore: " + err.Error())
	}
	if err := CheckKeyPrefix(s.prefix); err != nil {
		panic("redisstore: " + err.Error())
	}
	return s
}

// The keys of a bucket: its records hash, its expiry set, its usage hash
// and its heads hash. The braces make Redis Cluster place all four on the
// slot of "b<bucket>", so one script or one read touches one node.
func (s *Store) recordsKey(bucket uint32) string { return s.bucketKey(bucket, "rec") }
func (s *Store) expiryKey(bucket uint32) string  { return s.bucketKey(bucket, "exp") }
func (s *Store) usageKey(bucket uint32) string   { return s.bucketKey(bucket, "use") }
func (s *Store) headsKey(bucket uint32) string   { return s.bucketKey(bucket, "head") }

// RecordsKey names the hash holding bucket's records, field by locator.
// `trackgate bench` reads it directly, to compare the gateway with a bare
// server reading the same bytes; nothing else should.
func (s *Store) RecordsKey(bucket uint32) string { return s.recordsKey(bucket) }

func (s *Store) bucketKey(bucket uint32, what string) string {
	return s.prefix + ":{b" + crypto.FormatBucket(bucket) + "}:" + what
}

// courierKey names the hash of a courier's totals (usage.go), on the slot
// of "c<courier>".
func (s *Store) courierKey(courier string) string {
	return s.prefix + ":{c" + courier + "}:use"
}

// Bucket implements store.Store: one HGETALL on the bucket's node.
func (s *Store) Bucket(ctx context.Context, bucket uint32, now time.Time) ([]crypto.SealedRecord, error) {
	out := []crypto.SealedRecord{}
	if uint64(bucket)>>s.limits.BucketBits != 0 {
		return out, nil // no such bucket holds anything
	}
	fields, err := s.client.HGetAll(ctx, s.recordsKey(bucket)).Result()
	if err != nil {
		return nil, failure("read bucket", err)
	}
	for locator, value := range fields {
		if out, err = appendLive(out, []byte(locator), []byte(value), now); err != nil {
			return nil, fmt.Errorf("redisstore: read bucket: %w", err)
		}
	}
	return out, nil
}

// Locator implements store.Store: one HGET on the node of the locator's
// bucket.
func (s *Store) Locator(ctx context.Context, locator []byte, now time.Time) ([]crypto.SealedRecord, error) {
	out := []crypto.SealedRecord{}
	if len(locator) != crypto.LocatorSize {
		return out, nil
	}
	bucket := crypto.Bucket(locator, s.limits.BucketBits)
	value, err := s.client.HGet(ctx, s.recordsKey(bucket), string(locator)).Bytes()
	if errors.Is(err, redis.Nil) {
		return out, nil
	}
	if err != nil {
		return nil, failure("read locator", err)
	}
	if out, err = appendLive(out, locator, value, now); err != nil {
		return nil, fmt.Errorf("redisstore: read locator: %w", err)
	}
	return out, nil
}

// appendLive appends the live records stored in value at locator.
func appendLive(out []crypto.SealedRecord, locator, value []byte, now time.Time) ([]crypto.SealedRecord, error) {
	entries, err := decodeValue(locator, value)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !e.tombstone && store.Live(&e.record, now) {
			out = append(out, e.record)
		}
	}
	return out, nil
}

// PublicBucket implements store.Store: Bucket's HGETALL, each live record
// written in its public form straight from the stored bytes, all into
// one buffer.
func (s *Store) PublicBucket(ctx context.Context, bucket uint32, now time.Time) ([]store.PublicRecord, error) {
	if uint64(bucket)>>s.limits.BucketBits != 0 {
		return []store.PublicRecord{}, nil // no such bucket holds anything
	}
	fields, err := s.client.HGetAll(ctx, s.recordsKey(bucket)).Result()
	if err != nil {
		return nil, failure("read bucket", err)
	}
	var live publicReader
	for locator, value := range fields {
		if err := live.add(readOnly(locator), readOnly(value), now); err != nil {
			return nil, fmt.Errorf("redisstore: read bucket: %w", err)
		}
	}
	return live.records(), nil
}

// PublicLocator implements store.Store: Locator's HGET, the live records
// written in their public form.
func (s *Store) PublicLocator(ctx context.Context, locator []byte, now time.Time) ([]store.PublicRecord, error) {
	if len(locator) != crypto.LocatorSize {
		return []store.PublicRecord{}, nil
	}
	bucket := crypto.Bucket(locator, s.limits.BucketBits)
	value, err := s.client.HGet(ctx, s.recordsKey(bucket), string(locator)).Bytes()
	if errors.Is(err, redis.Nil) {
		return []store.PublicRecord{}, nil
	}
	if err != nil {
		return nil, failure("read locator", err)
	}
	var live publicReader
	if err := live.add(locator, value, now); err != nil {
		return nil, fmt.Errorf("redisstore: read locator: %w", err)
	}
	return live.records(), nil
}

// readOnly is the bytes of s without a copy: a bucket's values are
// kilobytes each, read once and never changed, and every public form the
// store writes from them is copied out (publicReader.records); only the
// locators and nonces it hands out point into s, read-only as
// store.PublicRecord says.
func readOnly(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// publicReader gathers the live records of stored values, checked as
// Bucket checks them, and writes their public forms.
type publicReader struct {
	live []crypto.SealedRecord // sharing the values' memory
	size int
}

func (p *publicReader) add(locator, value []byte, now time.Time) error {
	entries, err := viewValue(locator, value)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.tombstone && store.Live(&e.record, now) {
			p.live = append(p.live, e.record)
			p.size += crypto.PublicJSONSize(len(e.record.Ciphertext))
		}
	}
	return nil
}

// records writes every public form into one new buffer.
func (p *publicReader) records() []store.PublicRecord {
	out := make([]store.PublicRecord, len(p.live))
	buf := make([]byte, 0, p.size)
	for i := range p.live {
		r := &p.live[i]
		start := len(buf)
		pub := r.Public()
		buf = pub.AppendJSON(buf)
		out[i] = store.PublicRecord{Locator: r.Locator, Nonce: r.Nonce, JSON: buf[start:len(buf):len(buf)]}
	}
	return out
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
