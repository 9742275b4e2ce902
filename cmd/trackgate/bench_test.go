package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchRefusesAnUnknownFigure(t *testing.T) {
	got := runCLI(t, nil, "bench", "--only", "bucket-read,lookups")
	if got.code != exitUsage || !strings.Contains(got.stderr, `"lookups"`) || !strings.Contains(got.stderr, "fanout") {
		t.Errorf("exit %d, stderr %q; want 2 naming the wrong figure and the known ones", got.code, got.stderr)
	}
}

func TestBenchWithoutRedisServerNamesTheDebianPackage(t *testing.T) {
	got := runCLI(t, nil, "bench", "--redis-server", filepath.Join(t.TempDir(), "redis-server"))
	if got.code != exitFailure || !strings.Contains(got.stderr, "install the Debian package redis-server") || got.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and a sentence naming the Debian package", got.code, got.stdout, got.stderr)
	}
	if strings.Count(strings.TrimSpace(got.stderr), "\n") != 0 {
		t.Errorf("stderr is not one sentence: %q", got.stderr)
	}
}

func TestBenchCPUProfileToAnUnwritablePathFailsFirst(t *testing.T) {
	got := runCLI(t, nil, "bench", "--cpuprofile", filepath.Join(t.TempDir(), "no-such-dir", "cpu.pprof"))
	if got.code != exitFailure || !strings.Contains(got.stderr, "--cpuprofile") || got.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and a sentence naming --cpuprofile", got.code, got.stdout, got.stderr)
	}
}
