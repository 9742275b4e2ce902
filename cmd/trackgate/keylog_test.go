package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
)

// keyLogGateway has sim-east and sim-north, whose shapes both match
// SE1234567890; the parcel is at sim-north.
func keyLogGateway(t *testing.T) *clienttest.Gateway {
	t.Helper()
	g := clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{simEast,
		{ID: "sim-north", Name: "Sim North", Patterns: []api.Pattern{{Regex: `^SE[0-9]{10}$`}}}}})
	g.AddParcel(t, "sim-north", "SE1234567890", "", clienttest.View("sim-north", "SE1234567890"))
	return g
}

func TestTrackKeepsTheKeyLogStateOfEachGateway(t *testing.T) {
	g := keyLogGateway(t)
	config := t.TempDir()
	if got := runCLIIn(t, config, nil, "track", "SE1234567890", "--gateway", g.URL+"/"); got.code != exitOK {
		t.Fatalf("exit %d; stderr %s", got.code, got.stderr)
	}
	sum := sha256.Sum256([]byte(g.URL))
	path := filepath.Join(config, "trackgate", "keylog", hex.EncodeToString(sum[:])+".json")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no state kept at %s: %v", path, err)
	}
	if fi.Mode() != 0o600 {
		t.Errorf("the state's mode is %v, want 0600", fi.Mode())
	}
	var st client.KeyLogState
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	if st.Key != clienttest.LogVerifierKey() || len(st.Checkpoint) == 0 || len(st.Pins) != 2 {
		t.Errorf("state %s, want the log's key, its checkpoint and both couriers' signing keys", b)
	}
}

// Issue 12's attacks as the CLI reports them: one sentence naming what
// the gateway did, exit status 1.
func TestTrackNamesEveryAttackInOneSentence(t *testing.T) {
	witness := keylogtest.SigningKey("witness")
	tests := []struct {
		name   string
		before func(*testing.T, *clienttest.Gateway) // before the first run, which sees the honest log
		attack func(*testing.T, *clienttest.Gateway)
		flags  func(*clienttest.Gateway) []string
		says   string
	}{
		{name: "a substituted key",
			attack: func(t *testing.T, g *clienttest.Gateway) { g.SubstituteKey(t, "sim-east") },
			says:   "The gateway shows a key of sim-east that is not in its key log: "},
		{name: "a substituted key in the log",
			attack: func(t *testing.T, g *clienttest.Gateway) { g.AppendSubstitutedKey(t, "sim-east") },
			says:   "The key log shows sim-east's signing key changed without its previous key's signature: "},
		{name: "three live keys",
			attack: func(t *testing.T, g *clienttest.Gateway) { g.StateThreeLiveKeys(t, "sim-east") },
			says:   "The gateway shows more than two live keys of sim-east: "},
		{name: "a changed signing key",
			attack: func(t *testing.T, g *clienttest.Gateway) { g.ChangeSigningKey(t, "sim-east") },
			says:   "The key log shows sim-east's signing key changed without its previous key's signature: "},
		{name: "another history, against the pin of the first run",
			attack: func(t *testing.T, g *clienttest.Gateway) { g.ReplaceHistory(t, "sim-east") },
			says:   "(seen before) is not in its history in the log."},
		{name: "another history, against --pin",
			attack: func(t *testing.T, g *clienttest.Gateway) { g.ReplaceHistory(t, "sim-east") },
			flags: func(g *clienttest.Gateway) []string {
				return []string{"--pin", "sim-east=" + crypto.EncodeB64(g.CourierSigningKey(t, "sim-east")), "--keylog-state", filepath.Join(t.TempDir(), "fresh.json")}
			},
			says: "(configured) is not in its history in the log."},
		{name: "a fork",
			attack: func(t *testing.T, g *clienttest.Gateway) { g.ForkKeyLog(t) },
			says:   "The gateway's key log forked: the log of 5 entries does not extend the one of 4 trusted"},
		{name: "a rollback",
			before: func(t *testing.T, g *clienttest.Gateway) { g.GrowKeyLog(t) },
			attack: func(t *testing.T, g *clienttest.Gateway) { g.RollBackKeyLog(t) },
			says:   "The gateway's key log rolled back: a checkpoint of 4 entries after one of 5; if the gateway's log was reset on purpose (an embedded gateway started with a new identity), remove "},
		{name: "another log key than --log-key",
			attack: func(*testing.T, *clienttest.Gateway) {},
			flags: func(*clienttest.Gateway) []string {
				vkey, _ := keystatement.VerifierKey(keylogtest.Origin, keylogtest.Public(keylogtest.SigningKey("another")))
				return []string{"--log-key", vkey, "--keylog-state", filepath.Join(t.TempDir(), "fresh.json")}
			},
			says: "The gateway's key log checkpoint is not signed by the log's key: the gateway announces the log key"},
		{name: "no witness cosignature",
			attack: func(*testing.T, *clienttest.Gateway) {},
			flags: func(*clienttest.Gateway) []string {
				return []string{"--witness", "w.example=" + crypto.EncodeB64(keylogtest.Public(witness)), "--quorum", "1"}
			},
			says: "The gateway's key log checkpoint lacks the witness cosignatures required: 0 of 1 cosignatures."},
		{name: "no witness cosignature, every --witness required by default",
			attack: func(*testing.T, *clienttest.Gateway) {},
			flags: func(*clienttest.Gateway) []string {
				return []string{"--witness", "w.example=" + crypto.EncodeB64(keylogtest.Public(witness))}
			},
			says: "The gateway's key log checkpoint lacks the witness cosignatures required: 0 of 1 cosignatures."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := keyLogGateway(t)
			config := t.TempDir()
			vars := map[string]string{"TRACKGATE_GATEWAY": g.URL}
			if tt.before != nil {
				tt.before(t, g)
			}
			if got := runCLIIn(t, config, vars, "track", "SE1234567890"); got.code != exitOK {
				t.Fatalf("the honest log: exit %d; stderr %s", got.code, got.stderr)
			}
			tt.attack(t, g)
			args := []string{"track", "SE1234567890", "--courier", "sim-east"}
			if tt.flags != nil {
				args = append(args, tt.flags(g)...)
			}
			got := runCLIIn(t, config, vars, args...)
			if got.code != exitFailure || !strings.Contains(got.stderr, tt.says) || strings.Count(got.stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want 1 and one line saying %q", got.code, got.stderr, tt.says)
			}
			if got.stdout != "" {
				t.Errorf("stdout = %q, want nothing", got.stdout)
			}
		})
	}
}

