package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// session runs a command that keeps going (track --watch, webhook
// listen) in process, with a clock the test moves: each wait of the
// command is a tick the test fires.
type session struct {
	stdout, stderr *lockedBuffer
	ticks          chan tick
	cancel         context.CancelFunc
	done           chan int
}

// tick is one wait of the command: how long it asked for, and the
// channel that ends it.
type tick struct {
	d    time.Duration
	fire chan time.Time
}

func startCLI(t *testing.T, vars map[string]string, args ...string) *session {
	t.Helper()
	s := &session{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, ticks: make(chan tick, 16), done: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	e := env{
		stdout: s.stdout, stderr: s.stderr,
		getenv:   func(k string) string { return vars[k] },
		now:      time.Now,
		location: shanghai,
		after: func(d time.Duration) <-chan time.Time {
			tk := tick{d, make(chan time.Time, 1)}
			s.ticks <- tk
			return tk.fire
		},
	}
	go func() { s.done <- runContext(ctx, args, e) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			t.Error("the command did not stop within 15 s of its context ending")
		}
	})
	return s
}

// nextTick waits until the command waits, and returns that wait.
func (s *session) nextTick(t *testing.T) tick {
	t.Helper()
	select {
	case tk := <-s.ticks:
		return tk
	case code := <-s.done:
		s.done <- code
		t.Fatalf("the command ended (exit %d) instead of waiting\nstdout:\n%s\nstderr:\n%s", code, s.stdout, s.stderr)
	case <-time.After(15 * time.Second):
		t.Fatalf("the command did not wait within 15 s\nstdout:\n%s\nstderr:\n%s", s.stdout, s.stderr)
	}
	return tick{}
}

// waitFor waits until buf holds want.
func (s *session) waitFor(t *testing.T, buf *lockedBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(buf.String(), want) {
		select {
		case code := <-s.done:
			s.done <- code
			t.Fatalf("the command ended (exit %d) before printing %q\nstdout:\n%s\nstderr:\n%s", code, want, s.stdout, s.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q within 15 s\nstdout:\n%s\nstderr:\n%s", want, s.stdout, s.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop ends the command as Ctrl-C does and returns its exit status.
func (s *session) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code // for the cleanup
		return code
	case <-time.After(15 * time.Second):
		t.Fatal("the command did not stop within 15 s of Ctrl-C")
	}
	return -1
}

func (s *session) String() string {
	return "stdout:\n" + s.stdout.String() + "\nstderr:\n" + s.stderr.String()
}
