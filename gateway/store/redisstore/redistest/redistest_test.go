package redistest

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/redis/go-redis/v9"
)

func TestServerStopsAndRestartsOnTheSamePort(t *testing.T) {
	s := StartServer(t)
	if err := ping(s.Addr); err != nil {
		t.Fatalf("fresh server: %v", err)
	}
	s.Stop(t)
	if err := ping(s.Addr); err == nil {
		t.Fatalf("stopped server still answers PING")
	}
	s.Stop(t) // a second Stop is harmless
	s.Start(t)
	if err := ping(s.Addr); err != nil {
		t.Fatalf("restarted server: %v", err)
	}
}

func TestServerKeepsDataAcrossRestartWhenAskedTo(t *testing.T) {
	s := StartServer(t, "--appendonly", "yes")
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	defer c.Close()
	if err := c.Set(t.Context(), "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Stop(t)
	s.Start(t)
	if got, err := c.Get(t.Context(), "k").Result(); err != nil || got != "v" {
		t.Fatalf("after restart: %q, %v; want \"v\"", got, err)
	}
}

// childEnv makes the test binary act as the child of
// TestServerDiesWithTheTestBinary: start a server, say where, wait.
const childEnv = "REDISTEST_CHILD_PRINTS_ADDR"

func TestServerDiesWithTheTestBinary(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		s := StartServer(t)
		os.Stdout.WriteString(s.Addr + "\n")
		time.Sleep(time.Minute) // killed long before
		return
	}
	child := exec.Command(os.Args[0], "-test.run=^TestServerDiesWithTheTestBinary$")
	// The child cannot remove its own temporary directory once killed.
	child.Env = append(os.Environ(), childEnv+"=1", "TMPDIR="+t.TempDir())
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = child.Process.Kill()
		t.Fatalf("child said no address: %v", err)
	}
	addr = strings.TrimSpace(addr)
	if err := ping(addr); err != nil {
		t.Fatalf("child's server at %s: %v", addr, err)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for ping(addr) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("redis-server at %s outlived its SIGKILLed test binary", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPrefixesAreDistinctAndHoldNoDigits(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		p := newPrefix()
		if seen[p] {
			t.Fatalf("prefix %q given twice", p)
		}
		seen[p] = true
		if strings.IndexFunc(p, unicode.IsDigit) >= 0 || strings.ContainsAny(p, "{}") {
			t.Fatalf("prefix %q holds a digit or a brace", p)
		}
	}
}

func TestClusterHasThreeMastersCoveringEverySlot(t *testing.T) {
	c := Cluster(t)
	if len(c.Addrs) != 3 {
		t.Fatalf("%d masters %v, want 3", len(c.Addrs), c.Addrs)
	}
	slots, err := c.Client.ClusterSlots(t.Context()).Result()
	if err != nil {
		t.Fatal(err)
	}
	covered := make([]bool, 16384)
	owners := map[string]bool{}
	for _, s := range slots {
		owners[s.Nodes[0].Addr] = true
		for i := s.Start; i <= s.End; i++ {
			covered[i] = true
		}
	}
	for i, ok := range covered {
		if !ok {
			t.Fatalf("slot %d has no master", i)
		}
	}
	if len(owners) != 3 {
		t.Fatalf("slots owned by %d nodes, want 3", len(owners))
	}
	if err := c.Client.Set(t.Context(), c.Prefix(t)+"k", "v", 0).Err(); err != nil {
		t.Fatalf("write through the cluster client: %v", err)
	}
}
