package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/config"
	"github.com/trackgate/trackgate/gateway/keyfile"
)

// gatewayKeyFor makes a gateway signing key in dir and returns its path
// and public key.
func gatewayKeyFor(t *testing.T, dir string) (string, ed25519.PublicKey) {
	t.Helper()
	if got := runCLI(t, nil, "keys", "gen", "--out", dir, "--kind", "signing"); got.code != exitOK {
		t.Fatalf("keys gen: %s", got.stderr)
	}
	path := filepath.Join(dir, signingKeyFile)
	sk, err := keyfile.LoadSigning(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, sk.Public().(ed25519.PublicKey)
}

// gatewayFileWith writes a gateway file whose couriers are the entries
// courier init wrote, the way the walkthrough of docs/adapters.md does.
func gatewayFileWith(t *testing.T, path, listen, signingKey string, bucketBits int, entries ...string) string {
	t.Helper()
	// The key log's checkpoint key, beside the file.
	logKey := filepath.Join(filepath.Dir(path), "keylog.key")
	if _, err := os.Stat(logKey); err != nil {
		_, sk, err := ed25519.GenerateKey(rand.Reader)
		if err == nil {
			err = keyfile.SaveSigning(logKey, sk)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var b strings.Builder
	b.WriteString("listen: " + listen + "\nbucket_bits: " + strconv.Itoa(bucketBits) + "\nsigning_key: " + signingKey +
		"\nkey_log: {origin: trackgate.test/log, key: " + strconv.Quote(logKey) + "}\ncouriers:\n")
	for _, e := range entries {
		data, err := os.ReadFile(e)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return writeFile(t, path, b.String())
}

func TestCourierInitWritesAHostFileAndTheGatewaysEntry(t *testing.T) {
	dir := t.TempDir()
	gwKeyPath, gwPub := gatewayKeyFor(t, filepath.Join(dir, "gateway"))
	out := filepath.Join(dir, "acme")
	got := runCLI(t, nil, "courier", "init", out, "--id", "acme-post", "--name", "Acme Post", "--adapter", "webhook",
		"--factor", "phone_last4", "--listen", "127.0.0.1:19001", "--gateway-url", "http://127.0.0.1:18081",
		"--gateway-key", gwKeyPath, "--pattern", `^AP[0-9]{12}$`)
	if got.code != exitOK {
		t.Fatalf("courier init: exit %d: %s", got.code, got.stderr)
	}

	// Secret files are the owner's alone.
	for _, name := range []string{"keys/oprf.key", "keys/signing.key", courierFile} {
		st, err := os.Stat(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, st.Mode().Perm())
		}
	}

	// The host's file loads as it is and knows the gateway's key.
	host, err := config.LoadCourier(filepath.Join(out, courierFile))
	if err != nil {
		t.Fatalf("the written file does not load: %v", err)
	}
	if host.Courier != "acme-post" || host.Mode != api.ModePush || host.Factor != crypto.FactorPhoneLast4 || host.BucketBits != 8 {
		t.Errorf("host file: courier %s, mode %s, factor %s, bucket_bits %d", host.Courier, host.Mode, host.Factor, host.BucketBits)
	}
	if !host.GatewayPublicKey().Equal(gwPub) {
		t.Error("gateway.public_key is not the gateway's key read from its key file")
	}
	if host.Gateway.URL != "http://127.0.0.1:18081" || host.Adapter.Options["factor"] != crypto.FactorPhoneLast4 ||
		!filepath.IsAbs(host.Adapter.Options["state"]) || host.Adapter.Options["token_env"] != "ACME_POST_WEBHOOK_TOKEN" {
		t.Errorf("host file: gateway.url %s, adapter options %v", host.Gateway.URL, host.Adapter.Options)
	}
	served := host.ServedKeys(time.Now())
	if len(served) != 1 {
		t.Fatalf("the host serves %d OPRF keys, want the one made", len(served))
	}

	// The printed entry is the file's, and a gateway file with it loads
	// and registers the host's own signing key.
	entry, err := os.ReadFile(filepath.Join(out, gatewayEntryFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.stdout, string(entry)) {
		t.Errorf("the printed entry is not %s:\n%s", gatewayEntryFile, got.stdout)
	}
	for _, want := range []string{served[0].KeyID, "bucket_bits must be 8", "trackgate courier --config " + filepath.Join(out, courierFile),
		"export ACME_POST_WEBHOOK_TOKEN=", "trackgate serve --courier " + filepath.Join(out, courierFile)} {
		if !strings.Contains(got.stdout, want) {
			t.Errorf("the output does not say %q:\n%s", want, got.stdout)
		}
	}
	gwFile := gatewayFileWith(t, filepath.Join(dir, "gateway.yaml"), "127.0.0.1:18081", gwKeyPath, 8, filepath.Join(out, gatewayEntryFile))
	gw, err := config.LoadGateway(gwFile)
	if err != nil {
		t.Fatalf("a gateway file with the entry does not load: %v", err)
	}
	c := gw.Couriers[0]
	if c.ID != "acme-post" || c.Name != "Acme Post" || c.Hosts[0] != "http://127.0.0.1:19001" || c.Mode != api.ModePush ||
		c.Factor != crypto.FactorPhoneLast4 || len(c.Patterns) != 1 || c.Patterns[0].Regex != `^AP[0-9]{12}$` {
		t.Errorf("the gateway's entry: %+v", c)
	}
	if !gw.CourierPublicKey(0).Equal(host.SigningPublicKey()) {
		t.Error("the entry's public_key is not the host's signing key")
	}
}

func TestCourierInitRefusesToReplaceAnyFile(t *testing.T) {
	for _, existing := range []string{"keys/oprf.key", "keys/signing.key", courierFile, gatewayEntryFile, "watchlist.jsonl"} {
		t.Run(existing, func(t *testing.T) {
			out := t.TempDir()
			path := filepath.Join(out, existing)
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			writeFile(t, path, "mine\n")
			before := listTree(t, out)
			got := runCLI(t, nil, "courier", "init", out, "--id", "lark-post", "--adapter", "dhl", "--mode", "pull")
			if got.code != exitFailure || !strings.Contains(got.stderr, "Refusing to replace "+path) || !strings.Contains(got.stderr, "wrote nothing") {
				t.Errorf("exit %d, stderr %q; want 1 and a sentence naming %s", got.code, got.stderr, path)
			}
			if after := listTree(t, out); !slices.Equal(before, after) {
				t.Errorf("the directory changed: %v, then %v", before, after)
			}
			if data, _ := os.ReadFile(path); string(data) != "mine\n" {
				t.Errorf("%s was replaced", existing)
			}
		})
	}
}

// listTree lists every path under dir.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		paths = append(paths, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// TestCourierInitForEveryAdapter: whatever adapter and mode, the host's
// file loads, with placeholders where credentials go; the adapters that
// need none open and run as written.
func TestCourierInitForEveryAdapter(t *testing.T) {
	gwKey, _ := gatewayKeyFor(t, filepath.Join(t.TempDir(), "gateway"))
	for _, name := range adapters.Names() {
		for _, mode := range []string{api.ModePush, api.ModePull} {
			t.Run(name+"/"+mode, func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "c")
				id := "try-" + name
				if name == "simulator" {
					id = "sim-swift"
				}
				got := runCLI(t, nil, "courier", "init", out, "--id", id, "--adapter", name, "--mode", mode, "--gateway-key", gwKey)
				if got.code != exitOK {
					t.Fatalf("exit %d: %s", got.code, got.stderr)
				}
				host, err := config.LoadCourier(filepath.Join(out, courierFile), config.WithGetenv(func(string) string { return "" }))
				if err != nil {
					t.Fatalf("the written file does not load: %v", err)
				}
				if host.Mode != mode || host.Adapter.Name != name {
					t.Errorf("mode %s, adapter %s", host.Mode, host.Adapter.Name)
				}
				placeholder := false
				for _, v := range host.Adapter.Options {
					placeholder = placeholder || strings.HasPrefix(v, placeholderPrefix)
				}
				if placeholder != strings.Contains(got.stdout, "Fill in the adapter's options") {
					t.Errorf("placeholders in the options: %v, yet the output says:\n%s", placeholder, got.stdout)
				}
				if name != webhookAdapter && name != "simulator" {
					return
				}
				t.Setenv("TRY_WEBHOOK_WEBHOOK_TOKEN", strings.Repeat("t", 32))
				if name == webhookAdapter {
					host.Adapter.Options["listen"] = "127.0.0.1:0"
				}
				gin.SetMode(gin.ReleaseMode) // as runCourier does: no route listing
				built, err := host.Build(t.Context(), nil)
				if err != nil {
					t.Fatalf("the written file does not build: %v", err)
				}
				if err := built.Close(); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// TestEveryTemplatedOptionOpensItsAdapter: the options courier init
// writes for a carrier adapter, each commented one set in turn, are
// options the adapter knows and takes, placeholders filled in.
func TestEveryTemplatedOptionOpensItsAdapter(t *testing.T) {
	for _, name := range []string{"sfexpress", "dhl", "ups", "fedex", "jdl", "zto", "declarative"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			opts, watchlist := adapterTemplate(courierInitFlags{id: "try-" + name, adapter: name, factor: "none"}, dir)
			if len(opts) == 0 || watchlist == "" {
				t.Fatalf("no template (%d options, watchlist %q)", len(opts), watchlist)
			}
			writeFile(t, watchlist, "")
			written := map[string]string{}
			for _, o := range opts {
				if !o.commented {
					written[o.name] = strings.Replace(o.value, placeholderPrefix, "x-", 1)
				}
			}
			open := func(what string, options map[string]string) {
				t.Helper()
				src, err := adapters.Open(name, options)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if c, ok := src.(adapters.Closer); ok {
					c.Close()
				}
			}
			open("as written", written)
			for _, o := range opts {
				if !o.commented {
					continue
				}
				options := maps.Clone(written)
				options[o.name] = o.value
				switch { // the alternatives of a written option replace it
				case o.name == "file":
					delete(options, "carrier")
					options[o.name] = "../../adapters/declarative/carriers/dhl.yaml"
				case strings.HasSuffix(o.name, "_env"):
					delete(options, strings.TrimSuffix(o.name, "_env"))
					t.Setenv(o.value, "x-key")
				}
				open(o.name+" set", options)
			}
		})
	}
}

func TestCourierInitUsageMistakes(t *testing.T) {
	keyDir := t.TempDir()
	gwKey, _ := gatewayKeyFor(t, keyDir)
	oprfOnly := filepath.Join(t.TempDir(), "o")
	if got := runCLI(t, nil, "keys", "gen", "--out", oprfOnly, "--kind", "oprf"); got.code != exitOK {
		t.Fatal(got.stderr)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no id", []string{"--adapter", "webhook"}, "--id is required"},
		{"bad id", []string{"--id", "Acme Post", "--adapter", "webhook"}, `--id "Acme Post"`},
		{"no adapter", []string{"--id", "acme"}, "--adapter is required; this binary has: "},
		{"unknown adapter", []string{"--id", "acme", "--adapter", "larkpost2"}, `--adapter "larkpost2" is not in this binary`},
		{"bad mode", []string{"--id", "acme", "--adapter", "webhook", "--mode", "poll"}, `--mode "poll"`},
		{"bad factor", []string{"--id", "acme", "--adapter", "webhook", "--factor", "phone"}, `--factor "phone"`},
		{"bad bucket bits", []string{"--id", "acme", "--adapter", "webhook", "--bucket-bits", "25"}, "--bucket-bits 25"},
		{"listen off loopback without host", []string{"--id", "acme", "--adapter", "webhook", "--listen", "0.0.0.0:19001"}, "give it with --host"},
		{"plain http host off loopback", []string{"--id", "acme", "--adapter", "webhook", "--listen", "0.0.0.0:19001", "--host", "http://tg1.acme.example"}, "plain HTTP off loopback"},
		{"plain http gateway off loopback", []string{"--id", "acme", "--adapter", "webhook", "--gateway-url", "http://gateway.example"}, "--gateway-url"},
		{"bad pattern", []string{"--id", "acme", "--adapter", "webhook", "--pattern", "^AP[0-9"}, `--pattern "^AP[0-9"`},
		{"bad option", []string{"--id", "acme", "--adapter", "webhook", "--option", "listen"}, `--option "listen" must be NAME=VALUE`},
		{"bad gateway key", []string{"--id", "acme", "--adapter", "webhook", "--gateway-key", "nope"}, `--gateway-key "nope" is neither`},
		{"oprf key as gateway key", []string{"--id", "acme", "--adapter", "webhook", "--gateway-key", filepath.Join(oprfOnly, oprfKeyFile)}, "is an OPRF key"},
		{"bad validity", []string{"--id", "acme", "--adapter", "webhook", "--valid", "forever"}, `--valid "forever"`},
		{"no directory", nil, "takes the directory to write to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "c")
			args := append([]string{"courier", "init", out}, tt.args...)
			if tt.args == nil {
				args = []string{"courier", "init", "--id", "acme", "--adapter", "webhook", "--gateway-key", gwKey}
			}
			got := runCLI(t, nil, args...)
			if got.code != exitUsage || !strings.Contains(got.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", got.code, got.stderr, tt.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was created for a usage mistake", out)
			}
		})
	}
}
