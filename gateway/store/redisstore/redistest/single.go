package redistest

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Environment variables naming a Redis to use instead of starting one.
const (
	EnvURL     = "TRACKGATE_TEST_REDIS_URL"
	EnvCluster = "TRACKGATE_TEST_REDIS_CLUSTER"
)

// cleanupTimeout bounds deleting a test's keys from a shared Redis.
const cleanupTimeout = 10 * time.Second

// SingleRedis is a single Redis server for one test.
type SingleRedis struct {
	Client *redis.Client // closed when the test ends
	Addr   string
	// Server is the process started for the test, nil when EnvURL named a
	// shared server (which a test must not stop).
	Server *Server
}

// Single returns the server named by TRACKGATE_TEST_REDIS_URL, or else a
// redis-server started for this test.
func Single(t testing.TB) *SingleRedis {
	t.Helper()
	url := os.Getenv(EnvURL)
	if url == "" {
		return Stoppable(t)
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("redistest: %s: %v", EnvURL, err)
	}
	return connect(t, &SingleRedis{Addr: opts.Addr, Client: redis.NewClient(opts)})
}

// Stoppable returns a redis-server started for this test alone, even when
// TRACKGATE_TEST_REDIS_URL names a shared one: tests that stop Redis to
// see what fails need a server they own, and must run, never skip.
func Stoppable(t testing.TB) *SingleRedis {
	t.Helper()
	s := StartServer(t)
	return connect(t, &SingleRedis{Server: s, Addr: s.Addr, Client: redis.NewClient(&redis.Options{Addr: s.Addr})})
}

// connect checks that r answers and closes its client when t ends.
func connect(t testing.TB, r *SingleRedis) *SingleRedis {
	t.Helper()
	t.Cleanup(func() { r.Client.Close() })
	if err := r.Client.Ping(t.Context()).Err(); err != nil {
		t.Fatalf("redistest: PING %s: %v", r.Addr, err)
	}
	return r
}

// Prefix returns a key prefix no other test uses. On a shared server the
// keys under it are deleted when t ends; a server of our own is removed
// whole anyway.
func (r *SingleRedis) Prefix(t testing.TB) string {
	prefix := newPrefix()
	if r.Server == nil {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
			defer cancel()
			if err := deletePrefix(ctx, r.Client, prefix); err != nil {
				t.Errorf("redistest: delete keys %s*: %v", prefix, err)
			}
		})
	}
	return prefix
}

// newPrefix is "tgtest" and 12 random letters. Letters only: a privacy
// test looks for 4-digit strings in every key and must not find one in a
// random prefix by chance.
func newPrefix() string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := []byte("tgtest")
	for range 12 {
		b = append(b, letters[rand.IntN(len(letters))])
	}
	return string(b)
}

// deletePrefix removes the keys under prefix from one node, one key per
// command: in a cluster the keys of one node span many slots.
func deletePrefix(ctx context.Context, c *redis.Client, prefix string) error {
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	pipe := c.Pipeline()
	for iter.Next(ctx) {
		pipe.Unlink(ctx, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if pipe.Len() == 0 {
		return nil
	}
	_, err := pipe.Exec(ctx)
	return err
}
