package benchmark

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrNoRedisServer: the redis-server program is not there to start.
var ErrNoRedisServer = errors.New("no redis-server to start")

// Bounds of waiting for the redis-server process.
const (
	redisReadyTimeout = 10 * time.Second
	redisStopTimeout  = 10 * time.Second
	redisStartTries   = 3 // a free port can be taken between choosing and binding it
)

// redisServer is the redis-server process of a run: on a free loopback
// port, persisting nothing, in a temporary directory removed when it
// stops.
type redisServer struct {
	Addr    string
	Version string
	dir     string
	cmd     *exec.Cmd
	exited  chan struct{}
}

// startRedis starts program (redis-server from PATH when empty) and waits
// until it answers.
func startRedis(ctx context.Context, program string) (*redisServer, error) {
	if program == "" {
		program = "redis-server"
	}
	path, err := exec.LookPath(program)
	if err != nil {
		return nil, fmt.Errorf("%w: %q cannot be run (%v); install the Debian package redis-server (apt-get install redis-server) or give its path with --redis-server", ErrNoRedisServer, program, err)
	}
	dir, err := os.MkdirTemp("", "trackgate-bench-redis-")
	if err != nil {
		return nil, fmt.Errorf("redis-server directory: %w", err)
	}
	var lastErr error
	for range redisStartTries {
		port, err := freePort()
		if err != nil {
			lastErr = err
			break
		}
		r := &redisServer{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), dir: dir}
		if lastErr = r.launch(ctx, path); lastErr == nil {
			return r, nil
		}
	}
	_ = os.RemoveAll(dir)
	return nil, fmt.Errorf("start %s: %w", path, lastErr)
}

func (r *redisServer) launch(ctx context.Context, path string) error {
	logPath := filepath.Join(r.dir, "redis.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open its log: %w", err)
	}
	defer logFile.Close() // the child holds its own descriptor
	_, port, _ := net.SplitHostPort(r.Addr)
	r.cmd = exec.Command(path, "--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.dir)
	r.cmd.Dir = r.dir
	r.cmd.Stdout, r.cmd.Stderr = logFile, logFile
	r.cmd.SysProcAttr = dieWithParent()
	if err := r.cmd.Start(); err != nil {
		return err
	}
	r.exited = make(chan struct{})
	go func() {
		_ = r.cmd.Wait() // an exit status is expected after SIGTERM
		close(r.exited)
	}()
	if err := r.waitReady(ctx); err != nil {
		_ = r.stop()
		log, _ := os.ReadFile(logPath)
		return fmt.Errorf("%w; its log says: %s", err, strings.TrimSpace(string(log)))
	}
	return nil
}

// waitReady pings until the server answers, and reads its version.
func (r *redisServer) waitReady(ctx context.Context) error {
	client := redis.NewClient(&redis.Options{Addr: r.Addr, MaxRetries: -1})
	defer client.Close()
	deadline := time.Now().Add(redisReadyTimeout)
	for {
		info, err := client.InfoMap(ctx, "server").Result()
		if err == nil {
			r.Version = info["Server"]["redis_version"]
			return nil
		}
		select {
		case <-r.exited:
			return errors.New("it exited at start")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer from %s within %s: %w", r.Addr, redisReadyTimeout, err)
		}
	}
}

// stop ends the process (SIGTERM, then SIGKILL if it lingers) and
// removes its directory.
func (r *redisServer) stop() error {
	defer os.RemoveAll(r.dir)
	if r.cmd == nil || r.cmd.Process == nil {
		return nil
	}
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop redis-server: %w", err)
	}
	select {
	case <-r.exited:
		return nil
	case <-time.After(redisStopTimeout):
	}
	_ = r.cmd.Process.Kill()
	<-r.exited
	return fmt.Errorf("redis-server ignored SIGTERM for %s and was killed", redisStopTimeout)
}

// usedMemory is Redis's used_memory in bytes.
func usedMemory(ctx context.Context, client *redis.Client) (int64, error) {
	info, err := client.InfoMap(ctx, "memory").Result()
	if err != nil {
		return 0, fmt.Errorf("INFO memory: %w", err)
	}
	n, err := strconv.ParseInt(info["Memory"]["used_memory"], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("INFO memory: used_memory: %w", err)
	}
	return n, nil
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free loopback port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
