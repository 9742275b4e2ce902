package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/keyfile"
)

type keysRotateFlags struct {
	dir, overlap, valid string
	kind, courier       string
}

func newKeysRotateCmd(e env) *cobra.Command {
	var f keysRotateFlags
	cmd := &cobra.Command{
		Use:   "rotate --dir DIR",
		Short: "Add a new OPRF key and retire the current one after an overlap, or change a signing key",
		Long: `Rotate the OPRF key of a courier host whose key files are in DIR, or, with
--kind signing, its signing key.

rotate writes a new OPRF key file beside the current one, valid from now for
--valid, and shortens the window of every key valid now so that it ends after
--overlap. Old files are rewritten atomically (a new file renamed over the old
one), with mode 0600; a key is never lengthened. rotate refuses when DIR holds a
key whose window has not begun yet.

During the overlap the courier host serves both keys and seals every parcel
under both, and the gateway's directory lists both with their windows, so
clients that hold the old directory keep working. Records sealed under the old
key expire with it. A running courier host notices the new files within 10 s,
or at once on SIGHUP, and serves the new key without a restart; the gateway
lists it after its next directory refresh.

With --kind signing, rotate replaces the Ed25519 signing key in DIR/signing.key
with a new one, and writes beside it, in DIR/signing.key.statements, the
courier's signing-key statements (docs/protocol.md §8.1): the chain from its
first signing key to the new one, whose last link is signed by the previous
key and the new one. The host serves the chain to the gateway's key log, so
clients see the courier's signing key change with the old key's consent; keep
the file with the key. Its first rotation needs --courier, the courier's id;
later ones read it from the chain. Register the new public key as the
courier's public_key in the gateway's file: until then the gateway cannot
verify the host's answers.`,
		Example: `  trackgate keys rotate --dir /etc/trackgate/sim-swift/oprf
  trackgate keys rotate --dir ./keys --overlap 2d --valid 30d
  trackgate keys rotate --kind signing --dir /etc/trackgate/sim-swift --courier sim-swift`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			switch f.kind {
			case "oprf":
				return runKeysRotate(e, f)
			case "signing":
				return runKeysRotateSigning(e, f)
			}
			return usageErrorf("--kind %q: want oprf or signing", f.kind)
		},
	}
	cmd.Flags().StringVar(&f.dir, "dir", "", "directory holding the courier's OPRF key files, or with --kind signing its signing.key (required)")
	cmd.Flags().StringVar(&f.kind, "kind", "oprf", "which key to rotate: oprf, or signing (a courier host's signing key)")
	cmd.Flags().StringVar(&f.courier, "courier", "", "with --kind signing: the courier's id, needed at its first signing key rotation")
	cmd.Flags().StringVar(&f.overlap, "overlap", "7d", "how long the current key stays valid beside the new one: days (7d) or a Go duration (168h)")
	cmd.Flags().StringVar(&f.valid, "valid", "90d", "how long the new key is valid from now: days (90d) or a Go duration (2160h)")
	return cmd
}

func runKeysRotate(e env, f keysRotateFlags) error {
	if f.dir == "" {
		return usageErrorf("--dir DIR is required")
	}
	valid, err := parseValidity(f.valid)
	if err != nil {
		return err
	}
	overlap, err := parseSpan("--overlap", f.overlap)
	if err != nil {
		return err
	}
	if overlap >= valid {
		return usageErrorf("--overlap %s must be shorter than --valid %s, or the old key would outlive the new one", f.overlap, f.valid)
	}
	files, err := keyfile.LoadDir(f.dir)
	if err != nil {
		return err
	}
	now := e.now().UTC().Truncate(time.Second)
	var current []keyfile.File
	found := false
	for _, kf := range files {
		if kf.Kind != keyfile.KindOPRF {
			continue
		}
		found = true
		switch keyStatus(kf.OPRF, now) {
		case statusNext:
			return fmt.Errorf("%s holds key %s, valid only from %s; rotate once its window has begun, or remove it",
				kf.Path, kf.OPRF.Key.Public().KeyID(), kf.OPRF.NotBefore.Format(time.RFC3339))
		case statusCurrent:
			current = append(current, kf)
		}
	}
	if !found {
		return fmt.Errorf("%s holds no OPRF key file to rotate; make one with 'trackgate keys gen --out %s --kind oprf'", f.dir, f.dir)
	}

	// The new key first: should what follows fail, the old keys are merely
	// not shortened yet, and no window is left without a key.
	k, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	kid := k.Public().KeyID()
	path := filepath.Join(f.dir, "oprf-"+now.Format("20060102")+"-"+kid+keyfile.Ext)
	if err := keyfile.SaveOPRF(path, k, now, now.Add(valid)); err != nil {
		return err
	}
	printOPRF(e.stdout, "Wrote "+path+" (new OPRF key, mode 0600)", kid, k.Public().Bytes(), now, now.Add(valid), statusCurrent)

	retireAt := now.Add(overlap)
	for _, kf := range current {
		old := kf.OPRF
		if !old.NotAfter.After(retireAt) {
			continue // already ends within the overlap; never lengthen
		}
		if err := keyfile.SaveOPRF(kf.Path, old.Key, old.NotBefore, retireAt, keyfile.Overwrite()); err != nil {
			return fmt.Errorf("wrote the new key, but shortening %s failed, so the old key stays valid until %s: %w", kf.Path, old.NotAfter.Format(time.RFC3339), err)
		}
		fmt.Fprintf(e.stdout, "Shortened %s (kid %s): not_after %s -> %s\n", kf.Path, old.Key.Public().KeyID(),
			old.NotAfter.Format(time.RFC3339), retireAt.Format(time.RFC3339))
	}
	fmt.Fprintln(e.stdout, "A running courier host serves the new key within 10 s (at once on SIGHUP), without a restart; the gateway lists it after its next directory refresh.")
	return nil
}

// Statuses of an OPRF key at a time.
const (
	statusCurrent = "current"
	statusNext    = "next"
	statusExpired = "expired"
)

func keyStatus(k keyfile.OPRFKey, now time.Time) string {
	switch {
	case now.Before(k.NotBefore):
		return statusNext
	case !now.Before(k.NotAfter):
		return statusExpired
	}
	return statusCurrent
}

func printOPRF(w io.Writer, title, kid string, pub []byte, notBefore, notAfter time.Time, status string) {
	fmt.Fprintln(w, title)
	fmt.Fprintf(w, "  kid:         %s\n", kid)
	fmt.Fprintf(w, "  public_key:  %s\n", crypto.EncodeB64(pub))
	fmt.Fprintf(w, "  not_before:  %s\n", notBefore.UTC().Format(time.RFC3339))
	fmt.Fprintf(w, "  not_after:   %s\n", notAfter.UTC().Format(time.RFC3339))
	fmt.Fprintf(w, "  status:      %s\n", status)
}
