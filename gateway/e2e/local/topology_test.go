package local

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway/api"
)

// Bounds of the waits.
const (
	// upTimeout covers up.sh: a go build (long from a cold cache on two
	// cores) and its own 60 s wait for every process.
	upTimeout     = 5 * time.Minute
	scriptTimeout = 2 * time.Minute // down.sh and start.sh, each bounded inside
	// arriveTimeout bounds the wait for records after a fault: the outbox
	// retries with doubling backoff, so an outage of a few seconds may
	// cost as many again.
	arriveTimeout = 60 * time.Second
	pollInterval  = 200 * time.Millisecond
	httpTimeout   = 10 * time.Second
)

// scripts is deploy/local, seen from this package's directory.
var scripts = filepath.Join("..", "..", "..", "deploy", "local")

// process is one entry of topology.json.
type process struct {
	Role string `json:"role"`
	Name string `json:"name"`
	Mode string `json:"mode"`
	Addr string `json:"addr"`
	PID  int    `json:"pid"`
	Log  string `json:"log"`
}

// topologyFile is RUN_DIR/topology.json.
type topologyFile struct {
	Gateways  []string  `json:"gateways"`
	Redis     []string  `json:"redis"`
	Processes []process `json:"processes"`
}

// topology is a deployment brought up by up.sh for one test function.
type topology struct {
	dir      string
	gateways []string
	redis    []string
	samples  []api.DemoParcel
	http     *http.Client
	// replicas is the number of host processes of each courier.
	replicas int
	// seen collects every tracking number and factor the test used or was
	// shown, for the privacy check at the end.
	seen *secrets
}

// requireTools fails the test, naming the package and the fix, when a
// program the topology needs is missing: never a skip.
func requireTools(t *testing.T) {
	t.Helper()
	fixes := map[string]string{
		"bash":         "install bash",
		"go":           "install Go and put it on PATH",
		"redis-server": "install the Debian package redis-server (it brings redis-cli), e.g. with `make tools` as root",
		"redis-cli":    "install the Debian package redis-server (it brings redis-cli), e.g. with `make tools` as root",
	}
	for _, tool := range []string{"bash", "go", "redis-server", "redis-cli"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("gateway/e2e/local needs %s, which is not on PATH: %s", tool, fixes[tool])
		}
	}
}

// up runs deploy/local/up.sh into a fresh directory and registers
// down.sh to run when the test ends, whatever happens.
func up(t *testing.T, args ...string) *topology {
	t.Helper()
	requireTools(t)
	top := &topology{dir: t.TempDir(), http: &http.Client{Timeout: httpTimeout}, seen: newSecrets(), replicas: 1}
	if i := slices.Index(args, "--replicas"); i >= 0 && i+1 < len(args) {
		top.replicas, _ = strconv.Atoi(args[i+1])
	}
	t.Cleanup(func() {
		if _, err := runScript(scriptTimeout, "down.sh", top.dir); err != nil {
			t.Errorf("down.sh: %v", err)
		}
		top.http.CloseIdleConnections()
	})
	start := time.Now()
	if out, err := runScript(upTimeout, "up.sh", append([]string{top.dir}, args...)...); err != nil {
		t.Fatalf("up.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	// Should this test binary die before its cleanup, down.sh on this
	// directory stops what is left.
	t.Logf("up.sh %s took %s; run directory %s", strings.Join(args, " "), time.Since(start).Round(100*time.Millisecond), top.dir)

	tf := top.topologyFile(t)
	top.gateways, top.redis = tf.Gateways, tf.Redis
	want := []string{"http://127.0.0.1:18081", "http://127.0.0.1:18082"}
	if strings.Join(top.gateways, " ") != strings.Join(want, " ") {
		t.Fatalf("topology.json lists the gateways %v, want %v", top.gateways, want)
	}
	var samples api.DemoParcels
	readJSON(t, filepath.Join(top.dir, "samples.json"), &samples)
	top.samples = samples.Parcels
	for _, s := range top.samples {
		top.seen.add(s.TrackingNumber, s.Factor)
	}
	return top
}

// runScript runs bash deploy/local/NAME args… and returns its output.
func runScript(timeout time.Duration, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(scripts, name)}, args...)...)
	// The processes it starts write to their own logs, but should one
	// hold the pipe, do not wait for it forever.
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return out, fmt.Errorf("%s did not finish within %s", name, timeout)
	}
	return out, err
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s is not the documented JSON: %v\n%s", path, err, b)
	}
}

func (top *topology) topologyFile(t *testing.T) topologyFile {
	t.Helper()
	var tf topologyFile
	readJSON(t, filepath.Join(top.dir, "topology.json"), &tf)
	return tf
}

