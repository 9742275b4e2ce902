package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The walkthrough of docs/adapters.md is run as written, so that it
// cannot rot: every ```sh block whose info string says test:NAME is a
// step of script NAME. Each script runs in a new empty directory, its
// blocks in the order of the page, each with bash -euo pipefail, and
// `trackgate` is this test binary (a shim on PATH runs its main). A block
// marked background keeps running (a server, "in a second terminal")
// until the test ends; the next step waits for its first line of output.
// A block marked retry runs again until it succeeds, for 30 s at most, as
// a reader would try again a moment later. An indented block right after
// a step is its expected output. The page's loopback ports
// (127.0.0.1:N) are replaced with free ones.

const walkthroughDoc = "../../docs/adapters.md"

// walkthroughSection must have every sh block tested.
const walkthroughSection = "## From nothing to a tracked parcel"

type docStep struct {
	script        string
	line          int
	code          string
	background    bool
	retry         bool
	wantOutput    string // the indented block after it, if any
	inWalkthrough bool
}

var (
	fenceOpen = regexp.MustCompile("^```(\\S*)\\s*(.*)$")
	loopback  = regexp.MustCompile(`127\.0\.0\.1:([0-9]+)`)
)

// docSteps reads the tested steps of the page, and fails on a sh block of
// the walkthrough section left untested or a marker it does not know.
func docSteps(t *testing.T, doc string) []docStep {
	t.Helper()
	lines := strings.Split(doc, "\n")
	var steps []docStep
	section := ""
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "## ") {
			section = lines[i]
		}
		m := fenceOpen.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		start := i
		var body []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			body = append(body, lines[i])
		}
		if m[1] != "sh" {
			continue
		}
		step := docStep{line: start + 1, code: strings.Join(body, "\n") + "\n", inWalkthrough: section == walkthroughSection}
		for _, word := range strings.Fields(m[2]) {
			switch name, isTest := strings.CutPrefix(word, "test:"); {
			case isTest && name != "":
				step.script = name
			case word == "background":
				step.background = true
			case word == "retry":
				step.retry = true
			default:
				t.Fatalf("%s:%d: unknown marker %q on a sh block (want test:NAME, background, retry)", walkthroughDoc, start+1, word)
			}
		}
		if step.script == "" {
			if step.inWalkthrough {
				t.Errorf("%s:%d: a sh block of %q is not marked test:NAME, so CI does not run it", walkthroughDoc, start+1, walkthroughSection)
			}
			continue
		}
		// The expected output: an indented block after blank lines.
		j := i + 1
		for j < len(lines) && lines[j] == "" {
			j++
		}
		var out []string
		for ; j < len(lines) && (strings.HasPrefix(lines[j], "    ") || lines[j] == ""); j++ {
			out = append(out, strings.TrimPrefix(lines[j], "    "))
		}
		step.wantOutput = strings.TrimRight(strings.Join(out, "\n"), "\n")
		steps = append(steps, step)
	}
	return steps
}

func TestDocsWalkthroughRuns(t *testing.T) {
	data, err := os.ReadFile(walkthroughDoc)
	if err != nil {
		t.Fatal(err)
	}
	steps := docSteps(t, string(data))
	var scripts []string
	walkthrough := false
	for _, s := range steps {
		if !slices.Contains(scripts, s.script) {
			scripts = append(scripts, s.script)
		}
		walkthrough = walkthrough || s.inWalkthrough
	}
	if !walkthrough || len(scripts) < 2 {
		t.Fatalf("found scripts %v in %s; want the walkthrough's and the embedded demo's", scripts, walkthroughDoc)
	}
	for _, tool := range []string{"bash", "curl", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the walkthrough needs %s; install it (.ci/ensure-tools does)", tool)
		}
	}

	// Every loopback port of the page becomes a free one.
	ports := map[string]string{}
	for _, s := range steps {
		for _, m := range loopback.FindAllString(s.code, -1) {
			if _, ok := ports[m]; !ok {
				ports[m] = fmt.Sprintf("127.0.0.1:%d", freePort(t))
			}
		}
	}
	shim := trackgateShim(t)
	for _, name := range scripts {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for _, s := range steps {
				if s.script != name {
					continue
				}
				code := loopback.ReplaceAllStringFunc(s.code, func(m string) string { return ports[m] })
				sh := &docShell{t: t, dir: dir, path: shim, step: s}
				switch {
				case s.background:
					sh.start(code)
				case s.retry:
					sh.runUntilOK(code)
				default:
					sh.run(code)
				}
			}
		})
	}
}

