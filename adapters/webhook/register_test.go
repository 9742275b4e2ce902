package webhook

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

const registerTestToken = "register-token-0123456789abcdef0123456789"

func env(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) { v, ok := vars[name]; return v, ok }
}

func goodOptions(dir string) map[string]string {
	return map[string]string{
		"courier":   "acme-post",
		"listen":    "127.0.0.1:0",
		"token_env": "ACME_WEBHOOK_TOKEN",
		"state":     filepath.Join(dir, "webhook.db"),
	}
}

func TestParseOptions(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ACME_WEBHOOK_TOKEN": registerTestToken, "EMPTY": ""}
	for _, tc := range []struct {
		name    string
		change  map[string]string // "" removes the option
		wantErr string            // "" for success
	}{
		{"all required", nil, ""},
		{"unknown option", map[string]string{"port": "9180"}, `unknown option "port"`},
		{"no courier", map[string]string{"courier": ""}, `option "courier" is required`},
		{"no listen", map[string]string{"listen": ""}, `option "listen" is required`},
		{"no token_env", map[string]string{"token_env": ""}, `option "token_env" is required`},
		{"no state", map[string]string{"state": ""}, `option "state" is required`},
		{"listen not host:port", map[string]string{"listen": "9180"}, `is not host:port`},
		{"token variable unset", map[string]string{"token_env": "UNSET"}, `UNSET is not set`},
		{"token variable empty", map[string]string{"token_env": "EMPTY"}, `EMPTY is not set`},
		{"retention in days", map[string]string{"retention": "45d"}, ""},
		{"retention too short", map[string]string{"retention": "1m"}, `option "retention"`},
		{"retention not a duration", map[string]string{"retention": "soon"}, `option "retention"`},
		{"factor", map[string]string{"factor": "phone_last4"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := goodOptions(dir)
			for k, v := range tc.change {
				if v == "" {
					delete(opts, k)
				} else {
					opts[k] = v
				}
			}
			cfg, err := parseOptions(opts, env(vars))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("parseOptions: %v", err)
				}
				if cfg.Token != registerTestToken || cfg.Courier != "acme-post" {
					t.Fatalf("config %+v", cfg)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one with %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), registerTestToken) {
				t.Fatal("the error shows the token")
			}
		})
	}
	cfg, _ := parseOptions(map[string]string{"courier": "a-b", "listen": ":1", "token_env": "ACME_WEBHOOK_TOKEN", "state": "x", "retention": "45d"}, env(vars))
	if cfg.Retention != 45*24*time.Hour {
		t.Fatalf("retention %s", cfg.Retention)
	}
}

func TestOpenRefusesBadConfigurations(t *testing.T) {
	dir := t.TempDir()
	good := Config{Courier: "acme-post", Token: registerTestToken, StatePath: filepath.Join(dir, "w.db")}
	for _, tc := range []struct {
		name   string
		change func(*Config)
	}{
		{"bad courier id", func(c *Config) { c.Courier = "Acme Post" }},
		{"short token", func(c *Config) { c.Token = "secret" }},
		{"no state file", func(c *Config) { c.StatePath = "" }},
		{"unknown factor kind", func(c *Config) { c.Factor = "pin" }},
		{"short retention", func(c *Config) { c.Retention = time.Minute }},
		{"certificate without key", func(c *Config) { c.Listen, c.TLSCertFile = "127.0.0.1:0", "cert.pem" }},
		{"missing certificate files", func(c *Config) { c.Listen, c.TLSCertFile, c.TLSKeyFile = "127.0.0.1:0", "cert.pem", "key.pem" }},
		{"state file in a missing directory", func(c *Config) { c.StatePath = filepath.Join(dir, "missing", "w.db") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.change(&cfg)
			a, err := Open(cfg)
			if err == nil {
				a.Close()
				t.Fatal("Open succeeded")
			}
		})
	}
}

func TestListenerInUseFailsOpenAndReleasesTheStateFile(t *testing.T) {
	dir := t.TempDir()
	first, err := Open(Config{Courier: "acme-post", Listen: "127.0.0.1:0", Token: registerTestToken, StatePath: filepath.Join(dir, "a.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	cfg := Config{Courier: "acme-post", Listen: first.Addr().String(), Token: registerTestToken, StatePath: filepath.Join(dir, "b.db")}
	if _, err := Open(cfg); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("Open on a port in use: %v", err)
	}
	// The state file was closed: opening it again does not wait for a lock.
	cfg.Listen = ""
	second, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	second.Close()
}

func TestRegisteredAdapterServesItsIngestAPI(t *testing.T) {
	t.Setenv("ACME_WEBHOOK_TOKEN", registerTestToken)
	src, err := adapters.Open(AdapterName, goodOptions(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	a, ok := src.(*Adapter)
	if !ok {
		t.Fatalf("adapters.Open gave a %T", src)
	}
	resp, err := http.Get("http://" + a.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}

	t.Setenv("ACME_WEBHOOK_TOKEN", "")
	if _, err := adapters.Open(AdapterName, goodOptions(t.TempDir())); err == nil {
		t.Fatal("the adapter opened without a token")
	}
}

// TestRegisteredAdapterLogsThroughItsHostsLogger opens the adapter as a
// courier host does, by name, and gives it the host's JSON logger: the
// listener is announced there, and the lines of its requests follow.
func TestRegisteredAdapterLogsThroughItsHostsLogger(t *testing.T) {
	t.Setenv("ACME_WEBHOOK_TOKEN", registerTestToken)
	src, err := adapters.Open(AdapterName, goodOptions(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer src.(adapters.Closer).Close()
	setter, ok := src.(adapters.LoggerSetter)
	if !ok {
		t.Fatalf("the adapter (%T) takes no logger", src)
	}
	var logs syncBuffer
	setter.SetLogger(slog.New(slog.NewJSONHandler(&logs, nil)).With("courier_host", "acme-post"))

	req, _ := http.NewRequest(http.MethodPost, "http://"+src.(*Adapter).Addr().String()+"/v1/events", strings.NewReader(`{"events":[]}`))
	req.Header.Set("Authorization", "Bearer wrong-token-0123456789abcdef0123456789")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a wrong token: %d", resp.StatusCode)
	}

	var msgs []string
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("a line is not in the host's JSON format: %q", line)
		}
		if rec["courier_host"] != "acme-post" || rec["adapter"] != AdapterName {
			t.Errorf("a line lacks the host's or the adapter's attribute: %v", rec)
		}
		msgs = append(msgs, rec["msg"].(string))
	}
	if !slices.Contains(msgs, "webhook ingest API listening") || !slices.Contains(msgs, "webhook request without a valid token refused") {
		t.Errorf("lines %q: want the listener announced and the refusal", msgs)
	}
}

// syncBuffer is a bytes.Buffer the ingest API's goroutines may write to
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
