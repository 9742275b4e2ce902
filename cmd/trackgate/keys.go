package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/keyfile"
)

// File names keys gen writes in --out.
const (
	oprfKeyFile    = "oprf.key"
	signingKeyFile = "signing.key"
)

func newKeysCmd(e env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Make, rotate and inspect the key files of courier hosts and gateways",
		Long: `Make, rotate and inspect the key files that courier hosts and gateways need.

A courier host holds an OPRF key (oprf.key): clients blind their lookups to it,
and its public half and kid are published in the gateway's directory. Courier
hosts and the gateway each hold an Ed25519 signing key (signing.key) for the
signed requests between them; each registers its public key with the other.

Key files are JSON, written with mode 0600, and refused when group or others can
read them.

An OPRF key is valid from not_before to not_after. 'keys rotate' adds a new key
beside the current one and shortens the old key's window to an overlap, so
clients holding the old directory keep working while the courier host serves
both; records sealed under the old key expire with it. 'keys rotate --kind
signing' replaces a courier host's signing key, and keeps beside it the
statements that prove the change to the gateway's key log. 'keys show' prints the
public parts and the status of key files. 'keys api-key' prints a new
publishable API key for a marketplace tenant and the hash the gateway's file
holds instead of it. 'keys monitor' is a courier's watch over a gateway's key
log: it alerts on any statement in the courier's name that its own signing key
did not make.`,
		Example: `  trackgate keys gen --out /etc/trackgate
  trackgate keys gen --out ./keys --kind oprf --valid 30d
  trackgate keys rotate --dir /etc/trackgate --overlap 7d --valid 90d
  trackgate keys show /etc/trackgate
  trackgate keys api-key
  trackgate keys monitor --gateway https://gw.example --courier sim-swift --signing-key /etc/trackgate/signing.key --log-key KEY --once`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newKeysGenCmd(e), newKeysRotateCmd(e), newKeysShowCmd(e), newKeysAPIKeyCmd(e), newKeysMonitorCmd(e))
	return cmd
}

type keysGenFlags struct {
	out, kind, valid string
	force            bool
}

func newKeysGenCmd(e env) *cobra.Command {
	var f keysGenFlags
	cmd := &cobra.Command{
		Use:   "gen --out DIR",
		Short: "Generate an OPRF key, a signing key, or both",
		Long: `Generate new keys and write them to DIR (created with mode 0700 if missing):
oprf.key for a courier's OPRF key, valid from now for --valid, and signing.key
for an Ed25519 request-signing key. Files are written with mode 0600 and an
existing key file is never replaced without --force.

Only the public parts are printed (the kid and the public key, to publish or
register); the private keys never leave the files.`,
		Example: `  trackgate keys gen --out /etc/trackgate
  trackgate keys gen --out ./keys --kind oprf --valid 30d
  trackgate keys gen --out ./keys --kind signing --force`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error { return runKeysGen(e, f) },
	}
	cmd.Flags().StringVar(&f.out, "out", "", "directory to write the key files to (required)")
	cmd.Flags().StringVar(&f.kind, "kind", "all", "which keys to make: oprf, signing or all")
	cmd.Flags().StringVar(&f.valid, "valid", "90d", "how long the OPRF key is valid from now: days (90d) or a Go duration (2160h)")
	cmd.Flags().BoolVar(&f.force, "force", false, "replace existing key files")
	return cmd
}

func runKeysGen(e env, f keysGenFlags) error {
	if f.out == "" {
		return usageErrorf("--out DIR is required")
	}
	var wantOPRF, wantSigning bool
	switch f.kind {
	case "oprf":
		wantOPRF = true
	case "signing":
		wantSigning = true
	case "all":
		wantOPRF, wantSigning = true, true
	default:
		return usageErrorf("--kind %q: want oprf, signing or all", f.kind)
	}
	valid, err := parseValidity(f.valid)
	if err != nil {
		return err
	}
	oprfPath, signingPath := filepath.Join(f.out, oprfKeyFile), filepath.Join(f.out, signingKeyFile)
	var opts []keyfile.SaveOption
	if f.force {
		opts = append(opts, keyfile.Overwrite())
	} else {
		// Check every file first, so "all" never writes one key and then
		// refuses the other.
		for _, p := range []struct {
			want bool
			path string
		}{{wantOPRF, oprfPath}, {wantSigning, signingPath}} {
			if _, err := os.Lstat(p.path); p.want && err == nil {
				return fmt.Errorf("%s already exists; pass --force to replace it: %w", p.path, fs.ErrExist)
			}
		}
	}
	if err := os.MkdirAll(f.out, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", f.out, err)
	}
	if wantOPRF {
		if err := genOPRF(e.stdout, oprfPath, e.now(), valid, opts); err != nil {
			return err
		}
	}
	if wantSigning {
		if err := genSigning(e.stdout, signingPath, opts); err != nil {
			return err
		}
	}
	return nil
}

func genOPRF(w io.Writer, path string, now time.Time, valid time.Duration, opts []keyfile.SaveOption) error {
	k, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	notBefore := now.UTC().Truncate(time.Second)
	notAfter := notBefore.Add(valid)
	if err := keyfile.SaveOPRF(path, k, notBefore, notAfter, opts...); err != nil {
		return err
	}
	fmt.Fprintf(w, "Wrote %s (OPRF key, mode 0600)\n", path)
	fmt.Fprintf(w, "  kid:         %s\n", k.Public().KeyID())
	fmt.Fprintf(w, "  public_key:  %s\n", crypto.EncodeB64(k.Public().Bytes()))
	fmt.Fprintf(w, "  not_before:  %s\n", notBefore.Format(time.RFC3339))
	fmt.Fprintf(w, "  not_after:   %s\n", notAfter.Format(time.RFC3339))
	return nil
}

func genSigning(w io.Writer, path string, opts []keyfile.SaveOption) error {
	pub, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generate signing key: %w", err)
	}
	if err := keyfile.SaveSigning(path, sk, opts...); err != nil {
		return err
	}
	fmt.Fprintf(w, "Wrote %s (Ed25519 signing key, mode 0600)\n", path)
	fmt.Fprintf(w, "  public_key:  %s\n", crypto.EncodeB64(pub))
	fmt.Fprintf(w, "  fingerprint: %s\n", crypto.KeyID(pub))
	return nil
}

// parseValidity reads --valid: "90d" as 90 days, or any Go duration ("2160h").
func parseValidity(s string) (time.Duration, error) { return parseSpan("--valid", s) }

// parseSpan reads the value of flag: days ("90d") or a Go duration
// ("2160h"), at least a minute.
func parseSpan(flag, s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 3650 {
			return 0, usageErrorf("%s %q: want 1d to 3650d, or a Go duration like 2160h", flag, s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, usageErrorf("%s %q: want days like 90d, or a Go duration like 2160h", flag, s)
		}
	}
	if d < time.Minute {
		return 0, usageErrorf("%s %q: must be at least a minute", flag, s)
	}
	return d, nil
}
