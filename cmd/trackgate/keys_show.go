package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/keyfile"
)

var errNoKeyFiles = errors.New("no key files")

func newKeysShowCmd(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "show FILE|DIR",
		Short: "Print the public parts and status of key files",
		Long: `Print what may be shared of a key file, or of every *.key file in a directory:
for an OPRF key its kid, public key, window (not_before, not_after) and status
now (current, next or expired); for a signing key its public key, to register
with the other party, and its fingerprint. Private keys are never printed.

OPRF keys are listed by the start of their window, signing keys after them.`,
		Example: `  trackgate keys show /etc/trackgate/gateway/signing.key
  trackgate keys show /etc/trackgate/sim-swift/oprf`,
		Args: exactArgs(1, "one key file or directory"),
		RunE: func(_ *cobra.Command, args []string) error { return runKeysShow(e, args[0]) },
	}
}

func runKeysShow(e env, target string) error {
	st, err := os.Stat(target)
	if err != nil {
		return err
	}
	var files []keyfile.File
	if st.IsDir() {
		if files, err = keyfile.LoadDir(target); err != nil {
			return err
		}
		if len(files) == 0 {
			return fmt.Errorf("%s holds no key files (*%s): %w", target, keyfile.Ext, errNoKeyFiles)
		}
	} else {
		f, err := keyfile.Load(target)
		if err != nil {
			return err
		}
		files = []keyfile.File{f}
	}
	sort.SliceStable(files, func(i, j int) bool {
		a, b := files[i], files[j]
		if a.Kind != b.Kind {
			return a.Kind == keyfile.KindOPRF
		}
		return a.Kind == keyfile.KindOPRF && a.OPRF.NotBefore.Before(b.OPRF.NotBefore)
	})
	now := e.now()
	for i, f := range files {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		switch f.Kind {
		case keyfile.KindOPRF:
			pub := f.OPRF.Key.Public()
			printOPRF(e.stdout, f.Path+" (OPRF key)", pub.KeyID(), pub.Bytes(), f.OPRF.NotBefore, f.OPRF.NotAfter, keyStatus(f.OPRF, now))
		case keyfile.KindSigning:
			pub := f.Signing.Public().(ed25519.PublicKey)
			fmt.Fprintf(e.stdout, "%s (Ed25519 signing key)\n", f.Path)
			fmt.Fprintf(e.stdout, "  public_key:  %s\n", crypto.EncodeB64(pub))
			fmt.Fprintf(e.stdout, "  fingerprint: %s\n", crypto.KeyID(pub))
		}
	}
	return nil
}
