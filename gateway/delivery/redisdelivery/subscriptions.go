package redisdelivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/gateway/delivery"
)

// createGrace is how long an interrupted creation waits before the end
// sweep undoes it: far longer than a creation takes.
const createGrace = time.Minute

// Create implements delivery.Subscriptions, in four idempotent steps
// (doc.go).
func (b *Backend) Create(ctx context.Context, s delivery.Subscription, maxActive int) error {
	if len(s.Tenant) > 255 {
		return fmt.Errorf("redisdelivery: tenant id of %d bytes", len(s.Tenant))
	}
	w := b.watch()
	sl := append([]byte{byte(len(s.Tenant))}, s.Tenant...)
	for _, l := range s.Locators {
		sl = append(sl, l...)
	}
	deadline := time.Now().Add(createGrace)
	if err := watchScript.Run(ctx, b.client, []string{w + "watched", w + "sl:" + s.ID, w + "due"},
		w, s.ID, ms(deadline), sl).Err(); err != nil {
		return failure("watch the locators", err)
	}
	t := b.tenant(s.Tenant)
	ok, err := reserveScript.Run(ctx, b.client, []string{t + "active", t + "all"}, s.ID, maxActive).Int()
	if err != nil {
		return failure("count the subscription", err)
	}
	if ok == 0 {
		if err := b.unwatch(ctx, s.ID); err != nil {
			return err
		}
		return delivery.ErrLimit
	}
	s.State = delivery.StateActive
	if err := b.client.HSet(ctx, b.subKey(s.ID), subFields(&s)...).Err(); err != nil {
		return failure("store the subscription", err)
	}
	if err := b.client.ZAddXX(ctx, w+"due", redis.Z{Score: float64(ms(s.ExpiresAt)), Member: s.ID}).Err(); err != nil {
		return failure("note the expiry", err)
	}
	return nil
}

// unwatch takes a subscription off the watchlist, returning its tenant.
func (b *Backend) unwatch(ctx context.Context, id string) error {
	w := b.watch()
	tenant, err := unwatchScript.Run(ctx, b.client, []string{w + "watched", w + "sl:" + id, w + "due", w + "state"}, w, id).Text()
	if err != nil {
		return failure("unwatch the locators", err)
	}
	if tenant != "" {
		if err := b.client.SRem(ctx, b.tenant(tenant)+"active", id).Err(); err != nil {
			return failure("uncount the subscription", err)
		}
	}
	return nil
}

// Get implements delivery.Subscriptions.
func (b *Backend) Get(ctx context.Context, tenant, id string) (delivery.Subscription, error) {
	subs, err := b.read(ctx, []string{id})
	if err != nil {
		return delivery.Subscription{}, err
	}
	if subs[0] == nil || (tenant != "" && subs[0].Tenant != tenant) {
		return delivery.Subscription{}, delivery.ErrNotFound
	}
	return *subs[0], nil
}

// read reads subscriptions with their dead letter counts, nil for one
// that does not exist.
func (b *Backend) read(ctx context.Context, ids []string) ([]*delivery.Subscription, error) {
	pipe := b.client.Pipeline()
	hashes := make([]*redis.MapStringStringCmd, len(ids))
	dead := make([]*redis.IntCmd, len(ids))
	for i, id := range ids {
		hashes[i] = pipe.HGetAll(ctx, b.subKey(id))
		dead[i] = pipe.HLen(ctx, b.subKey(id)+":dead")
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, failure("read subscriptions", err)
	}
	out := make([]*delivery.Subscription, len(ids))
	for i, id := range ids {
		h := hashes[i].Val()
		if len(h) == 0 || h["state"] == "" {
			continue
		}
		s, err := decodeSub(id, h)
		if err != nil {
			return nil, fmt.Errorf("redisdelivery: %w", err)
		}
		s.Counts.Dead = dead[i].Val()
		out[i] = &s
	}
	return out, nil
}

