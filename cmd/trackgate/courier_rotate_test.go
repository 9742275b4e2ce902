package main

import (
	"crypto/ed25519"
	"fmt"
	"maps"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/remotehost"
	"github.com/trackgate/trackgate/gateway/signing"
)

var pullLine = regexp.MustCompile(`^trackgate courier host sim-global \(pull mode\) on (http://127\.0\.0\.1:[0-9]+); keys: ([A-Za-z0-9_-]{11})$`)

// TestACourierHostServesARotatedKeyWithoutARestart runs `trackgate
// courier` as a real process, rotates its OPRF key with `trackgate keys
// rotate`, and sends it SIGHUP: the same process then serves the new key
// beside the old one, shortened to the overlap, and evaluates under it.
func TestACourierHostServesARotatedKeyWithoutARestart(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"keys", "gen", "--out", filepath.Join(dir, "gateway"), "--kind", "signing"},
		{"keys", "gen", "--out", filepath.Join(dir, "sim-global")},
	} {
		if got := runCLI(t, nil, args...); got.code != exitOK {
			t.Fatalf("%v: %s", args, got.stderr)
		}
	}
	gatewayKey, err := keyfile.Load(filepath.Join(dir, "gateway", signingKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	courierKey, err := keyfile.Load(filepath.Join(dir, "sim-global", signingKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	configFile := writeFile(t, filepath.Join(dir, "courier.yaml"), fmt.Sprintf(`
courier: sim-global
listen: 127.0.0.1:0
mode: pull
factor: none
bucket_bits: 8
adapter:
  name: simulator
  options: {courier: sim-global, seed: 3, parcels: 20}
oprf_keys: sim-global
signing_key: sim-global/signing.key
gateway:
  public_key: %s
`, crypto.EncodeB64(gatewayKey.Signing.Public().(ed25519.PublicKey))))

	courier := startTrackgate(t, "courier", "--config", configFile, "--log-format", "json")
	m := pullLine.FindStringSubmatch(courier.firstLine(t))
	if m == nil {
		t.Fatalf("courier printed no line naming its URL and key:\n%s", courier.stderr)
	}
	oldKid := m[2]
	host := remotehost.New(m[1], &signing.Signer{KeyID: "gateway", Key: gatewayKey.Signing, Audience: "sim-global"},
		courierKey.Signing.Public().(ed25519.PublicKey), &http.Client{Timeout: 10 * time.Second})

	rotated := runCLI(t, nil, "keys", "rotate", "--dir", filepath.Join(dir, "sim-global"), "--overlap", "1h")
	newKid := regexp.MustCompile(`kid:\s+([A-Za-z0-9_-]{11})`).FindStringSubmatch(rotated.stdout)
	if rotated.code != exitOK || newKid == nil {
		t.Fatalf("keys rotate: exit %d\n%s%s", rotated.code, rotated.stdout, rotated.stderr)
	}
	if err := courier.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}

	var keys []api.Key
	waitFor(t, "the host to serve the new key", func() bool {
		keys, err = host.Keys(t.Context())
		return err == nil && len(keys) == 2
	})
	byKid := map[string]api.Key{}
	for _, k := range keys {
		byKid[k.KeyID] = k
	}
	if _, ok := byKid[newKid[1]]; !ok {
		t.Fatalf("the host serves %v, want the new key %s", slices.Sorted(maps.Keys(byKid)), newKid[1])
	}
	if old, ok := byKid[oldKid]; !ok || old.NotAfter.After(time.Now().Add(time.Hour+time.Minute)) {
		t.Errorf("the old key %s: %+v; want it served until the end of the overlap, an hour from now", oldKid, old)
	}
	pk, err := crypto.ParsePublicKey(byKid[newKid[1]].PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	b, err := crypto.Blind(pk, [][]byte{crypto.Input("sim-global", "GP000000014CN", "")})
	if err != nil {
		t.Fatal(err)
	}
	evaluated, proof, err := host.Evaluate(t.Context(), newKid[1], b.Elements)
	if err != nil {
		t.Fatalf("evaluate under the new key: %v", err)
	}
	if _, err := b.Finalize(evaluated, proof); err != nil {
		t.Fatalf("the evaluation under the new key does not verify: %v", err)
	}
	if courier.cmd.ProcessState != nil {
		t.Fatal("the courier process ended")
	}
	courier.stop(t)
	logs := courier.stderr.String()
	for _, want := range []string{"SIGHUP: reloading the keys", "OPRF keys changed", newKid[1]} {
		if !strings.Contains(logs, want) {
			t.Errorf("the courier's logs lack %q:\n%s", want, logs)
		}
	}
}