// proc returns the process named name as topology.json has it now.
func (top *topology) proc(t *testing.T, name string) process {
	t.Helper()
	for _, p := range top.topologyFile(t).Processes {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("topology.json has no process %q", name)
	return process{}
}

// stop stops processes gracefully with down.sh.
func (top *topology) stop(t *testing.T, names ...string) {
	t.Helper()
	if out, err := runScript(scriptTimeout, "down.sh", append([]string{top.dir}, names...)...); err != nil {
		t.Fatalf("down.sh %s: %v\n%s", strings.Join(names, " "), err, out)
	}
}

// start starts stopped processes again with start.sh, which returns once
// they answer.
func (top *topology) start(t *testing.T, names ...string) {
	t.Helper()
	if out, err := runScript(scriptTimeout, "start.sh", append([]string{top.dir}, names...)...); err != nil {
		t.Fatalf("start.sh %s: %v\n%s", strings.Join(names, " "), err, out)
	}
}

// kill sends SIGKILL to a process and waits until the kernel has ended it.
func (top *topology) kill(t *testing.T, name string) {
	t.Helper()
	p := top.proc(t, name)
	if p.PID <= 0 {
		t.Fatalf("%s is not running", name)
	}
	if err := syscall.Kill(p.PID, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %s: %v", name, err)
	}
	waitFor(t, 10*time.Second, name+" to die after SIGKILL", func() bool { return !running(p.PID) })
}

// running reports whether pid is a process that has not exited: a zombie
// nobody has reaped yet has.
func running(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil // no /proc: ask the kernel
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}

// alive reports whether the process topology.json names is running.
func (top *topology) alive(t *testing.T, name string) bool {
	p := top.proc(t, name)
	return p.PID > 0 && running(p.PID)
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", timeout, what)
		}
		time.Sleep(pollInterval)
	}
}

// logSize is where the log of a process ends now, to look only at what it
// writes afterwards.
func (top *topology) logSize(t *testing.T, name string) int64 {
	t.Helper()
	st, err := os.Stat(top.proc(t, name).Log)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// logSince returns what the log of a process got after offset.
func (top *topology) logSince(t *testing.T, name string, offset int64) string {
	t.Helper()
	b, err := os.ReadFile(top.proc(t, name).Log)
	if err != nil {
		t.Fatal(err)
	}
	if offset > int64(len(b)) {
		return ""
	}
	return string(b[offset:])
}

// waitLog waits until the log of a process holds line after offset. It
// looks often, for tests that act on what a process has just done.
func (top *topology) waitLog(t *testing.T, timeout time.Duration, name string, offset int64, line string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(top.logSince(t, name, offset), line) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %q in the log of %s", timeout, line, name)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// get fetches url; a transport failure fails the test. A 429 of the
// gateways' per-client fetch limit (docs/protocol.md §12; reading every
// bucket spends it) is waited out as its Retry-After says, as a polite
// client does, a bounded number of times.
func (top *topology) get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		resp, err := top.http.Get(url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		wait, werr := strconv.Atoi(resp.Header.Get("Retry-After"))
		if resp.StatusCode != http.StatusTooManyRequests || werr != nil || attempt == maxRateLimited {
			return resp, body
		}
		time.Sleep(time.Duration(wait) * time.Second)
	}
}

// maxRateLimited bounds how often get waits out a 429 for one URL.
const maxRateLimited = 10

// waitReady waits until every gateway's /readyz answers 200.
func (top *topology) waitReady(t *testing.T) {
	t.Helper()
	for _, gw := range top.gateways {
		waitFor(t, arriveTimeout, gw+"/readyz to answer 200", func() bool {
			resp, err := top.http.Get(gw + "/readyz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
	}
}

// bin is the trackgate binary up.sh built.
func (top *topology) bin() string { return filepath.Join(top.dir, "bin", "trackgate") }

// clientState is where the tests' trackgate track keeps what it saw of
// the deployment's key log: the one file up.sh's own client uses, so
// both gateways must show that client one log.
func (top *topology) clientState() string {
	return filepath.Join(top.dir, "client", "keylog-state.json")
}

// configPath is the configuration file up.sh wrote for name.
func (top *topology) configPath(name string) string {
	return filepath.Join(top.dir, "config", name+".yaml")
}

// samplesOf returns the sample parcels of a courier from samples.json.
func (top *topology) samplesOf(courier string) []api.DemoParcel {
	var out []api.DemoParcel
	for _, s := range top.samples {
		if s.Courier == courier {
			out = append(out, s)
		}
	}
	return out
}
