package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/gateway/embedded"
)

// TestServeKeepsItsIdentityAcrossRestarts: a client that pinned the
// embedded default's key log still trusts it after serve restarts on the
// same --state-dir, and refuses one that starts with a new identity.
func TestServeKeepsItsIdentityAcrossRestarts(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	stateDir := filepath.Join(t.TempDir(), "serve")
	keylogState := filepath.Join(t.TempDir(), "keylog.json")
	serveOn := func(dir string) *process {
		p := startTrackgate(t, "serve", "--addr", addr, "--parcels", "50", "--log-format", "json", "--state-dir", dir)
		if line := p.firstLine(t); !strings.Contains(line, "http://"+addr) {
			t.Fatalf("serve's first line %q does not name %s", line, addr)
		}
		return p
	}
	track := func() outcome {
		return runPaced(t, "track", "SW100000000003", "--gateway", "http://"+addr, "--keylog-state", keylogState)
	}

	first := serveOn(stateDir)
	if out := track(); out.code != exitOK || !strings.Contains(out.stdout, "SW100000000003") {
		t.Fatalf("track: exit %d\n%s%s", out.code, out.stdout, out.stderr)
	}
	first.stop(t)
	if _, err := os.Stat(filepath.Join(stateDir, embedded.IdentityFile)); err != nil {
		t.Fatalf("serve kept no identity in --state-dir: %v", err)
	}

	again := serveOn(stateDir)
	if out := track(); out.code != exitOK || !strings.Contains(out.stdout, "SW100000000003") {
		t.Errorf("track after serve restarted on the same --state-dir: exit %d\n%s%s", out.code, out.stdout, out.stderr)
	}
	again.stop(t)

	// Without the identity, the same address is another gateway to the client.
	other := serveOn(t.TempDir())
	if out := track(); out.code == exitOK || !strings.Contains(out.stderr, "key log") {
		t.Errorf("track after serve restarted with a new identity: exit %d, want a refusal naming the key log\n%s%s", out.code, out.stdout, out.stderr)
	}
	other.stop(t)
}
