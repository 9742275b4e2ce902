package main

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
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

func TestKeysAPIKeyPrintsSecretAndReaderKeysOfTheirKind(t *testing.T) {
	tests := []struct {
		flag, name string
		kind       tenant.Kind
		hashField  string
	}{
		{"--secret", "secret_key", tenant.Secret, "secret_key_hashes"},
		{"--report", "reader_key", tenant.ReportReader, "reader_key_hashes"},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			got := runCLI(t, nil, "keys", "api-key", tt.flag)
			if got.code != exitOK {
				t.Fatalf("exit %d: %s", got.code, got.stderr)
			}
			m := regexp.MustCompile(`(?m)^` + tt.name + `:\s+(\S+)\n` + tt.name + `_hash:\s+([0-9a-f]{64})$`).FindStringSubmatch(got.stdout)
			if m == nil {
				t.Fatalf("output lacks the key and hash lines:\n%s", got.stdout)
			}
			if !tt.kind.WellFormed(m[1]) || tenant.WellFormed(m[1]) {
				t.Fatalf("printed key %q is not a %s", m[1], tt.kind)
			}
			sum := sha256.Sum256([]byte(m[1]))
			if m[2] != hex.EncodeToString(sum[:]) {
				t.Fatal("the printed hash is not the SHA-256 of the printed key")
			}
			if !strings.Contains(got.stdout, tt.hashField) {
				t.Errorf("the output does not say where the hash goes (%s):\n%s", tt.hashField, got.stdout)
			}
		})
	}
	if got := runCLI(t, nil, "keys", "api-key", "--secret", "--report"); got.code != exitUsage {
		t.Fatalf("both flags: exit %d, want %d", got.code, exitUsage)
	}
}