// trackgateShim makes a directory holding a `trackgate` that runs this
// test binary's main, to put first on PATH.
func trackgateShim(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := fmt.Sprintf("#!/bin/sh\n%s=1 exec '%s' \"$@\"\n", runMainEnv, strings.ReplaceAll(self, "'", `'\''`))
	if err := os.WriteFile(filepath.Join(dir, "trackgate"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// docShell runs one step of the page.
type docShell struct {
	t         *testing.T
	dir, path string
	step      docStep
}

func (s *docShell) command(ctx context.Context, code string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", code)
	cmd.Dir = s.dir
	// Times as the page shows them: China's, from Go's own zone database
	// when the machine has none. What track keeps of a gateway's key log
	// stays in the script's directory, hidden.
	cmd.Env = append(os.Environ(), "PATH="+s.path+string(os.PathListSeparator)+os.Getenv("PATH"), "TZ=Asia/Shanghai",
		"XDG_CONFIG_HOME="+filepath.Join(s.dir, ".config"), "XDG_CACHE_HOME="+filepath.Join(s.dir, ".cache"))
	if zones := filepath.Join(runtime.GOROOT(), "lib", "time", "zoneinfo.zip"); fileExists(zones) {
		cmd.Env = append(cmd.Env, "ZONEINFO="+zones)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return cmd
}

// try runs code once and returns its output and exit error.
func (s *docShell) try(code string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := s.command(ctx, code)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

func (s *docShell) run(code string) {
	s.t.Helper()
	stdout, stderr, err := s.try(code)
	if err != nil {
		s.t.Fatalf("%s:%d: %v\n%s\nstdout:\n%s\nstderr:\n%s", walkthroughDoc, s.step.line, err, code, stdout, stderr)
	}
	s.checkOutput(stdout)
}

func (s *docShell) runUntilOK(code string) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		stdout, stderr, err := s.try(code)
		if err == nil {
			s.checkOutput(stdout)
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s:%d: still failing after 30 s: %v\n%s\nstdout:\n%s\nstderr:\n%s", walkthroughDoc, s.step.line, err, code, stdout, stderr)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func (s *docShell) checkOutput(stdout string) {
	s.t.Helper()
	if s.step.wantOutput != "" && strings.TrimRight(stdout, "\n") != s.step.wantOutput {
		s.t.Errorf("%s:%d: the output is not the one the page shows:\n%s\nwant:\n%s", walkthroughDoc, s.step.line, stdout, s.step.wantOutput)
	}
}

// start runs code in the background until the test ends, and waits for
// its first line of output.
func (s *docShell) start(code string) {
	s.t.Helper()
	cmd := s.command(context.Background(), code)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	exited := make(chan struct{})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		_ = cmd.Wait()
		close(exited)
	}()
	s.t.Cleanup(func() {
		// The whole process group: bash and the trackgate it started.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	select {
	case <-lines:
	case <-exited:
		s.t.Fatalf("%s:%d: ended before saying a word: %v\n%s\n%s", walkthroughDoc, s.step.line, cmd.ProcessState, code, stderr.String())
	case <-time.After(90 * time.Second):
		s.t.Fatalf("%s:%d: said nothing within 90 s:\n%s\n%s", walkthroughDoc, s.step.line, code, stderr.String())
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
