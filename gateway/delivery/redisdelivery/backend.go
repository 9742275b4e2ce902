package redisdelivery

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/store/redisstore"
)

// DefaultKeyPrefix begins every key unless WithKeyPrefix says otherwise;
// it is the record store's (redisstore), so one prefix names a deployment.
const DefaultKeyPrefix = "tg1"

// Shards is the number of queue shards; a subscription's id picks its
// shard, so the number is fixed for a deployment's life.
const Shards = 16

// DefaultClaimTimeout is how long an attempt may hold a lane before
// another gateway takes it over: far above an attempt's timeout, so only
// a gateway that died loses its lanes.
const DefaultClaimTimeout = time.Minute

// group is the consumer group every gateway reads the ready streams in.
const group = "gateways"

// Backend is a delivery.Backend on a Redis server or a Redis Cluster.
type Backend struct {
	client       redis.UniversalClient
	prefix       string
	claimTimeout time.Duration
	consumerIdle time.Duration

	groupsMu    sync.Mutex
	groupsReady bool
	nextShard   int       // the shard Claim asks first, turning
	lastSweep   time.Time // when Promote last forgot idle consumers
}

var _ delivery.Backend = (*Backend)(nil)

// Option changes a Backend built by New.
type Option func(*Backend)

// WithKeyPrefix begins every key with prefix instead of "tg1", as
// redisstore.WithKeyPrefix (and checked the same way).
func WithKeyPrefix(prefix string) Option { return func(b *Backend) { b.prefix = prefix } }

// WithClaimTimeout sets how long an attempt may hold a lane before
// another consumer claims it (default DefaultClaimTimeout).
func WithClaimTimeout(d time.Duration) Option { return func(b *Backend) { b.claimTimeout = d } }

// New returns a Backend keeping a deployment's subscriptions in client (a
// *redis.Client or *redis.ClusterClient). It panics on a key prefix that
// configuration should have refused. The caller owns client.
func New(client redis.UniversalClient, opts ...Option) *Backend {
	b := &Backend{client: client, prefix: DefaultKeyPrefix, claimTimeout: DefaultClaimTimeout, consumerIdle: DefaultConsumerIdle}
	for _, o := range opts {
		o(b)
	}
	if b.prefix == "" || strings.ContainsAny(b.prefix, "{}") {
		panic(fmt.Sprintf("redisdelivery: key prefix %q must be non-empty and free of '{' and '}'", b.prefix))
	}
	if b.claimTimeout <= 0 {
		b.claimTimeout = DefaultClaimTimeout
	}
	return b
}

// shardOf is the shard of a subscription id.
func shardOf(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % Shards)
}

// The key prefixes of the hash tags (doc.go).
func (b *Backend) shard(k int) string          { return b.prefix + ":wh:{q" + strconv.Itoa(k) + "}:" }
func (b *Backend) shardOfSub(id string) string { return b.shard(shardOf(id)) }
func (b *Backend) tenant(t string) string      { return b.prefix + ":wh:{t" + t + "}:" }
func (b *Backend) watch() string               { return b.prefix + ":wh:{w}:" }

func (b *Backend) subKey(id string) string { return b.shardOfSub(id) + "s:" + id }

// Ping implements delivery.Backend; a cluster answers when every master does.
func (b *Backend) Ping(ctx context.Context) error {
	var err error
	if cluster, ok := b.client.(*redis.ClusterClient); ok {
		err = cluster.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			return m.Ping(ctx).Err()
		})
	} else {
		err = b.client.Ping(ctx).Err()
	}
	if err != nil {
		return failure("ping", err)
	}
	return nil
}

// failure wraps an error of doing op in Redis; what keeps Redis from
// answering now also wraps delivery.ErrUnavailable.
func failure(op string, err error) error {
	if temporary(err) {
		return fmt.Errorf("redisdelivery: %s: %w: %w", op, delivery.ErrUnavailable, err)
	}
	return fmt.Errorf("redisdelivery: %s: %w", op, err)
}

// temporary is redisstore's rule, and NOGROUP: a stream's consumer group
// lost with a restarted Redis is made again on the next read.
func temporary(err error) bool { return redisstore.Temporary(err, "NOGROUP") }

// call is one script call of a pipeline.
type call struct {
	keys []string
	args []any
}

// runAll runs script once per call, pipelined (one pipeline per node in
// a cluster), with EVALSHA, then with EVAL for the calls whose node did
// not have the script cached; the answers are in the order of calls.
func (b *Backend) runAll(ctx context.Context, script *redis.Script, calls []call) ([]*redis.Cmd, error) {
	out := make([]*redis.Cmd, len(calls))
	todo := make([]int, len(calls))
	for i := range todo {
		todo[i] = i
	}
	for _, load := range []bool{false, true} {
		pipe := b.client.Pipeline()
		for _, i := range todo {
			if load {
				out[i] = script.Eval(ctx, pipe, calls[i].keys, calls[i].args...)
			} else {
				out[i] = script.EvalSha(ctx, pipe, calls[i].keys, calls[i].args...)
			}
		}
		_, _ = pipe.Exec(ctx) // errors are read per command
		var missing []int
		for _, i := range todo {
			if err := out[i].Err(); err != nil && !errors.Is(err, redis.Nil) {
				if !load && redis.HasErrorPrefix(err, "NOSCRIPT") {
					missing = append(missing, i)
					continue
				}
				return nil, err
			}
		}
		if len(missing) == 0 {
			break
		}
		todo = missing
	}
	return out, nil
}

// ensureGroups creates the consumer group of every shard's stream (and
// the stream) unless done; again after Redis lost them (NOGROUP).
func (b *Backend) ensureGroups(ctx context.Context, again bool) error {
	b.groupsMu.Lock()
	defer b.groupsMu.Unlock()
	if b.groupsReady && !again {
		return nil
	}
	for k := range Shards {
		// From the first entry: deliveries queued before any gateway
		// read the stream are not skipped.
		err := b.client.XGroupCreateMkStream(ctx, b.shard(k)+"ready", group, "0").Err()
		if err != nil && !redis.HasErrorPrefix(err, "BUSYGROUP") {
			return failure("create the consumer group", err)
		}
	}
	b.groupsReady = true
	return nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }
