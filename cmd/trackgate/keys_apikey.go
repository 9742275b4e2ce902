package main

import (
	"crypto/rand"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/gateway/tenant"
)

func newKeysAPIKeyCmd(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "api-key",
		Short: "Print a new publishable API key for a marketplace tenant, and its hash",
		Long: `Print a new random API key for a marketplace tenant and its SHA-256
(docs/protocol.md §7.6). Give the key to the marketplace, whose pages send it
in the TG-Api-Key header; put the hash in the tenant's api_key_hashes in the
gateway's file, which never holds a key.

The key is publishable: shoppers' browsers see it. It names the tenant, and so
the quota a request is charged to, and nothing more. Nothing is written to
disk; to replace a key, add the new hash beside the old one, move the pages to
the new key, then remove the old hash.`,
		Example: `  trackgate keys api-key`,
		Args:    exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			key, err := tenant.NewKey(rand.Reader)
			if err != nil {
				return err
			}
			h, err := tenant.HashKey(key)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "api_key:       %s\n", key)
			fmt.Fprintf(e.stdout, "api_key_hash:  %s\n", h)
			fmt.Fprintln(e.stdout, "Give the api_key to the marketplace (its pages send it in TG-Api-Key);")
			fmt.Fprintln(e.stdout, "put the api_key_hash in the tenant's api_key_hashes in the gateway's file.")
			return nil
		},
	}
}