// List implements delivery.Subscriptions. Ids whose subscription is gone
// (forgotten after its keep, or an interrupted creation) are dropped
// from the tenant's index on the way.
func (b *Backend) List(ctx context.Context, tenant, after string, limit int) ([]delivery.Subscription, error) {
	index := b.tenant(tenant) + "all"
	out := []delivery.Subscription{}
	start := "-"
	if after != "" {
		start = "(" + after
	}
	for len(out) < limit {
		ids, err := b.client.ZRangeByLex(ctx, index, &redis.ZRangeBy{Min: start, Max: "+", Count: int64(limit - len(out))}).Result()
		if err != nil {
			return nil, failure("list subscriptions", err)
		}
		if len(ids) == 0 {
			break
		}
		subs, err := b.read(ctx, ids)
		if err != nil {
			return nil, err
		}
		for i, s := range subs {
			if s == nil {
				if err := b.client.ZRem(ctx, index, ids[i]).Err(); err != nil {
					return nil, failure("drop a forgotten subscription", err)
				}
				continue
			}
			out = append(out, *s)
		}
		start = "(" + ids[len(ids)-1]
	}
	return out, nil
}

// End implements delivery.Subscriptions: the shard first, then the
// watchlist and the tenant's count, each step safe to repeat.
func (b *Backend) End(ctx context.Context, tenant, id, reason string, now time.Time, keep time.Duration) (delivery.Subscription, bool, error) {
	shard := b.shardOfSub(id)
	res, err := endScript.Run(ctx, b.client, []string{shard + "retry"},
		shard, id, tenant, reason, formatTime(now), keep.Milliseconds()).Text()
	if err != nil {
		return delivery.Subscription{}, false, failure("end the subscription", err)
	}
	if res == "notfound" {
		if tenant == "" {
			// An interrupted creation: undo what it left.
			if err := b.unwatch(ctx, id); err != nil {
				return delivery.Subscription{}, false, err
			}
		}
		return delivery.Subscription{}, false, delivery.ErrNotFound
	}
	if err := b.unwatch(ctx, id); err != nil {
		return delivery.Subscription{}, false, err
	}
	s, err := b.Get(ctx, tenant, id)
	if err != nil {
		return delivery.Subscription{}, false, err
	}
	return s, res == "now", nil
}

// SetSecret implements delivery.Subscriptions.
func (b *Backend) SetSecret(ctx context.Context, tenant, id, secret string, previousUntil time.Time) (delivery.Subscription, error) {
	res, err := secretScript.Run(ctx, b.client, []string{b.subKey(id)}, tenant, secret, formatTime(previousUntil)).Text()
	switch {
	case err != nil:
		return delivery.Subscription{}, failure("set the secret", err)
	case res == "notfound":
		return delivery.Subscription{}, delivery.ErrNotFound
	case res == "ended":
		return delivery.Subscription{}, delivery.ErrEnded
	}
	return b.Get(ctx, tenant, id)
}

// DeadLetters implements delivery.Subscriptions.
func (b *Backend) DeadLetters(ctx context.Context, tenant, id string, limit int, now time.Time, keep time.Duration) ([]delivery.DeadLetter, error) {
	sk := b.subKey(id)
	vals, err := deadLettersScript.Run(ctx, b.client, []string{sk, sk + ":dead", sk + ":deadq", sk + ":deadt"},
		tenant, ms(now.Add(-keep)), limit).StringSlice()
	if errors.Is(err, redis.Nil) {
		return nil, delivery.ErrNotFound
	}
	if err != nil {
		return nil, failure("list dead letters", err)
	}
	out := make([]delivery.DeadLetter, 0, len(vals))
	for _, v := range vals {
		var d delivery.DeadLetter
		if err := json.Unmarshal([]byte(v), &d); err != nil {
			return nil, fmt.Errorf("redisdelivery: a dead letter of %s: %w", id, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// Replay implements delivery.Subscriptions.
func (b *Backend) Replay(ctx context.Context, tenant, id string, ids []string, limit int, _ time.Time) (int, error) {
	sk := b.subKey(id)
	args := []any{b.shardOfSub(id), id, tenant, strconv.Itoa(limit)}
	for _, d := range ids {
		args = append(args, d)
	}
	n, err := replayScript.Run(ctx, b.client,
		[]string{sk, sk + ":dead", sk + ":deadq", sk + ":deadt", b.shardOfSub(id) + "ready"}, args...).Int()
	switch {
	case err != nil:
		return 0, failure("replay dead letters", err)
	case n == -1:
		return 0, delivery.ErrNotFound
	case n == -2:
		return 0, delivery.ErrEnded
	}
	return n, nil
}
