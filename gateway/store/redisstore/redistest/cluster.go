package redistest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Bounds of bringing a cluster up.
const (
	createTimeout  = 30 * time.Second // redis-cli --cluster create
	clusterTimeout = 20 * time.Second // until every node says cluster_state:ok
	clusterMasters = 3
)

// ClusterRedis is a Redis Cluster for one test (share it across the
// subtests: starting one takes a few seconds).
type ClusterRedis struct {
	Client *redis.ClusterClient // closed when the test ends
	Addrs  []string             // the masters, sorted
	// Servers are the processes started for the test, in the order of
	// Addrs; nil when EnvCluster named a shared cluster.
	Servers []*Server
}

// Cluster returns the cluster named by TRACKGATE_TEST_REDIS_CLUSTER, or
// else a 3-master cluster started for this test (StartCluster).
func Cluster(t testing.TB) *ClusterRedis {
	t.Helper()
	env := os.Getenv(EnvCluster)
	if env == "" {
		return StartCluster(t)
	}
	var seeds []string
	for _, a := range strings.Split(env, ",") {
		if a = strings.TrimSpace(a); a != "" {
			seeds = append(seeds, a)
		}
	}
	c := &ClusterRedis{Client: redis.NewClusterClient(&redis.ClusterOptions{Addrs: seeds})}
	t.Cleanup(func() { c.Client.Close() })
	var mu sync.Mutex
	err := c.Client.ForEachMaster(t.Context(), func(ctx context.Context, m *redis.Client) error {
		if err := m.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("PING %s: %w", m.Options().Addr, err)
		}
		mu.Lock()
		defer mu.Unlock()
		c.Addrs = append(c.Addrs, m.Options().Addr)
		return nil
	})
	if err != nil {
		t.Fatalf("redistest: cluster %s: %v", env, err)
	}
	slices.Sort(c.Addrs)
	return c
}

// StartCluster starts three redis-server nodes in cluster mode (each in
// its own directory, node timeout 2 s, no replicas), joins them with
// redis-cli --cluster create and waits until every node reports
// cluster_state:ok. It always starts processes of its own.
func StartCluster(t testing.TB) *ClusterRedis {
	t.Helper()
	cli := requireTool(t, "redis-cli")
	c := &ClusterRedis{}
	for range clusterMasters {
		s := startServer(t, 2, "--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")
		c.Servers = append(c.Servers, s)
		c.Addrs = append(c.Addrs, s.Addr)
	}
	slices.SortFunc(c.Servers, func(a, b *Server) int { return strings.Compare(a.Addr, b.Addr) })
	slices.Sort(c.Addrs)

	ctx, cancel := context.WithTimeout(t.Context(), createTimeout)
	defer cancel()
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redistest: redis-cli --cluster create %s: %v\n%s", strings.Join(c.Addrs, " "), err, out)
	}
	c.WaitOK(t)
	c.Client = redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs})
	t.Cleanup(func() { c.Client.Close() })
	return c
}

// WaitOK waits (at most 20 s) until every node of the cluster reports
// cluster_state:ok, for example after a node was restarted.
func (c *ClusterRedis) WaitOK(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(clusterTimeout)
	for _, addr := range c.Addrs {
		node := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
		state := ""
		for time.Now().Before(deadline) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			info, err := node.ClusterInfo(ctx).Result()
			cancel()
			if state = clusterState(info, err); state == "ok" {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		node.Close()
		if state != "ok" {
			t.Fatalf("redistest: node %s not ok within %s: %s", addr, clusterTimeout, state)
		}
	}
}

// clusterState reads cluster_state out of CLUSTER INFO, or says why not.
func clusterState(info string, err error) string {
	if err != nil {
		return err.Error()
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "cluster_state:"); ok {
			return v
		}
	}
	return "no cluster_state in CLUSTER INFO"
}

// Prefix returns a key prefix no other test uses. On a shared cluster
// the keys under it are deleted from every master when t ends.
func (c *ClusterRedis) Prefix(t testing.TB) string {
	prefix := newPrefix()
	if c.Servers == nil {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
			defer cancel()
			err := c.Client.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
				return deletePrefix(ctx, m, prefix)
			})
			if err != nil {
				t.Errorf("redistest: delete keys %s*: %v", prefix, err)
			}
		})
	}
	return prefix
}
