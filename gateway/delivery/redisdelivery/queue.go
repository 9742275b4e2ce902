package redisdelivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/gateway/delivery"
)

// Enqueue implements delivery.Queue: the subscribers of the events'
// locators are read from the watchlist, then each shard's deliveries go
// to its lanes in one script call.
func (b *Backend) Enqueue(ctx context.Context, events []delivery.Event, _ time.Time) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	w := b.watch()
	pipe := b.client.Pipeline()
	cmds := make([]*redis.StringSliceCmd, len(events))
	for i, e := range events {
		cmds[i] = pipe.SMembers(ctx, w+"l:"+string(e.Locator))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, failure("find subscribers", err)
	}
	byShard := map[int][]any{}
	for i, e := range events {
		subs := cmds[i].Val()
		slices.Sort(subs)
		for _, sub := range subs {
			d := delivery.Delivery{ID: delivery.NewDeliveryID(), Event: e}
			k := shardOf(sub)
			byShard[k] = append(byShard[k], sub, laneOf(sub, &d), e.Courier, string(delivery.Order(&d)), encodeDelivery(&d))
		}
	}
	var calls []call
	for _, k := range slices.Sorted(maps.Keys(byShard)) {
		calls = append(calls, call{keys: []string{b.shard(k) + "ready"}, args: append([]any{b.shard(k)}, byShard[k]...)})
	}
	if len(calls) == 0 {
		return 0, nil
	}
	out, err := b.runAll(ctx, enqueueScript, calls)
	if err != nil {
		return 0, failure("enqueue deliveries", err)
	}
	n := 0
	for _, c := range out {
		v, _ := c.Int()
		n += v
	}
	return n, nil
}

// Claim implements delivery.Queue: every shard is asked, in one pipeline,
// for a share of max.
func (b *Backend) Claim(ctx context.Context, consumer string, max int, _ time.Time) ([]delivery.Attempt, error) {
	if max <= 0 {
		return nil, nil
	}
	if err := b.ensureGroups(ctx, false); err != nil {
		return nil, err
	}
	out, err := b.claim(ctx, consumer, max)
	if err != nil && redis.HasErrorPrefix(unwrapRedis(err), "NOGROUP") {
		// Redis lost the groups (restarted without its data): again.
		if err := b.ensureGroups(ctx, true); err != nil {
			return nil, err
		}
		out, err = b.claim(ctx, consumer, max)
	}
	return out, err
}

// claim asks the shards, from one that turns with every call, for max
// attempts in all: first each for its share, in one pipeline, then, one
// after the other, those that gave their whole share for what is left.
func (b *Backend) claim(ctx context.Context, consumer string, max int) ([]delivery.Attempt, error) {
	b.groupsMu.Lock()
	first := b.nextShard
	b.nextShard = (b.nextShard + 1) % Shards
	b.groupsMu.Unlock()
	order := make([]int, Shards)
	for i := range order {
		order[i] = (first + i) % Shards
	}
	var out []delivery.Attempt
	var calls []call
	var asked []int
	share := map[int]int{}
	for i, k := range order {
		if n := max/Shards + btoi(i < max%Shards); n > 0 {
			calls = append(calls, b.claimCall(k, consumer, n))
			asked = append(asked, k)
			share[k] = n
		}
	}
	got, err := b.claimCalls(ctx, calls)
	if err != nil {
		return nil, err
	}
	exhausted := map[int]bool{}
	for i, attempts := range got {
		out = append(out, attempts...)
		exhausted[asked[i]] = len(attempts) < share[asked[i]]
	}
	// What is left goes to the shards that may hold more: those that
	// gave their whole share, and those not asked.
	for _, k := range order {
		left := max - len(out)
		if left <= 0 {
			break
		}
		if exhausted[k] {
			continue
		}
		got, err := b.claimCalls(ctx, []call{b.claimCall(k, consumer, left)})
		if err != nil {
			return nil, err
		}
		out = append(out, got[0]...)
	}
	return out, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (b *Backend) claimCall(k int, consumer string, n int) call {
	s := b.shard(k)
	return call{keys: []string{s + "ready", s + "retry"}, args: []any{s, group, consumer, n, b.claimTimeout.Milliseconds()}}
}

// claimCalls runs claim calls and decodes their attempts, per call.
func (b *Backend) claimCalls(ctx context.Context, calls []call) ([][]delivery.Attempt, error) {
	cmds, err := b.runAll(ctx, claimScript, calls)
	if err != nil {
		return nil, failure("claim deliveries", err)
	}
	out := make([][]delivery.Attempt, len(cmds))
	for i, c := range cmds {
		rows, err := c.Slice()
		if err != nil {
			return nil, failure("claim deliveries", err)
		}
		for _, row := range rows {
			a, err := decodeAttempt(row)
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], a)
		}
	}
	return out, nil
}

