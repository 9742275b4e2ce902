package main

import (
	"bufio"
	"crypto/ed25519"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/config"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

// runMainEnv makes the test binary run trackgate's main with its
// arguments, so tests can start trackgate as a real process.
const runMainEnv = "TRACKGATE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
	}
	// trackgate started as a process keeps what it keeps in the user's
	// cache dir (serve's identity): a scratch one, never the real one.
	cache, err := os.MkdirTemp("", "trackgate-test-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CACHE_HOME", cache)
	code := m.Run()
	os.RemoveAll(cache)
	os.Exit(code)
}

// process is trackgate running as a child process.
type process struct {
	cmd    *exec.Cmd
	lines  chan string // stdout, line by line
	stderr *lockedBuffer
}

func startTrackgate(t *testing.T, args ...string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	p := &process{cmd: cmd, lines: make(chan string, 64), stderr: &lockedBuffer{}}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.lines)
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			p.lines <- s.Text()
		}
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return p
}

// firstLine waits (bounded) for the process's first line of output.
func (p *process) firstLine(t *testing.T) string {
	t.Helper()
	select {
	case line, ok := <-p.lines:
		if !ok {
			t.Fatalf("%s ended without a word:\n%s", p.cmd.Args[1], p.stderr)
		}
		return line
	case <-time.After(60 * time.Second):
		t.Fatalf("%s said nothing within 60 s:\n%s", p.cmd.Args[1], p.stderr)
	}
	return ""
}

// stop sends SIGTERM and checks the process ends with status 0.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s did not stop cleanly on SIGTERM: %v\n%s", p.cmd.Args[1], err, p.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Errorf("%s did not stop within 20 s of SIGTERM", p.cmd.Args[1])
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// deployment is the key files and configuration files of a gateway and
// one push-mode courier host (sim-panda) in a temporary directory.
type deployment struct {
	dir, gatewayFile, courierFile string
	world                         *simulator.World
}

func newDeployment(t *testing.T, redisAddr, redisPrefix string, gatewayPort int) *deployment {
	t.Helper()
	d := &deployment{dir: t.TempDir()}
	for _, args := range [][]string{
		{"keys", "gen", "--out", filepath.Join(d.dir, "gateway"), "--kind", "signing"},
		{"keys", "gen", "--out", filepath.Join(d.dir, "keylog"), "--kind", "signing"},
		{"keys", "gen", "--out", filepath.Join(d.dir, "sim-panda")},
	} {
		if got := runCLI(t, nil, args...); got.code != exitOK {
			t.Fatalf("%v: %s", args, got.stderr)
		}
	}
	publicKey := func(path string) string {
		f, err := keyfile.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		return crypto.EncodeB64(f.Signing.Public().(ed25519.PublicKey))
	}
	if err := os.Mkdir(filepath.Join(d.dir, "state"), 0o700); err != nil {
		t.Fatal(err)
	}
	start := simulator.DefaultStart().Add(60 * 24 * time.Hour)
	wallStart := time.Now().UTC()
	d.world = simulator.NewWorld(simulator.Config{Seed: 7, ParcelsPerCourier: 60, Start: start, WallStart: wallStart, Speed: 1})
	d.courierFile = writeFile(t, filepath.Join(d.dir, "courier.yaml"), fmt.Sprintf(`
courier: sim-panda
listen: 127.0.0.1:0
mode: push
factor: phone_last4
bucket_bits: 8
adapter:
  name: simulator
  options: {courier: sim-panda, seed: 7, parcels: 60, start: %q, wall_start: %q}
oprf_keys: sim-panda          # the directory: its oprf.key, not its signing.key
signing_key: sim-panda/signing.key
gateway:
  url: http://127.0.0.1:%d
  public_key: %s
outbox: state/outbox.db
`, start.Format(time.RFC3339), wallStart.Format(time.RFC3339Nano), gatewayPort, publicKey(filepath.Join(d.dir, "gateway", signingKeyFile))))
	d.gatewayFile = filepath.Join(d.dir, "gateway.yaml")
	gatewayYAML := fmt.Sprintf(`
listen: 127.0.0.1:%d
bucket_bits: 8
signing_key: gateway/signing.key
key_log: {origin: trackgate.test/log, key: keylog/signing.key}
redis: {addrs: [%s], key_prefix: %s}
couriers:
  - id: sim-panda
    name: Panda Logistics
    host: COURIER_HOST_URL
    mode: push
    factor: phone_last4
    public_key: %s
    patterns: [{regex: '^77[0-9]{11}$', checksum: ""}]
`, gatewayPort, redisAddr, redisPrefix, publicKey(filepath.Join(d.dir, "sim-panda", signingKeyFile)))
	writeFile(t, d.gatewayFile, gatewayYAML)
	return d
}

