package config

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"gopkg.in/yaml.v3"

	_ "github.com/trackgate/trackgate/adapters/simulator" // the adapter the files name
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/keyfile"
)

// fixture is a directory of key files for a gateway and one push and one
// pull courier host.
type fixture struct {
	dir         string
	gatewayPub  ed25519.PublicKey
	gatewayKey  ed25519.PrivateKey
	logPub      ed25519.PublicKey // the key log's checkpoint key
	courierPub  ed25519.PublicKey
	pullPub     ed25519.PublicKey // the pull courier host's signing key
	oprfDir     string            // two OPRF keys with overlapping windows, and a signing key
	oprfFile    string
	kids        []string
	expiredFile string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir()}
	f.gatewayPub, f.gatewayKey = saveSigning(t, filepath.Join(f.dir, "gateway-signing.key"))
	f.logPub, _ = saveSigning(t, filepath.Join(f.dir, "log-signing.key"))
	f.courierPub, _ = saveSigning(t, filepath.Join(f.dir, "courier-signing.key"))
	f.pullPub, _ = saveSigning(t, filepath.Join(f.dir, "pull-signing.key"))
	f.oprfDir = filepath.Join(f.dir, "oprf")
	if err := os.Mkdir(f.oprfDir, 0o700); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	// The old key retires in a week; the new one began an hour ago.
	f.kids = append(f.kids,
		saveOPRF(t, filepath.Join(f.oprfDir, "oprf.key"), now.Add(-30*24*time.Hour), now.Add(7*24*time.Hour)),
		saveOPRF(t, filepath.Join(f.oprfDir, "oprf-new.key"), now.Add(-time.Hour), now.Add(90*24*time.Hour)))
	saveSigning(t, filepath.Join(f.oprfDir, "signing.key")) // beside them, and passed over
	f.oprfFile = filepath.Join(f.dir, "single-oprf.key")
	saveOPRF(t, f.oprfFile, now.Add(-time.Hour), now.Add(24*time.Hour))
	f.expiredFile = filepath.Join(f.dir, "expired-oprf.key")
	saveOPRF(t, f.expiredFile, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	if err := os.Mkdir(filepath.Join(f.dir, "state"), 0o700); err != nil {
		t.Fatal(err)
	}
	return f
}

func saveSigning(t *testing.T, path string) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := keyfile.SaveSigning(path, sk); err != nil {
		t.Fatal(err)
	}
	return pub, sk
}

func saveOPRF(t *testing.T, path string, notBefore, notAfter time.Time) string {
	t.Helper()
	k, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := keyfile.SaveOPRF(path, k, notBefore, notAfter); err != nil {
		t.Fatal(err)
	}
	return k.Public().KeyID()
}

// gatewayDoc is a valid gateway file, relative paths included, as a tree
// the tests edit.
func (f *fixture) gatewayDoc() map[string]any {
	return map[string]any{
		"listen":      "127.0.0.1:8081",
		"bucket_bits": 8,
		"signing_key": "gateway-signing.key",
		"key_log":     map[string]any{"origin": "trackgate.example/log", "key": "log-signing.key"},
		"redis": map[string]any{
			"addrs":        []any{"127.0.0.1:6379"},
			"password_env": "TEST_REDIS_PASSWORD",
		},
		"trusted_proxies": []any{"10.0.0.0/8", "192.0.2.1"},
		"timeouts":        map[string]any{"evaluate": "2s", "http_write": "20s"},
		"limits":          map[string]any{"evaluate_rate": 10, "evaluate_burst": 128, "fetch_rate": 30, "fetch_burst": 90},
		"couriers": []any{
			map[string]any{
				"id": "sim-panda", "name": "Panda Logistics", "host": "http://127.0.0.1:19002",
				"public_key": crypto.EncodeB64(f.courierPub), "mode": "push", "factor": "phone_last4",
				"patterns": []any{map[string]any{"regex": "^77[0-9]{11}$", "checksum": ""}},
			},
			map[string]any{
				"id": "sim-global", "name": "Global Parcel Line", "host": "http://127.0.0.1:19003",
				"public_key": crypto.EncodeB64(f.pullPub), "mode": "pull", "factor": "none",
				"patterns": []any{map[string]any{"regex": "^GP[0-9]{9}[A-Z]{2}$", "checksum": "mod11"}},
			},
		},
	}
}

// courierDoc is a valid push-mode courier host file.
func (f *fixture) courierDoc() map[string]any {
	return map[string]any{
		"courier":     "sim-panda",
		"listen":      "127.0.0.1:19002",
		"mode":        "push",
		"factor":      "phone_last4",
		"bucket_bits": 8,
		"adapter": map[string]any{
			"name":    "simulator",
			"options": map[string]any{"courier": "sim-panda", "seed": 7, "parcels": 40},
		},
		"oprf_keys":   "oprf",
		"signing_key": "courier-signing.key",
		"gateway": map[string]any{
			"url":        "http://127.0.0.1:8081",
			"public_key": crypto.EncodeB64(f.gatewayPub),
		},
		"outbox":     "state/outbox.db",
		"record_ttl": "7d",
	}
}

// pullDoc is a valid pull-mode courier host file.
func (f *fixture) pullDoc() map[string]any {
	d := f.courierDoc()
	d["courier"], d["mode"], d["factor"] = "sim-global", "pull", "none"
	d["adapter"] = map[string]any{"name": "simulator", "options": map[string]any{"courier": "sim-global", "parcels": 40}}
	d["signing_key"] = "pull-signing.key"
	delete(d, "outbox")
	delete(d["gateway"].(map[string]any), "url")
	return d
}

// edit sets (or, for a nil value, deletes) the value at a dotted path;
// list items are addressed by their index ("couriers.1.id").
func edit(t *testing.T, doc map[string]any, path string, value any) {
	t.Helper()
	parts := strings.Split(path, ".")
	var node any = doc
	for i, p := range parts {
		last := i == len(parts)-1
		switch n := node.(type) {
		case map[string]any:
			if last {
				if value == nil {
					delete(n, p)
				} else {
					n[p] = value
				}
				return
			}
			if _, ok := n[p]; !ok {
				n[p] = map[string]any{}
			}
			node = n[p]
		case []any:
			idx, err := strconv.Atoi(p)
			if err != nil || idx >= len(n) {
				t.Fatalf("edit %s: no item %s", path, p)
			}
			if last {
				n[idx] = value
				return
			}
			node = n[idx]
		default:
			t.Fatalf("edit %s: %s is not a mapping or list", path, p)
		}
	}
}

func marshal(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	b, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

func (f *fixture) getenv(name string) string {
	if name == "TEST_REDIS_PASSWORD" {
		return "s3cret"
	}
	return ""
}

func (f *fixture) opts() loadOptions {
	return loadOptions{getenv: f.getenv, now: time.Now}
}

// fieldOf returns the field a *FieldError names, or fails the test.
func fieldOf(t *testing.T, err error) *FieldError {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FieldError", err, err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("error %v does not wrap ErrInvalid", err)
	}
	return fe
}