func TestTrackFindsAParcelPastARefusedCourierAndSaysSo(t *testing.T) {
	g := keyLogGateway(t)
	g.SubstituteKey(t, "sim-east")
	got := runCLI(t, nil, "track", "SE1234567890", "--gateway", g.URL)
	if got.code != exitOK || !strings.Contains(got.stdout, "SE1234567890 · Sim North (sim-north)") {
		t.Fatalf("exit %d, stdout %q; want found at sim-north", got.code, got.stdout)
	}
	if want := "Note: sim-east was not asked: The gateway shows a key of sim-east that is not in its key log: "; !strings.HasPrefix(got.stderr, want) {
		t.Errorf("stderr = %q, want %q…", got.stderr, want)
	}
	for _, e := range g.Evaluations() {
		for _, part := range e.Requests {
			if part.Courier == "sim-east" {
				t.Fatal("the refused courier was asked")
			}
		}
	}
}

func TestDetectReportsARefusedCourier(t *testing.T) {
	g := keyLogGateway(t)
	g.StateThreeLiveKeys(t, "sim-east")
	got := runCLI(t, nil, "detect", "SE1234567890", "--gateway", g.URL)
	if got.code != exitFailure || !strings.HasPrefix(got.stderr, "The gateway shows more than two live keys of sim-east: ") {
		t.Errorf("exit %d, stderr %q; want 1 and the attack named", got.code, got.stderr)
	}
	state := filepath.Join(t.TempDir(), "state.json")
	g.ForkKeyLog(t)
	if got := runCLI(t, nil, "detect", "SW1234567890", "--gateway", g.URL, "--keylog-state", state); got.code != exitOK {
		t.Fatalf("a first sight: exit %d, stderr %q", got.code, got.stderr)
	}
	if _, err := os.Stat(state); err != nil {
		t.Errorf("--keylog-state not written: %v", err)
	}
}

func TestKeyLogFlagsAreChecked(t *testing.T) {
	g := keyLogGateway(t)
	key := crypto.EncodeB64(keylogtest.Public(keylogtest.SigningKey("w")))
	tests := map[string][]string{
		"a pin without a key":            {"--pin", "sim-east"},
		"a pin of a bad courier":         {"--pin", "Sim East=" + key},
		"a pin of a short key":           {"--pin", "sim-east=AAAA"},
		"a witness without a name":       {"--witness", "=" + key},
		"a witness of a bad key":         {"--witness", "w.example=AAAA"},
		"a verifier key of another name": {"--witness", "w.example=" + clienttest.LogVerifierKey()},
		"a quorum above the witnesses":   {"--witness", "w.example=" + key, "--quorum", "2"},
		"a log key that is none":         {"--log-key", "trackgate.example/log"},
	}
	for name, flags := range tests {
		t.Run(name, func(t *testing.T) {
			got := runCLI(t, nil, append([]string{"track", "SE1234567890", "--gateway", g.URL}, flags...)...)
			if got.code != exitUsage || strings.Count(got.stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want 2 and one line", got.code, got.stderr)
			}
		})
	}
	t.Run("a witness given as a verifier key, with a quorum of none", func(t *testing.T) {
		vkey, _ := keystatement.VerifierKey("w.example", keylogtest.Public(keylogtest.SigningKey("w")))
		got := runCLI(t, nil, "track", "SE1234567890", "--gateway", g.URL, "--log-key", clienttest.LogVerifierKey(), "--witness", "w.example="+vkey, "--quorum", "0")
		if got.code != exitOK {
			t.Errorf("exit %d, stderr %q", got.code, got.stderr)
		}
	})
}

func TestNoConfigDirAsksForKeylogState(t *testing.T) {
	g := keyLogGateway(t)
	var stdout, stderr strings.Builder
	code := run([]string{"track", "SE1234567890", "--gateway", g.URL}, env{
		stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, now: time.Now, location: shanghai,
		configDir: func() (string, error) { return "", os.ErrNotExist },
	})
	if code != exitUsage || !strings.Contains(stderr.String(), "give --keylog-state") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestTrackTrustsACheckpointEveryWitnessCosigned(t *testing.T) {
	w1, w2 := keylogtest.SigningKey("cli witness 1"), keylogtest.SigningKey("cli witness 2")
	g := clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{simEast},
		Witnesses: map[string]ed25519.PrivateKey{"w1.example": w1, "w2.example": w2}})
	got := runCLI(t, nil, "track", "SE1234567890", "--gateway", g.URL, "--log-key", clienttest.LogVerifierKey(),
		"--witness", "w1.example="+crypto.EncodeB64(keylogtest.Public(w1)), "--witness", "w2.example="+crypto.EncodeB64(keylogtest.Public(w2)))
	if got.code != exitFailure || !strings.HasPrefix(got.stderr, "Parcel not found") {
		t.Errorf("exit %d, stderr %q; want the lookup made (not found), the checkpoint trusted", got.code, got.stderr)
	}
}