// setCourierHost writes the courier host's URL, known once it listens,
// into the gateway's file.
func (d *deployment) setCourierHost(t *testing.T, url string) {
	t.Helper()
	data, err := os.ReadFile(d.gatewayFile)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, d.gatewayFile, strings.Replace(string(data), "COURIER_HOST_URL", url, 1))
}

var (
	courierLine = regexp.MustCompile(`^trackgate courier host sim-panda \(push mode\) on (http://127\.0\.0\.1:[0-9]+); keys: [A-Za-z0-9_-]{11}; outbox .*outbox\.db holds [0-9]+ records for http://`)
	gatewayLine = regexp.MustCompile(`^trackgate gateway on (http://127\.0\.0\.1:[0-9]+) with 1 couriers; store: Redis at 127\.0\.0\.1:[0-9]+$`)
)

// TestCourierAndConfiguredGatewayRunAsProcesses starts `trackgate courier`
// and `trackgate serve --config` as real processes on loopback with a real
// Redis, tracks a parcel through them, and stops both with SIGTERM.
func TestCourierAndConfiguredGatewayRunAsProcesses(t *testing.T) {
	r := redistest.Single(t)
	gatewayPort := freePort(t)
	d := newDeployment(t, r.Addr, r.Prefix(t), gatewayPort)

	courier := startTrackgate(t, "courier", "--config", d.courierFile, "--log-format", "json")
	line := courier.firstLine(t)
	m := courierLine.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("courier printed %q", line)
	}
	d.setCourierHost(t, m[1])
	gateway := startTrackgate(t, "serve", "--config", d.gatewayFile, "--log-format", "json")
	line = gateway.firstLine(t)
	g := gatewayLine.FindStringSubmatch(line)
	if g == nil || g[1] != fmt.Sprintf("http://127.0.0.1:%d", gatewayPort) {
		t.Fatalf("gateway printed %q", line)
	}

	var sample simulator.Sample
	for _, s := range d.world.Samples(1) {
		if s.Courier == "sim-panda" {
			sample = s
		}
	}
	if sample.TrackingNumber == "" {
		t.Fatal("the simulator has no sim-panda sample")
	}
	// The outbox delivers within moments; poll, bounded.
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := runCLI(t, nil, "track", sample.TrackingNumber, "--factor", sample.Factor, "--gateway", g[1])
		if got.code == exitOK && strings.Contains(got.stdout, sample.TrackingNumber) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("track %s: exit %d: %s\ncourier:\n%s\ngateway:\n%s", sample.TrackingNumber, got.code, got.stderr, courier.stderr, gateway.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}

	gateway.stop(t)
	courier.stop(t)
	for name, logs := range map[string]string{"courier": courier.stderr.String(), "gateway": gateway.stderr.String()} {
		if strings.Contains(logs, sample.TrackingNumber) || strings.Contains(logs, `"factor"`) {
			t.Errorf("the %s's logs hold the tracking number or a factor", name)
		}
		if !strings.Contains(logs, "shutting down") {
			t.Errorf("the %s did not log its shutdown:\n%s", name, logs)
		}
	}
}

