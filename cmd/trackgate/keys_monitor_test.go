package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/mod/sumdb/note"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/keylog"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
)

// monitorLogKey signs the checkpoints of the monitor tests' logs.
var monitorLogKey = keylogtest.SigningKey("monitor log")

// monitoredLog is a key log served by a real gateway on loopback, its
// storage at hand, which a test may swap for another under the same key
// (a fork, a rollback).
type monitoredLog struct {
	URL     string
	mem     atomic.Pointer[keylog.Memory]
	log     atomic.Pointer[keylog.Log]
	handler atomic.Pointer[http.Handler]
}

func newMonitoredLog(t *testing.T) *monitoredLog {
	t.Helper()
	m := &monitoredLog{}
	m.reset(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*m.handler.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	m.URL = srv.URL
	return m
}

// unusedHost is a courier host the monitor never makes the gateway ask.
type unusedHost struct{ api.CourierHost }

// reset starts another gateway, its log empty, under the same key.
func (m *monitoredLog) reset(t *testing.T) {
	t.Helper()
	mem := keylog.NewMemory()
	gin.SetMode(gin.ReleaseMode)
	gw, err := gateway.New(gateway.Config{
		BucketBits: 8,
		Couriers: []gateway.Courier{{ID: "acme", Name: "Acme", Factor: crypto.FactorNone, Mode: api.ModePush,
			Host: unusedHost{}, SigningKey: keylogtest.Public(keylogtest.SigningKey("acme"))}},
		Store:  memory.New(store.Limits{BucketBits: 8}),
		KeyLog: &gateway.KeyLog{Storage: mem, Origin: keylogtest.Origin, Key: monitorLogKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The same storage through keylog.Log, to append as the gateway does.
	l, err := keylog.New(mem, keylog.Config{Origin: keylogtest.Origin, Key: monitorLogKey})
	if err != nil {
		t.Fatal(err)
	}
	h := gw.Handler()
	m.mem.Store(mem)
	m.log.Store(l)
	m.handler.Store(&h)
}

// append adds statements through keylog.Append, which takes any that open.
func (m *monitoredLog) append(t *testing.T, statements ...[]byte) {
	t.Helper()
	for _, s := range statements {
		if _, err := m.log.Load().Append(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
}

// appendRaw adds an entry to the storage beneath the log, unchecked.
func (m *monitoredLog) appendRaw(t *testing.T, entry []byte) {
	t.Helper()
	if _, _, err := m.mem.Load().Append(context.Background(), entry); err != nil {
		t.Fatal(err)
	}
}

// honestMonitoredLog holds acme's first key and two OPRF keys, and
// another courier's statements between them.
func honestMonitoredLog(t *testing.T) (*monitoredLog, *keylogtest.Courier) {
	t.Helper()
	m := newMonitoredLog(t)
	acme, other := keylogtest.NewCourier(t, "acme"), keylogtest.NewCourier(t, "other")
	m.append(t, acme.First(), other.First(), acme.Key("k1", 0, 48*time.Hour), other.Key("o1", 0, 48*time.Hour),
		acme.Key("k2", 24*time.Hour, 72*time.Hour))
	return m, acme
}

func monitorArgs(m *monitoredLog, state string, own []byte) []string {
	vkey, _ := keystatement.VerifierKey(keylogtest.Origin, keylogtest.Public(monitorLogKey))
	return []string{"keys", "monitor", "--once", "--gateway", m.URL, "--courier", "acme",
		"--signing-public", crypto.EncodeB64(own), "--log-key", vkey, "--state", state}
}

func TestMonitorPassesAnHonestLogAndKeepsItsState(t *testing.T) {
	m, acme := honestMonitoredLog(t)
	state := filepath.Join(t.TempDir(), "monitor.json")
	got := runCLI(t, nil, monitorArgs(m, state, keylogtest.Public(acme.Signing))...)
	if got.code != exitOK || got.stderr != "" || strings.Count(got.stdout, "\n") != 1 ||
		!strings.Contains(got.stdout, "5 entries checked, 5 new, 3 statements of acme") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and one line", got.code, got.stdout, got.stderr)
	}
	fi, err := os.Stat(state)
	if err != nil || fi.Mode() != 0o600 {
		t.Fatalf("state %v, %v; want a file of mode 0600", fi, err)
	}
	var st monitorState
	b, _ := os.ReadFile(state)
	if err := json.Unmarshal(b, &st); err != nil || st.Read != 5 || len(st.Checkpoint) == 0 {
		t.Errorf("state %s (%v); want the checkpoint and read 5", b, err)
	}

	m.append(t, acme.Key("k3", 48*time.Hour, 96*time.Hour))
	// The key file instead of its public half.
	keyFile := filepath.Join(t.TempDir(), "signing.key")
	if err := keyfile.SaveSigning(keyFile, acme.Signing); err != nil {
		t.Fatal(err)
	}
	args := monitorArgs(m, state, nil)
	args = append(args[:len(args)-6], "--signing-key", keyFile, "--log-key", args[len(args)-3], "--state", state)
	got = runCLI(t, nil, args...)
	if got.code != exitOK || !strings.Contains(got.stdout, "6 entries checked, 1 new, 4 statements of acme") {
		t.Errorf("the grown log: exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
}

func TestMonitorAlerts(t *testing.T) {
	intruder := keylogtest.SigningKey("intruder")
	tests := []struct {
		name   string
		attack func(*testing.T, *monitoredLog, *keylogtest.Courier)
		says   string
		// again is the exit status of the next round: an entry is alerted
		// once, a checkpoint that does not extend the trusted one always.
		again int
	}{
		{name: "a key statement signed by another key",
			attack: func(t *testing.T, m *monitoredLog, acme *keylogtest.Courier) {
				k := acme.Statement("forged", 0, 48*time.Hour)
				k.SigningKey = keylogtest.Public(intruder)
				m.append(t, keylogtest.SignKey(t, k, intruder))
			},
			says: "ALERT: entry 5: a key statement of acme not signed by its signing key at its place in the log: "},
		{name: "a signing-key change signed only by the new key",
			attack: func(t *testing.T, m *monitoredLog, acme *keylogtest.Courier) {
				s := keystatement.SigningKey{Courier: "acme", Key: keylogtest.Public(intruder), Previous: keylogtest.Public(acme.Signing)}
				text, err := s.Text()
				if err != nil {
					t.Fatal(err)
				}
				signer, err := keystatement.NewSigner(keystatement.SignerName("acme"), intruder)
				if err != nil {
					t.Fatal(err)
				}
				msg, err := note.Sign(&note.Note{Text: text}, signer)
				if err != nil {
					t.Fatal(err)
				}
				m.appendRaw(t, msg)
			},
			says: "ALERT: entry 5: a statement in the name of acme that does not open"},
		{name: "a signing key that is not the courier's own",
			attack: func(t *testing.T, m *monitoredLog, acme *keylogtest.Courier) { m.append(t, acme.Rotate()) },
			says:   "ALERT: entry 5: signing key "},
		{name: "three live keys",
			attack: func(t *testing.T, m *monitoredLog, acme *keylogtest.Courier) {
				m.append(t, acme.Key("k3", 24*time.Hour, 96*time.Hour))
			},
			says: "ALERT: entry 5: more than two keys of acme live at once: "},
		{name: "a fork of the same size",
			attack: func(t *testing.T, m *monitoredLog, acme *keylogtest.Courier) {
				m.reset(t)
				m.append(t, acme.First(), acme.Key("k1", 0, 48*time.Hour), acme.Key("x", 0, time.Hour),
					acme.Key("y", 0, time.Hour), acme.Key("z", 0, time.Hour))
			},
			says: "ALERT: checkpoint of 5 entries: key log forked", again: exitFailure},
		{name: "a larger log that does not contain the one trusted",
			attack: func(t *testing.T, m *monitoredLog, acme *keylogtest.Courier) {
				m.reset(t)
				m.append(t, acme.First(), acme.Key("k1", 0, 48*time.Hour), acme.Key("x", 0, time.Hour),
					acme.Key("y", 0, time.Hour), acme.Key("z", 0, time.Hour), acme.Key("w", 0, time.Hour))
			},
			says: "ALERT: checkpoint of 6 entries: key log forked", again: exitFailure},
		{name: "a rollback",
			attack: func(t *testing.T, m *monitoredLog, acme *keylogtest.Courier) {
				m.reset(t)
				m.append(t, acme.First())
			},
			says: "ALERT: checkpoint of 1 entries: key log rolled back", again: exitFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, acme := honestMonitoredLog(t)
			own := keylogtest.Public(acme.Signing)
			state := filepath.Join(t.TempDir(), "monitor.json")
			if got := runCLI(t, nil, monitorArgs(m, state, own)...); got.code != exitOK {
				t.Fatalf("the honest log: exit %d, stderr %q", got.code, got.stderr)
			}
			tt.attack(t, m, acme)
			got := runCLI(t, nil, monitorArgs(m, state, own)...)
			lines := strings.Split(strings.TrimSpace(got.stderr), "\n")
			if got.code != exitFailure || !strings.HasPrefix(lines[0], tt.says) || len(lines) != 2 || lines[1] != "1 alert about acme in the key log of "+m.URL+"." || got.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1, an alert %q and the summary", got.code, got.stdout, got.stderr, tt.says)
			}
			if got := runCLI(t, nil, monitorArgs(m, state, own)...); got.code != tt.again {
				t.Errorf("the next round: exit %d, stderr %q; want %d", got.code, got.stderr, tt.again)
			}
		})
	}
}

func TestMonitorKeepsWatchingAndAlerting(t *testing.T) {
	m, acme := honestMonitoredLog(t)
	args := monitorArgs(m, filepath.Join(t.TempDir(), "monitor.json"), keylogtest.Public(acme.Signing))
	args = append(slices.DeleteFunc(args, func(a string) bool { return a == "--once" }), "--interval", "1s")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rounds := 0
	var stdout, stderr bytes.Buffer
	code := runContext(ctx, args, env{
		stdout: &stdout, stderr: &stderr,
		getenv: func(string) string { return "" }, now: time.Now, location: shanghai,
		after: func(d time.Duration) <-chan time.Time {
			rounds++
			switch rounds {
			case 1:
				m.append(t, acme.Key("k3", 24*time.Hour, 96*time.Hour)) // a third live key
			case 3:
				cancel()
			}
			c := make(chan time.Time, 1)
			if d == time.Second && rounds < 3 {
				c <- time.Now()
			}
			return c
		},
	})
	if code != exitOK || rounds != 3 {
		t.Fatalf("exit %d after %d rounds; want 0 once stopped after the third", code, rounds)
	}
	if strings.Count(stdout.String(), "\n") != 2 || !strings.HasPrefix(stderr.String(), "ALERT: entry 5: more than two keys of acme live at once: ") ||
		strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("stdout %q, stderr %q; want the honest first and third rounds and the second's alert", stdout.String(), stderr.String())
	}
}

func TestMonitorReadsTheLogPageByPage(t *testing.T) {
	m, acme := honestMonitoredLog(t)
	other := keylogtest.NewCourier(t, "busy")
	m.append(t, other.First())
	k := other.Statement("b", 0, time.Hour)
	for i := range monitorPage {
		k.NotAfter = k.NotAfter.Add(time.Second) // another statement each time
		if i == monitorPage/2 {
			m.append(t, acme.Key("k3", 48*time.Hour, 96*time.Hour))
		}
		m.append(t, keylogtest.SignKey(t, k, other.Signing))
	}
	state := filepath.Join(t.TempDir(), "monitor.json")
	got := runCLI(t, nil, monitorArgs(m, state, keylogtest.Public(acme.Signing))...)
	if got.code != exitOK || !strings.Contains(got.stdout, "1007 entries checked, 1007 new, 4 statements of acme") {
		t.Errorf("exit %d, stdout %q, stderr %q; want every entry of both pages read", got.code, got.stdout, got.stderr)
	}
}
