package main

import (
	"crypto/ed25519"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/config"
	"github.com/trackgate/trackgate/gateway/embedded"
	"github.com/trackgate/trackgate/gateway/keyfile"
)

// What courier init writes in DIR.
const (
	courierFile      = "courier.yaml"
	gatewayEntryFile = "gateway-entry.yaml"
	courierKeysDir   = "keys"
	courierStateDir  = "state"
)

// defaultGatewayURL is where 'trackgate serve' listens by default.
const defaultGatewayURL = "http://127.0.0.1:8080"

type courierInitFlags struct {
	id, name, adapter     string
	mode, factor          string
	bucketBits            int
	listen, host          string
	gatewayURL, gatewayID string
	gatewayKey            string
	patterns, options     []string
	valid                 string
}

func newCourierInitCmd(e env) *cobra.Command {
	var f courierInitFlags
	cmd := &cobra.Command{
		Use:   "init DIR --id ID --adapter NAME",
		Short: "Write a new courier's keys and courier host configuration, and the gateway's entry for it",
		Long: `init prepares a new courier's host in DIR (created with mode 0700 if missing):

  keys/oprf.key, keys/signing.key   the courier's OPRF key and its host's
                                    signing key, as 'trackgate keys gen'
                                    writes them (mode 0600)
  courier.yaml                      the courier host's configuration, every
                                    field commented, for the adapter --adapter
                                    with its options (mode 0600: adapter
                                    options may hold credentials)
  gateway-entry.yaml                the entry the gateway's operator adds under
                                    couriers: in the gateway's file
  state/                            the host's state: in push mode its outbox

It never replaces a file: if any of them exists, it says which and writes
nothing. It prints the gateway's entry (courier id, host URL, the host's
signing public key, mode and factor, with the bucket_bits and record_size
the gateway must share) and the commands that start the host, on its own or
inside the embedded demo gateway (trackgate serve --courier).

The host needs the gateway's signing public key (gateway.public_key): give it
with --gateway-key, as 'trackgate keys show' prints it for the gateway's
signing.key, or the path of that key file when both run on this machine (only
its public half is read). Without it the file holds a placeholder to replace
before the host runs on its own; serve --courier needs none.

Adapter options that are paths (a webhook state file, a watchlist) are
written absolute, since adapters do not resolve them against the file; an
empty watchlist file is created for adapters that poll one. Every option can
be set or replaced with --option NAME=VALUE.`,
		Example: `  trackgate courier init acme --id acme-post --adapter webhook --factor phone_last4
  trackgate courier init lark --id lark-post --adapter dhl --mode pull \
      --listen 127.0.0.1:19002 --gateway-key gateway/signing.key --option api_key=…
  trackgate courier init /etc/trackgate/acme --id acme-post --adapter webhook \
      --listen 0.0.0.0:19001 --host https://tg1.acme.example \
      --gateway-url https://gateway.example --gateway-key qS0u…`,
		Args: exactArgs(1, "the directory to write to"),
		RunE: func(_ *cobra.Command, args []string) error { return runCourierInit(e, args[0], f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.id, "id", "", "the courier id, as the gateway registers it: 2 to 32 lower-case letters, digits or '-' (required)")
	fl.StringVar(&f.adapter, "adapter", "", "the adapter, by the name it registers (required): "+strings.Join(adapters.Names(), ", "))
	fl.StringVar(&f.name, "name", "", "the courier's name as shoppers see it (default: the id)")
	fl.StringVar(&f.mode, "mode", api.ModePush, "push (the host publishes records to the gateway) or pull (the gateway asks the host)")
	fl.StringVar(&f.factor, "factor", crypto.FactorNone, "none, or phone_last4 (shoppers give the last 4 digits of a phone number)")
	fl.IntVar(&f.bucketBits, "bucket-bits", embedded.DefaultBucketBits, "the deployment's bucket_bits, the same as the gateway's")
	fl.StringVar(&f.listen, "listen", "127.0.0.1:19001", "the address the host serves its signed /tg1 API on")
	fl.StringVar(&f.host, "host", "", "the URL the gateway reaches the host at (default: http:// and --listen, when that is on loopback)")
	fl.StringVar(&f.gatewayURL, "gateway-url", defaultGatewayURL, "the gateway's base URL, where a push host publishes")
	fl.StringVar(&f.gatewayID, "gateway-id", config.DefaultGatewayID, "the gateway's gateway_id")
	fl.StringVar(&f.gatewayKey, "gateway-key", "", "the gateway's signing public key (base64url), or the path of the gateway's signing key file")
	fl.StringArrayVar(&f.patterns, "pattern", nil, "a regular expression over the courier's normalized tracking numbers, for detection (repeatable)")
	fl.StringArrayVar(&f.options, "option", nil, "an adapter option NAME=VALUE, set or replacing the template's (repeatable)")
	fl.StringVar(&f.valid, "valid", "90d", "how long the OPRF key is valid from now: days (90d) or a Go duration (2160h)")
	return cmd
}

// courierInit is what init writes, decided before anything is written.
type courierInit struct {
	flags       courierInitFlags
	dir, absDir string
	hostURL     string
	gatewayKey  ed25519.PublicKey // nil: a placeholder in the file
	options     []adapterOption
	watchlist   string // the empty watchlist file to create, if any
}

func runCourierInit(e env, dir string, f courierInitFlags) error {
	ci, err := planCourierInit(dir, f)
	if err != nil {
		return err
	}
	keysDir := filepath.Join(dir, courierKeysDir)
	oprfPath, signingPath := filepath.Join(keysDir, oprfKeyFile), filepath.Join(keysDir, signingKeyFile)
	hostPath, entryPath := filepath.Join(dir, courierFile), filepath.Join(dir, gatewayEntryFile)
	// Every file first, so that a refusal writes nothing.
	for _, p := range []string{oprfPath, signingPath, hostPath, entryPath, ci.watchlist} {
		if _, err := os.Lstat(p); p != "" && err == nil {
			return fmt.Errorf("refusing to replace %s, which already exists: courier init writes only new files, and wrote nothing; choose a new directory, or move the old files away", p)
		}
	}
	for _, d := range []string{dir, filepath.Join(dir, courierStateDir)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	// The keys exactly as 'keys gen --out DIR/keys' makes them.
	if err := runKeysGen(e, keysGenFlags{out: keysDir, kind: "all", valid: f.valid}); err != nil {
		return err
	}
	signing, err := keyfile.LoadSigning(signingPath)
	if err != nil {
		return err
	}
	oprf, err := keyfile.LoadOPRF(oprfPath)
	if err != nil {
		return err
	}
	if ci.watchlist != "" {
		if err := writeNewFile(ci.watchlist, nil, 0o600); err != nil {
			return err
		}
	}
	if err := writeNewFile(hostPath, []byte(ci.courierYAML()), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Wrote %s (the courier host's configuration, mode 0600)\n", hostPath)
	entry := ci.gatewayEntry(signing.Public().(ed25519.PublicKey), oprf.Key.Public().KeyID())
	if err := writeNewFile(entryPath, []byte(entry), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Wrote %s (the gateway's entry for %s)\n", entryPath, f.id)
	ci.printNextSteps(e, entry)
	return nil
}

// planCourierInit checks the flags and works out what to write.
func planCourierInit(dir string, f courierInitFlags) (*courierInit, error) {
	if f.name == "" {
		f.name = f.id
	}
	switch {
	case f.id == "":
		return nil, usageErrorf("--id is required: the courier id the gateway registers, e.g. --id acme-post")
	case crypto.CheckCourierID(f.id) != nil:
		return nil, usageErrorf("--id %q must be 2 to 32 lower-case letters, digits or '-', starting with a letter or digit", f.id)
	case f.adapter == "":
		return nil, usageErrorf("--adapter is required; this binary has: %s", strings.Join(adapters.Names(), ", "))
	case !slices.Contains(adapters.Names(), f.adapter):
		return nil, usageErrorf("--adapter %q is not in this binary; it has: %s", f.adapter, strings.Join(adapters.Names(), ", "))
	case f.mode != api.ModePush && f.mode != api.ModePull:
		return nil, usageErrorf("--mode %q must be push or pull", f.mode)
	case f.factor != crypto.FactorNone && f.factor != crypto.FactorPhoneLast4:
		return nil, usageErrorf("--factor %q must be none or phone_last4", f.factor)
	case crypto.CheckBucketBits(f.bucketBits) != nil:
		return nil, usageErrorf("--bucket-bits %d must be from 0 to %d, the gateway's bucket_bits", f.bucketBits, crypto.MaxBucketBits)
	case crypto.CheckCourierID(f.gatewayID) != nil:
		return nil, usageErrorf("--gateway-id %q must be the gateway's gateway_id: 2 to 32 lower-case letters, digits or '-'", f.gatewayID)
	case strings.ContainsFunc(f.name, func(r rune) bool { return r < ' ' }):
		return nil, usageErrorf("--name must be one line of text")
	}
	if _, err := parseValidity(f.valid); err != nil {
		return nil, err
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", dir, err)
	}
	ci := &courierInit{flags: f, dir: dir, absDir: absDir}
	if ci.hostURL, err = hostURLOf(f.listen, f.host); err != nil {
		return nil, err
	}
	if f.mode == api.ModePush {
		if err := checkPeerFlag("--gateway-url", f.gatewayURL); err != nil {
			return nil, err
		}
	}
	for _, p := range f.patterns {
		if _, err := regexp.Compile(p); err != nil || p == "" {
			return nil, usageErrorf("--pattern %q is not a regular expression over a normalized tracking number, such as '^AP[0-9]{12}$'", p)
		}
	}
	if f.gatewayKey != "" {
		if ci.gatewayKey, err = readGatewayKey(f.gatewayKey); err != nil {
			return nil, err
		}
	}
	ci.options, ci.watchlist = adapterTemplate(f, absDir)
	for _, o := range f.options {
		name, value, ok := strings.Cut(o, "=")
		if !ok || name == "" {
			return nil, usageErrorf("--option %q must be NAME=VALUE", o)
		}
		ci.options = setOption(ci.options, name, value)
	}
	return ci, nil
}

// hostURLOf is the URL the gateway reaches the host at: --host, or
// http:// and the listen address when that is on loopback.
func hostURLOf(listen, host string) (string, error) {
	h, port, err := net.SplitHostPort(listen)
	if err != nil || port == "" {
		return "", usageErrorf("--listen %q is not host:port, e.g. 127.0.0.1:19001", listen)
	}
	if host != "" {
		return strings.TrimRight(host, "/"), checkPeerFlag("--host", host)
	}
	if !config.IsLoopback(h) {
		return "", usageErrorf("--listen %s is not on loopback, so the gateway reaches the host at another URL: give it with --host, e.g. --host https://tg1.courier.example", listen)
	}
	return "http://" + listen, nil
}

// checkPeerFlag accepts a base URL the gateway or a host will dial:
// https, or http on loopback, as the configuration files require.
func checkPeerFlag(flag, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return usageErrorf("%s %q is not an http:// or https:// base URL, such as https://gateway.example", flag, s)
	}
	if u.Scheme == "http" && !config.IsLoopback(u.Hostname()) {
		return usageErrorf("%s %q is plain HTTP off loopback, which trackgate refuses; use https://", flag, s)
	}
	return nil
}

// readGatewayKey reads --gateway-key: a public key in base64url, or the
// path of the gateway's signing key file, whose public half is taken.
func readGatewayKey(s string) (ed25519.PublicKey, error) {
	if b, err := crypto.DecodeB64(s); err == nil && len(b) == ed25519.PublicKeySize {
		return ed25519.PublicKey(b), nil
	}
	if _, err := os.Stat(s); err != nil {
		return nil, usageErrorf("--gateway-key %q is neither a public key (32 bytes of base64url, as 'trackgate keys show' prints it) nor a key file", s)
	}
	f, err := keyfile.Load(s)
	if err != nil {
		return nil, fmt.Errorf("--gateway-key: %w", err)
	}
	if f.Kind != keyfile.KindSigning {
		return nil, usageErrorf("--gateway-key %s is an OPRF key; give the gateway's signing key (signing.key) or its public key", s)
	}
	return f.Signing.Public().(ed25519.PublicKey), nil
}

// writeNewFile writes data to a file that must not exist yet.
func writeNewFile(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// printNextSteps prints the gateway's entry and how to start the host.
func (ci *courierInit) printNextSteps(e env, entry string) {
	f, w := ci.flags, e.stdout
	file := filepath.Join(ci.dir, courierFile)
	fmt.Fprintf(w, "\nThe gateway's operator adds this entry under couriers: in the gateway's file (it is in %s too);\n", filepath.Join(ci.dir, gatewayEntryFile))
	fmt.Fprintf(w, "the gateway's bucket_bits must be %d and its records.record_size %d, as in %s:\n\n", f.bucketBits, crypto.DefaultRecordSize, file)
	fmt.Fprint(w, entry)
	fmt.Fprintln(w, "\nStart the courier host:")
	if env := ci.tokenEnv(); env != "" {
		fmt.Fprintf(w, "  export %s=$(openssl rand -hex 32)   # the bearer token the courier's systems send to the webhook adapter\n", env)
	}
	fmt.Fprintf(w, "  trackgate courier --config %s\n", file)
	fmt.Fprintf(w, "Or try it inside the embedded demo gateway (no gateway key needed):\n  trackgate serve --courier %s\n", file)
	fmt.Fprintf(w, "Then check the deployment against the gateway's file:\n  trackgate doctor --config GATEWAY.yaml --courier %s\n", file)
	if ci.gatewayKey == nil {
		fmt.Fprintf(w, "\nBefore the host runs on its own, replace gateway.public_key in %s with the gateway's signing public key\n(the gateway's operator prints it with 'trackgate keys show' on the gateway's signing.key).\n", file)
	}
	if placeholders := ci.placeholders(); len(placeholders) > 0 {
		fmt.Fprintf(w, "\nFill in the adapter's options %s in %s.\n", strings.Join(placeholders, ", "), file)
	}
}

// tokenEnv is the environment variable of the webhook adapter's token, if
// the options name one.
func (ci *courierInit) tokenEnv() string {
	if ci.flags.adapter != webhookAdapter {
		return ""
	}
	for _, o := range ci.options {
		if o.name == "token_env" && !o.commented {
			return o.value
		}
	}
	return ""
}

// placeholders are the options still to be filled in.
func (ci *courierInit) placeholders() []string {
	var out []string
	for _, o := range ci.options {
		if !o.commented && strings.HasPrefix(o.value, placeholderPrefix) {
			out = append(out, o.name)
		}
	}
	return out
}