func TestConfigMistakesAreOneSentenceNamingTheField(t *testing.T) {
	dir := t.TempDir()
	if got := runCLI(t, nil, "keys", "gen", "--out", dir); got.code != exitOK {
		t.Fatal(got.stderr)
	}
	if got := runCLI(t, nil, "keys", "gen", "--out", filepath.Join(dir, "keylog"), "--kind", "signing"); got.code != exitOK {
		t.Fatal(got.stderr)
	}
	badCourier := writeFile(t, filepath.Join(dir, "courier.yaml"), `
courier: sim-panda
listen: 127.0.0.1:0
mode: push
factor: phone_last4
bucket_bits: 8
adapter: {name: simulator, options: {courier: sim-panda}}
oprf_keys: oprf.key
signing_key: signing.key
gateway: {url: "http://127.0.0.1:1", public_key: "too-short"}
outbox: outbox.db
`)
	badGateway := writeFile(t, filepath.Join(dir, "gateway.yaml"), `
listen: 127.0.0.1:0
bucket_bits: 8
signing_key: signing.key
key_log: {origin: trackgate.test/log, key: keylog/signing.key}
couriers:
  - {id: sim-panda, name: Panda, host: "http://127.0.0.1:1", mode: push, factor: none, public_key: "AAAA"}
`)
	goodGateway := writeFile(t, filepath.Join(dir, "good.yaml"), `
listen: 127.0.0.1:0
bucket_bits: 8
signing_key: signing.key
key_log: {origin: trackgate.test/log, key: keylog/signing.key}
couriers:
  - {id: sim-global, name: Global, host: "http://127.0.0.1:1", mode: pull, factor: none, public_key: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
`)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"courier without a file", []string{"courier"}, exitUsage, []string{"--config FILE is required"}},
		{"courier with a missing file", []string{"courier", "--config", filepath.Join(dir, "nope.yaml")}, exitFailure, []string{"no such file"}},
		{"courier with a bad key", []string{"courier", "--config", badCourier}, exitUsage,
			[]string{"Config file " + badCourier + ": gateway.public_key: not 32 bytes of base64url", "trackgate keys show"}},
		{"serve with a bad courier key", []string{"serve", "--config", badGateway}, exitUsage,
			[]string{"couriers[0].public_key: not 32 bytes of base64url; paste the \"public_key\""}},
		{"serve with an embedded-only flag", []string{"serve", "--config", goodGateway, "--seed", "3"}, exitUsage,
			[]string{"--seed applies to the embedded default only"}},
		{"serve with an unknown log level", []string{"serve", "--config", goodGateway, "--log-level", "loud"}, exitUsage,
			[]string{"--log-level"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCLI(t, nil, tt.args...)
			if got.code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr %q", got.code, tt.wantCode, got.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(got.stderr, w) {
					t.Errorf("stderr %q lacks %q", got.stderr, w)
				}
			}
			if strings.Count(strings.TrimSpace(got.stderr), "\n") != 0 || !strings.HasSuffix(strings.TrimSpace(got.stderr), ".") {
				t.Errorf("stderr is not one sentence: %q", got.stderr)
			}
		})
	}
}

// TestCourierLineNamesItsPartition: a push replica says which share of
// the parcels it publishes.
func TestCourierLineNamesItsPartition(t *testing.T) {
	d := newDeployment(t, "127.0.0.1:6379", "tg1", freePort(t))
	data, err := os.ReadFile(d.courierFile)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, d.courierFile, string(data)+"partition: {index: 1, count: 2}\n")
	cfg, err := config.LoadCourier(d.courierFile)
	if err != nil {
		t.Fatal(err)
	}
	host, err := cfg.Build(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	var line strings.Builder
	printCourierLine(t.Context(), &line, cfg, "http://127.0.0.1:19002", host)
	if !courierLine.MatchString(line.String()) || !strings.HasSuffix(line.String(), "; replica 1 of 2, publishing its partition of the parcels\n") {
		t.Errorf("courier printed %q", line.String())
	}
}
