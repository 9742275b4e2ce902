package main

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"testing"

	"github.com/trackgate/trackgate/gateway/tenant"
)

func TestKeysAPIKeyPrintsAFreshKeyAndItsSHA256(t *testing.T) {
	line := regexp.MustCompile(`(?m)^api_key:\s+(\S+)\napi_key_hash:\s+([0-9a-f]{64})$`)
	seen := map[string]bool{}
	for range 2 {
		got := runCLI(t, nil, "keys", "api-key")
		if got.code != exitOK {
			t.Fatalf("exit %d: %s", got.code, got.stderr)
		}
		m := line.FindStringSubmatch(got.stdout)
		if m == nil {
			t.Fatalf("output lacks the key and hash lines:\n%s", got.stdout)
		}
		key, hash := m[1], m[2]
		if !tenant.WellFormed(key) {
			t.Fatalf("printed key %q is not well formed", key)
		}
		sum := sha256.Sum256([]byte(key))
		if hash != hex.EncodeToString(sum[:]) {
			t.Fatal("the printed hash is not the SHA-256 of the printed key")
		}
		if seen[key] {
			t.Fatal("the same key was printed twice")
		}
		seen[key] = true
	}
	if got := runCLI(t, nil, "keys", "api-key", "extra"); got.code != exitUsage {
		t.Fatalf("an argument: exit %d, want %d", got.code, exitUsage)
	}
}
