package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Bounds of waiting for a redis-server process.
const (
	readyTimeout = 10 * time.Second // from exec to the first PONG
	stopTimeout  = 10 * time.Second // from SIGTERM to exit, before SIGKILL
	pollInterval = 10 * time.Millisecond
	startTries   = 3 // a free port can be taken between choosing and binding it
)

// Server is one redis-server process on a loopback port, owned by a test:
// it is stopped when the test ends, and it dies with the test binary.
// Stop and Start let fault tests take it away and bring it back on the
// same port and directory.
type Server struct {
	Addr string // 127.0.0.1:port
	Dir  string // its working directory (and log file, redis.log)

	args []string

	mu     sync.Mutex
	proc   *exec.Cmd
	exited chan struct{} // closed when proc has been waited for
}

// StartServer starts a redis-server on a free loopback port with nothing
// persisted, plus extraArgs (for example "--appendonly", "yes" to keep data
// across Stop and Start), and waits until it answers PING. It always
// starts a process of its own, whatever the environment says; use Single
// for a Redis that may be shared.
func StartServer(t testing.TB, extraArgs ...string) *Server {
	t.Helper()
	return startServer(t, 1, extraArgs...)
}

// startServer starts a server on ports free ports (the client port, then
// for a cluster node its bus port) and retries on fresh ports when the
// process exits before answering.
func startServer(t testing.TB, ports int, extraArgs ...string) *Server {
	t.Helper()
	binary := requireTool(t, "redis-server")
	dir := t.TempDir()
	var lastErr error
	for range startTries {
		free, err := freePorts(ports)
		if err != nil {
			t.Fatalf("redistest: %v", err)
		}
		args := []string{
			"--port", strconv.Itoa(free[0]), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", dir,
		}
		if ports > 1 {
			args = append(args, "--cluster-port", strconv.Itoa(free[1]))
		}
		s := &Server{
			Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(free[0])),
			Dir:  dir,
			args: append(append([]string{binary}, args...), extraArgs...),
		}
		if lastErr = s.launch(); lastErr == nil {
			t.Cleanup(func() {
				if err := s.stop(); err != nil { // reported, never fatal, in cleanup
					t.Errorf("redistest: stop %s: %v", s.Addr, err)
				}
			})
			return s
		}
	}
	t.Fatalf("redistest: redis-server did not start: %v", lastErr)
	return nil
}

// Stop ends the process with SIGTERM (SIGKILL if it lingers) and waits
// for it; t is the test (or subtest) asking, failed if that goes wrong.
// Stopping a stopped server does nothing.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if err := s.stop(); err != nil {
		t.Fatalf("redistest: stop %s: %v", s.Addr, err)
	}
}

// Start restarts a stopped server on the same port and directory with the
// same arguments, and waits until it answers PING. A cluster node rejoins
// its cluster from nodes.conf in that directory (see ClusterRedis.WaitOK).
func (s *Server) Start(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	running := s.proc != nil
	s.mu.Unlock()
	if running {
		t.Fatalf("redistest: start %s: it is already running", s.Addr)
	}
	if err := s.launch(); err != nil {
		t.Fatalf("redistest: restart %s: %v", s.Addr, err)
	}
}

// launch execs redis-server and waits for its first PONG; on failure the
// process is gone and the error carries the end of its log.
func (s *Server) launch() error {
	logPath := filepath.Join(s.Dir, "redis.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	defer logFile.Close() // the child holds its own descriptor
	cmd := exec.Command(s.args[0], s.args[1:]...)
	cmd.Dir = s.Dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = dieWithParent()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("exec %s: %w", s.args[0], err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait() // an exit status is expected after SIGTERM
		close(exited)
	}()
	s.mu.Lock()
	s.proc, s.exited = cmd, exited
	s.mu.Unlock()

	if err := waitForPong(s.Addr, exited); err != nil {
		_ = s.stop()
		return fmt.Errorf("%w; end of %s:\n%s", err, logPath, tail(logPath, 15))
	}
	return nil
}

func (s *Server) stop() error {
	s.mu.Lock()
	proc, exited := s.proc, s.exited
	s.proc, s.exited = nil, nil
	s.mu.Unlock()
	if proc == nil {
		return nil
	}
	if err := proc.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("SIGTERM: %w", err)
	}
	select {
	case <-exited:
		return nil
	case <-time.After(stopTimeout):
	}
	_ = proc.Process.Kill()
	<-exited
	return fmt.Errorf("it ignored SIGTERM for %s and was killed", stopTimeout)
}

// waitForPong polls addr with PING until it answers +PONG, the process
// exits, or readyTimeout passes.
func waitForPong(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(readyTimeout)
	lastErr := errors.New("no answer yet")
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("the process exited")
		default:
		}
		if lastErr = ping(addr); lastErr == nil {
			return nil
		}
		time.Sleep(pollInterval)
	}
	return fmt.Errorf("no PONG from %s within %s: %w", addr, readyTimeout, lastErr)
}

// ping speaks just enough RESP to ask one question, so that readiness
// does not depend on a client library's retries.
func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(time.Second)); err != nil {
		return err
	}
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free loopback port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// requireTool returns the path of a Redis program or fails the test with
// the fix: the suite never skips for want of Redis.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("redistest: %s is not installed; install the Debian package redis-server "+
			"(it brings redis-tools with redis-cli), for example with `make tools`", name)
	}
	return path
}

// tail returns the last n lines of a log file, for failure messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read the log: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
