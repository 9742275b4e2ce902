package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

const (
	witnessTestName = "witness.test"
	witnessTestLog  = "trackgate.test/log" // gatewayFileWith's origin
)

// witnessedDeployment is a push deployment on loopback whose gateway
// needs one cosignature, of witness.test, before it lists a key; it
// returns the deployment, the witness's key file, the log's verifier key
// and its signing key, once the host's statements are in the log.
func witnessedDeployment(t *testing.T) (*doctorDeployment, string, string, ed25519.PrivateKey) {
	t.Helper()
	d := newDoctorDeployment(t, "push")
	_, wsk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	witnessKey := filepath.Join(d.dir, "witness.key")
	if err := keyfile.SaveSigning(witnessKey, wsk); err != nil {
		t.Fatal(err)
	}
	wvkey, err := keystatement.VerifierKey(witnessTestName, wsk.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	edit(t, d.gwFile, "key_log: {origin: "+witnessTestLog+", ",
		"key_log: {origin: "+witnessTestLog+", quorum: 1, witnesses: [{name: "+witnessTestName+", key: "+strconv.Quote(wvkey)+"}], ")
	logSK, err := keyfile.LoadSigning(filepath.Join(d.dir, "keylog.key"))
	if err != nil {
		t.Fatal(err)
	}
	logVKey, err := keystatement.VerifierKey(witnessTestLog, logSK.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	d.start(t)
	for deadline := time.Now().Add(10 * time.Second); logSize(t, d.gwURL) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the host's statements never reached the gateway's key log")
		}
	}
	return d, witnessKey, logVKey, logSK
}

// httpGet returns the status and body of GET url.
func httpGet(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// logSize is the size of the gateway's latest checkpoint.
func logSize(t *testing.T, gw string) int64 {
	t.Helper()
	status, body := httpGet(t, gw+"/v1/log/checkpoint")
	if status != http.StatusOK {
		t.Fatalf("GET checkpoint: %d %s", status, body)
	}
	text, _, _ := strings.Cut(string(body), "\n\n")
	c, err := verify.ParseCheckpoint(text + "\n")
	if err != nil {
		t.Fatal(err)
	}
	return c.Size
}

// listedKeys is how many keys the gateway's directory lists for acme-post.
func listedKeys(t *testing.T, gw string) int {
	t.Helper()
	status, body := httpGet(t, gw+"/v1/couriers")
	if status != http.StatusOK {
		t.Fatalf("GET couriers: %d %s", status, body)
	}
	var d api.Directory
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	for _, c := range d.Couriers {
		if c.ID == "acme-post" {
			return len(c.Keys)
		}
	}
	t.Fatalf("acme-post is not in the directory: %s", body)
	return 0
}

func witnessArgs(gw, key, logVKey, state string) []string {
	return []string{"witness", "--once", "--gateway", gw, "--key", key, "--name", witnessTestName, "--log-key", logVKey, "--state", state}
}

func TestWitnessCosignsAndTheGatewayListsTheKeys(t *testing.T) {
	d, witnessKey, logVKey, _ := witnessedDeployment(t)
	if n := listedKeys(t, d.gwURL); n != 0 {
		t.Fatalf("%d keys listed before any cosignature, want none", n)
	}
	if status, _ := httpGet(t, d.gwURL+"/v1/log/checkpoint?witnessed=1"); status != http.StatusNotFound {
		t.Fatalf("the witnessed checkpoint before any cosignature: %d, want 404", status)
	}
	state := filepath.Join(t.TempDir(), "witness.json")
	got := runCLI(t, nil, witnessArgs(d.gwURL, witnessKey, logVKey, state)...)
	if got.code != exitOK {
		t.Fatalf("witness: exit %d: %s", got.code, got.stderr)
	}
	size := logSize(t, d.gwURL)
	if !strings.Contains(got.stdout, "size "+strconv.FormatInt(size, 10)+" root ") || !strings.Contains(got.stdout, "cosigned") {
		t.Errorf("stdout %q, want a line naming the size %d and the cosignature", got.stdout, size)
	}
	if n := listedKeys(t, d.gwURL); n == 0 {
		t.Error("no key listed once the witness cosigned")
	}
	if status, body := httpGet(t, d.gwURL+"/v1/log/checkpoint?witnessed=1"); status != http.StatusOK {
		t.Errorf("the witnessed checkpoint: %d %s, want 200", status, body)
	}
	fi, err := os.Stat(state)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != 0o600 {
		t.Errorf("the state's mode is %v, want 0600", fi.Mode())
	}
	var st verify.State
	data, _ := os.ReadFile(state)
	if err := json.Unmarshal(data, &st); err != nil || len(st.Checkpoint) == 0 {
		t.Errorf("state %s (%v), want the checkpoint cosigned", data, err)
	}

	// A second round over the same log: consistent, cosigned again.
	if again := runCLI(t, nil, witnessArgs(d.gwURL, witnessKey, logVKey, state)...); again.code != exitOK {
		t.Errorf("a second round: exit %d: %s", again.code, again.stderr)
	}
}

// TestWitnessRefusesAForkOrRollbackAndPostsNothing: a state holding a
// checkpoint, signed by the log's key, that the gateway's log does not
// extend stops the witness with one line naming what the log did.
func TestWitnessRefusesAForkOrRollbackAndPostsNothing(t *testing.T) {
	d, witnessKey, logVKey, logSK := witnessedDeployment(t)
	signer, err := keystatement.NewSigner(witnessTestLog, logSK)
	if err != nil {
		t.Fatal(err)
	}
	size := logSize(t, d.gwURL)
	for _, tc := range []struct {
		name string
		size int64 // of the checkpoint kept, of a random root
		says string
	}{
		{"a fork: the gateway's size, another root", size, "forked"},
		{"a rollback: a larger log than the gateway's", size + 5, "rolled back"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var other tlog.Hash
			if _, err := rand.Read(other[:]); err != nil {
				t.Fatal(err)
			}
			kept, err := note.Sign(&note.Note{Text: verify.Checkpoint{Origin: witnessTestLog, Size: tc.size, Hash: other}.Text()}, signer)
			if err != nil {
				t.Fatal(err)
			}
			stateData, err := json.Marshal(verify.State{Checkpoint: kept})
			if err != nil {
				t.Fatal(err)
			}
			state := writeFile(t, filepath.Join(t.TempDir(), "witness.json"), string(stateData))

			got := runCLI(t, nil, witnessArgs(d.gwURL, witnessKey, logVKey, state)...)
			if got.code != exitFailure || !strings.Contains(got.stderr, tc.says) || strings.Count(strings.TrimSpace(got.stderr), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want exit 1 and one line saying the log %s", got.code, got.stderr, tc.says)
			}
			if strings.Contains(got.stdout, "cosigned") {
				t.Errorf("stdout %q: a cosignature reported", got.stdout)
			}
			if status, _ := httpGet(t, d.gwURL+"/v1/log/checkpoint?witnessed=1"); status != http.StatusNotFound {
				t.Errorf("the witnessed checkpoint after a refusal: %d, want 404 (nothing posted)", status)
			}
			if n := listedKeys(t, d.gwURL); n != 0 {
				t.Errorf("%d keys listed after a refusal, want none", n)
			}
			if data, _ := os.ReadFile(state); string(data) != string(stateData) {
				t.Errorf("the state changed: %s", data)
			}
		})
	}
}

