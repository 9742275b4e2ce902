package redisdelivery

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/gateway/delivery"
)

// Watched implements delivery.Watchlist.
func (b *Backend) Watched(ctx context.Context) ([][]byte, error) {
	var out [][]byte
	iter := b.client.SScan(ctx, b.watch()+"watched", 0, "", 1000).Iterator()
	for iter.Next(ctx) {
		out = append(out, []byte(iter.Val()))
	}
	if err := iter.Err(); err != nil {
		return nil, failure("read the watchlist", err)
	}
	return out, nil
}

// Watching implements delivery.Watchlist.
func (b *Backend) Watching(ctx context.Context, locators [][]byte) ([]bool, error) {
	if len(locators) == 0 {
		return nil, nil
	}
	members := make([]any, len(locators))
	for i, l := range locators {
		members[i] = string(l)
	}
	out, err := b.client.SMIsMember(ctx, b.watch()+"watched", members...).Result()
	if err != nil {
		return nil, failure("read the watchlist", err)
	}
	return out, nil
}

// Subscribers implements delivery.Watchlist.
func (b *Backend) Subscribers(ctx context.Context, locator []byte) ([]string, error) {
	out, err := b.client.SMembers(ctx, b.watch()+"l:"+string(locator)).Result()
	if err != nil {
		return nil, failure("read the subscribers", err)
	}
	return out, nil
}

// WatchStates implements delivery.Watchlist.
func (b *Backend) WatchStates(ctx context.Context, locators [][]byte) (map[string]delivery.WatchState, error) {
	out := map[string]delivery.WatchState{}
	for start := 0; start < len(locators); start += 1000 {
		part := locators[start:min(start+1000, len(locators))]
		fields := make([]string, len(part))
		for i, l := range part {
			fields[i] = string(l)
		}
		vals, err := b.client.HMGet(ctx, b.watch()+"state", fields...).Result()
		if err != nil {
			return nil, failure("read watch states", err)
		}
		for i, v := range vals {
			s, ok := v.(string)
			if !ok {
				continue
			}
			var st delivery.WatchState
			if err := json.Unmarshal([]byte(s), &st); err != nil {
				return nil, fmt.Errorf("redisdelivery: a watch state: %w", err)
			}
			out[fields[i]] = st
		}
	}
	return out, nil
}

// SetWatchStates implements delivery.Watchlist.
func (b *Backend) SetWatchStates(ctx context.Context, states map[string]delivery.WatchState) error {
	w := b.watch()
	args := make([]any, 0, 2*len(states))
	for loc, st := range states {
		v, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("redisdelivery: marshal a watch state: %w", err)
		}
		args = append(args, loc, string(v))
	}
	for start := 0; start < len(args); start += 2000 {
		part := args[start:min(start+2000, len(args))]
		if err := setStatesScript.Run(ctx, b.client, []string{w + "watched", w + "state"}, part...).Err(); err != nil {
			return failure("keep watch states", err)
		}
	}
	return nil
}

// DueToEnd implements delivery.Watchlist.
func (b *Backend) DueToEnd(ctx context.Context, now time.Time, max int) ([]string, error) {
	out, err := b.client.ZRangeByScore(ctx, b.watch()+"due", &redis.ZRangeBy{
		Min: "-inf", Max: fmt.Sprint(ms(now)), Count: int64(max),
	}).Result()
	if err != nil {
		return nil, failure("read the due subscriptions", err)
	}
	return out, nil
}

// Lock implements delivery.Watchlist.
func (b *Backend) Lock(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	n, err := lockScript.Run(ctx, b.client, []string{b.watch() + "lock:" + name}, holder, max(ttl.Milliseconds(), 1)).Int()
	if err != nil {
		return false, failure("take a lock", err)
	}
	return n == 1, nil
}
