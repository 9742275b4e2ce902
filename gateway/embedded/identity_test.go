package embedded

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// started is a built deployment, its directory refreshed, served.
type started struct {
	d    *Deployment
	url  string
	dir  api.Directory
	etag string
}

func startIn(t *testing.T, stateDir string, now func() time.Time) started {
	t.Helper()
	d, err := Build(Config{ParcelsPerCourier: 20, StateDir: stateDir, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Gateway.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Gateway.Handler())
	t.Cleanup(srv.Close)
	s := started{d: d, url: srv.URL}
	body, header := httpGet(t, srv.URL+"/v1/couriers")
	if err := json.Unmarshal(body, &s.dir); err != nil {
		t.Fatal(err)
	}
	s.etag = header.Get("ETag")
	return s
}

func httpGet(t *testing.T, url string) ([]byte, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s %v", url, resp.StatusCode, body, err)
	}
	return body, resp.Header
}

// courierKeys is every courier's OPRF public keys with their windows and
// its signing-key statements, as the directory shows them.
func courierKeys(dir api.Directory) string {
	var b strings.Builder
	for _, c := range dir.Couriers {
		fmt.Fprintf(&b, "%s:", c.ID)
		for _, k := range c.Keys {
			fmt.Fprintf(&b, " %x %s %s", k.PublicKey, k.NotBefore, k.NotAfter)
		}
		for _, s := range c.Log.SigningKeys {
			fmt.Fprintf(&b, " %q", s.Statement)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func checkpointOf(t *testing.T, dir api.Directory) verify.Checkpoint {
	t.Helper()
	text, _, _ := strings.Cut(dir.KeyLog.Checkpoint, "\n\n")
	c, err := verify.ParseCheckpoint(text + "\n")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAStateDirKeepsTheKeyLogAcrossRestarts: two deployments built on one
// state dir present the same directory, key log and courier keys; one
// built after the keys expired renews them and grows the same log, which
// a client that trusted the first verifies as consistent.
func TestAStateDirKeepsTheKeyLogAcrossRestarts(t *testing.T) {
	stateDir := filepath.Join(t.TempDir(), "serve")
	first := startIn(t, stateDir, nil)
	second := startIn(t, stateDir, nil)
	if first.etag == "" || first.etag != second.etag {
		t.Errorf("directory ETag %s, then %s after a restart; want the same", first.etag, second.etag)
	}
	if first.dir.KeyLog.Checkpoint != second.dir.KeyLog.Checkpoint {
		t.Errorf("checkpoint\n%s\nthen, after a restart,\n%s", first.dir.KeyLog.Checkpoint, second.dir.KeyLog.Checkpoint)
	}
	if a, b := courierKeys(first.dir), courierKeys(second.dir); a != b || len(first.dir.Couriers) != 3 {
		t.Errorf("courier keys\n%s\nthen, after a restart,\n%s", a, b)
	}
	for _, c := range first.dir.Couriers {
		if len(c.Keys) != 1 || c.Keys[0].NotBefore.Nanosecond() != 0 || c.Keys[0].NotBefore.Location() != time.UTC {
			t.Errorf("%s: keys %+v, want one with a window in whole seconds UTC", c.ID, c.Keys)
		}
	}
	info, err := os.Stat(filepath.Join(stateDir, IdentityFile))
	if err != nil {
		t.Fatal(err)
	}
	dirInfo, err := os.Stat(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 || dirInfo.Mode().Perm() != 0o700 {
		t.Errorf("identity file mode %v in a directory %v, want 0600 in 0700", info.Mode().Perm(), dirInfo.Mode().Perm())
	}

	// A client that trusted the first deployment.
	_, logKey, err := keystatement.ParseVerifierKey(first.dir.KeyLog.Key)
	if err != nil {
		t.Fatal(err)
	}
	v, err := verify.New(verify.Config{Origin: KeyLogOrigin, LogKey: logKey}, verify.State{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Update([]byte(first.dir.KeyLog.Checkpoint), nil); err != nil {
		t.Fatal(err)
	}

	later := time.Now().Add(keyLifetime + 24*time.Hour)
	third := startIn(t, stateDir, func() time.Time { return later })
	if third.dir.KeyLog.Key != first.dir.KeyLog.Key {
		t.Fatal("the log's key changed with the couriers' keys")
	}
	old, next := checkpointOf(t, first.dir), checkpointOf(t, third.dir)
	if next.Size != old.Size+3 {
		t.Fatalf("log of %d entries after the keys expired, want %d: the old ones and a new key per courier", next.Size, old.Size+3)
	}
	for i, c := range third.dir.Couriers {
		if len(c.Keys) != 1 || bytes.Equal(c.Keys[0].PublicKey, first.dir.Couriers[i].Keys[0].PublicKey) || !c.Keys[0].NotAfter.After(later) {
			t.Errorf("%s: keys %+v after the old one expired, want a new one valid then", c.ID, c.Keys)
		}
		if c.Log.SigningKeys[0].Statement != first.dir.Couriers[i].Log.SigningKeys[0].Statement {
			t.Errorf("%s: its signing key changed", c.ID)
		}
	}
	body, _ := httpGet(t, fmt.Sprintf("%s/v1/log/consistency?old=%d&new=%d", third.url, old.Size, next.Size))
	var answer api.LogProof
	if err := json.Unmarshal(body, &answer); err != nil {
		t.Fatal(err)
	}
	proof := make(tlog.TreeProof, len(answer.Proof))
	for i, h := range answer.Proof {
		copy(proof[i][:], h)
	}
	if _, err := v.Update([]byte(third.dir.KeyLog.Checkpoint), proof); err != nil {
		t.Fatalf("the grown log is not consistent with the one the client trusted: %v", err)
	}
	for _, c := range third.dir.Couriers {
		if _, err := v.VerifyCourier(verify.Courier{ID: c.ID, SigningKeys: proven(t, c.Log.SigningKeys), Keys: proven(t, c.Log.Keys)}, later); err != nil {
			t.Errorf("%s: %v", c.ID, err)
		}
	}
}

// TestAnUnusableIdentityFileIsRefusedNotReplaced: the file names itself
// and the fix, and is left as it was.
func TestAnUnusableIdentityFileIsRefusedNotReplaced(t *testing.T) {
	for name, content := range map[string]string{
		"not JSON":           "{",
		"short log key":      `{"log_key": "AAAA"}`,
		"entry of no note":   `{"log_entries": ["hello"]}`,
		"broken courier key": `{"couriers": {"sim-swift": {"signing_key": "AAAA"}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, IdentityFile)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Build(Config{ParcelsPerCourier: 5, StateDir: dir})
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "remove it to start a new identity") {
				t.Fatalf("Build: %v; want an error naming %s and the fix", err, path)
			}
			if got, _ := os.ReadFile(path); string(got) != content {
				t.Error("the unusable file was replaced")
			}
		})
	}
}