// decodeAttempt reads one attempt of claimScript's answer.
func decodeAttempt(row any) (delivery.Attempt, error) {
	f, ok := row.([]any)
	if !ok || len(f) != 9 {
		return delivery.Attempt{}, fmt.Errorf("redisdelivery: claim answered %v", row)
	}
	s := make([]string, 9)
	for i, v := range f {
		s[i], _ = v.(string)
	}
	d, err := decodeDelivery(s[8])
	if err != nil {
		return delivery.Attempt{}, fmt.Errorf("redisdelivery: a queued delivery: %w", err)
	}
	a := delivery.Attempt{Lane: s[1], Token: s[0], Delivery: d, Subscription: delivery.Subscription{
		ID: s[2], Tenant: s[3], CallbackURL: s[4], Secret: s[5], PreviousSecret: s[6], State: delivery.StateActive,
	}}
	if a.Subscription.PreviousUntil, err = parseTime(s[7]); err != nil {
		return delivery.Attempt{}, fmt.Errorf("redisdelivery: puntil: %w", err)
	}
	return a, nil
}

// unwrapRedis finds the Redis error reply in err.
func unwrapRedis(err error) error {
	for e := err; e != nil; {
		if _, ok := e.(redis.Error); ok {
			return e
		}
		u, ok := e.(interface{ Unwrap() []error })
		if ok {
			for _, x := range u.Unwrap() {
				if r := unwrapRedis(x); r != nil {
					return r
				}
			}
			return err
		}
		next, ok := e.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		e = next.Unwrap()
	}
	return err
}

// Finish implements delivery.Queue.
func (b *Backend) Finish(ctx context.Context, a *delivery.Attempt, o delivery.Outcome, now time.Time) error {
	shard := b.shardOfSub(a.Subscription.ID)
	kind := map[delivery.OutcomeKind]string{delivery.OutcomeDelivered: "D", delivery.OutcomeDead: "X",
		delivery.OutcomeRetry: "R", delivery.OutcomeDefer: "F"}[o.Kind]
	if kind == "" {
		return fmt.Errorf("redisdelivery: no such outcome %d", o.Kind)
	}
	args := []any{shard, group, a.Lane, a.Token, kind, string(delivery.Order(&a.Delivery)), "", ms(o.At), ms(now), "", "", ""}
	switch o.Kind {
	case delivery.OutcomeRetry:
		args[6] = encodeDelivery(&o.Delivery)
	case delivery.OutcomeDead:
		d := o.Delivery
		d.Replay = false
		listed, err := json.Marshal(delivery.DeadLetter{Delivery: d, DiedAt: now})
		if err != nil {
			return fmt.Errorf("redisdelivery: marshal a dead letter: %w", err)
		}
		args[9], args[10], args[11] = d.ID, string(listed), replayValue(a.Lane, d)
	}
	n, err := finishScript.Run(ctx, b.client, []string{shard + "ready", shard + "retry"}, args...).Int()
	if err != nil {
		return failure("finish a delivery", err)
	}
	if n == 0 {
		return delivery.ErrStale
	}
	return nil
}

// promoteBatch bounds the lanes one shard promotes per call.
const promoteBatch = 500

// Consumers of the group that hold nothing and were not heard of for
// DefaultConsumerIdle are deleted (every gateway that ever ran left one),
// at most every consumerSweep.
const (
	DefaultConsumerIdle = time.Hour
	consumerSweep       = 10 * time.Minute
)

// Promote implements delivery.Queue; now and then it also forgets the
// consumers of gateways gone long ago.
func (b *Backend) Promote(ctx context.Context, now time.Time) error {
	b.groupsMu.Lock()
	sweep := now.Sub(b.lastSweep) >= consumerSweep
	if sweep {
		b.lastSweep = now
	}
	b.groupsMu.Unlock()
	if sweep {
		if err := b.forgetConsumers(ctx); err != nil {
			return err
		}
	}
	calls := make([]call, Shards)
	for k := range Shards {
		s := b.shard(k)
		calls[k] = call{keys: []string{s + "ready", s + "retry"}, args: []any{s, ms(now), promoteBatch}}
	}
	if _, err := b.runAll(ctx, promoteScript, calls); err != nil {
		return failure("promote retries", err)
	}
	return nil
}

// forgetConsumers deletes the consumers that hold no entry and have been
// idle for the backend's consumerIdle, in every shard.
func (b *Backend) forgetConsumers(ctx context.Context) error {
	for k := range Shards {
		stream := b.shard(k) + "ready"
		consumers, err := b.client.XInfoConsumers(ctx, stream, group).Result()
		if err != nil {
			if redis.HasErrorPrefix(err, "NOGROUP") || redis.HasErrorPrefix(err, "ERR no such key") {
				continue
			}
			return failure("list consumers", err)
		}
		for _, c := range consumers {
			if c.Pending == 0 && c.Idle >= b.consumerIdle {
				if err := b.client.XGroupDelConsumer(ctx, stream, group, c.Name).Err(); err != nil {
					return failure("forget a consumer", err)
				}
			}
		}
	}
	return nil
}

// Depth implements delivery.Queue: the shards' pending counters, kept by
// the scripts that add and remove deliveries, read in one pipeline.
func (b *Backend) Depth(ctx context.Context) (int64, error) {
	pipe := b.client.Pipeline()
	cmds := make([]*redis.StringCmd, Shards)
	for k := range Shards {
		cmds[k] = pipe.Get(ctx, b.shard(k)+"pending")
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, failure("read the queue depth", err)
	}
	var n int64
	for _, c := range cmds {
		v, err := c.Int64()
		if err != nil && !errors.Is(err, redis.Nil) {
			return 0, failure("read the queue depth", err)
		}
		n += v
	}
	return n, nil
}