// TestWitnessKeepsGoingUntilStopped: without --once, a round, then a wait
// of --interval, until the context ends.
func TestWitnessKeepsGoingUntilStopped(t *testing.T) {
	d, witnessKey, logVKey, _ := witnessedDeployment(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var waited []time.Duration
	var stdout, stderr bytes.Buffer
	args := witnessArgs(d.gwURL, witnessKey, logVKey, filepath.Join(t.TempDir(), "witness.json"))[2:] // no --once
	code := runContext(ctx, append([]string{"witness", "--interval", "3s"}, args...), env{
		stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, now: time.Now,
		after: func(d time.Duration) <-chan time.Time {
			waited = append(waited, d)
			if len(waited) == 2 {
				cancel()
			}
			ch := make(chan time.Time, 1)
			ch <- time.Now()
			return ch
		},
	})
	if code != exitOK || strings.Count(stdout.String(), "cosigned") != 2 || len(waited) != 2 || waited[0] != 3*time.Second {
		t.Errorf("exit %d, waited %v, stdout %q, stderr %q; want two rounds cosigned, 3s apart", code, waited, stdout.String(), stderr.String())
	}
}

func TestWitnessFlagsAreChecked(t *testing.T) {
	key := filepath.Join(t.TempDir(), "w.key")
	_, sk, _ := ed25519.GenerateKey(rand.Reader)
	if err := keyfile.SaveSigning(key, sk); err != nil {
		t.Fatal(err)
	}
	logVKey, _ := keystatement.VerifierKey(witnessTestLog, sk.Public().(ed25519.PublicKey))
	state := filepath.Join(t.TempDir(), "s.json")
	full := witnessArgs("http://127.0.0.1:1", key, logVKey, state)
	without := func(flag string) []string {
		for i, a := range full {
			if a == flag {
				return append(append([]string{}, full[:i]...), full[i+2:]...)
			}
		}
		t.Fatalf("no %s", flag)
		return nil
	}
	for name, tc := range map[string]struct {
		args []string
		says string
	}{
		"no log key":         {without("--log-key"), "--log-key is required"},
		"no key":             {without("--key"), "--key is required"},
		"no name":            {without("--name"), "--name is required"},
		"no state":           {without("--state"), "--state is required"},
		"a bad log key":      {append(without("--log-key"), "--log-key", "nope"), "--log-key"},
		"the log's own name": {append(without("--name"), "--name", witnessTestLog), "log's own name"},
		"a zero interval":    {append(full, "--interval", "0s"), "--interval"},
	} {
		t.Run(name, func(t *testing.T) {
			got := runCLI(t, nil, tc.args...)
			if got.code == exitOK || !strings.Contains(got.stderr, tc.says) {
				t.Errorf("exit %d, stderr %q; want a refusal naming %q", got.code, got.stderr, tc.says)
			}
		})
	}
}
