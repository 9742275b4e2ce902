package main

import (
	"crypto/rand"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/gateway/tenant"
)

func newKeysAPIKeyCmd(e env) *cobra.Command {
	var secret, report bool
	cmd := &cobra.Command{
		Use:   "api-key",
		Short: "Print a new key for a marketplace tenant (or a report reader), and its hash",
		Long: `Print a new random key and its SHA-256 (docs/protocol.md §7.6, §10). Give
the key to its holder; put the hash in the gateway's file, which never holds a
key. Nothing is written to disk.

With no flag the key is a publishable API key (tg1pk_…) for a marketplace's
pages, which send it in the TG-Api-Key header: shoppers' browsers see it. It
names the tenant, and so the quota a request is charged to, and nothing more.
Its hash goes in the tenant's api_key_hashes.

With --secret it is a tenant secret key (tg1sk_…) for the marketplace's server,
which sends it as "Authorization: Bearer" to manage its webhook subscriptions.
Keep it on the server: never in a page. Its hash goes in the tenant's
secret_key_hashes.

With --report it is a transparency report reader key (tg1rk_…) for a
regulator. Its hash goes in transparency.reader_key_hashes.

To replace a key, add the new hash beside the old one, move its holder to the
new key, then remove the old hash.`,
		Example: `  trackgate keys api-key
  trackgate keys api-key --secret
  trackgate keys api-key --report`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			if secret && report {
				return usageErrorf("--secret and --report make different keys; give one of them")
			}
			kind, field, hint := tenant.Publishable, "api_key_hashes",
				"Give the key to the marketplace (its pages send it in TG-Api-Key);\nput the hash in the tenant's api_key_hashes in the gateway's file."
			switch {
			case secret:
				kind, field, hint = tenant.Secret, "secret_key_hashes",
					"Give the key to the marketplace's server (it sends it as Authorization: Bearer;\nnever in a page); put the hash in the tenant's secret_key_hashes in the gateway's file."
			case report:
				kind, field, hint = tenant.ReportReader, "reader_key_hashes",
					"Give the key to the report's reader (sent as Authorization: Bearer);\nput the hash in transparency.reader_key_hashes in the gateway's file."
			}
			key, err := kind.New(rand.Reader)
			if err != nil {
				return err
			}
			h, err := kind.Hash(key)
			if err != nil {
				return err
			}
			name := map[string]string{"api_key_hashes": "api_key", "secret_key_hashes": "secret_key", "reader_key_hashes": "reader_key"}[field]
			fmt.Fprintf(e.stdout, "%-14s %s\n", name+":", key)
			fmt.Fprintf(e.stdout, "%-14s %s\n", name+"_hash:", h)
			fmt.Fprintln(e.stdout, hint)
			return nil
		},
	}
	cmd.Flags().BoolVar(&secret, "secret", false, "make a tenant secret key (tg1sk_) for a marketplace's server instead")
	cmd.Flags().BoolVar(&report, "report", false, "make a transparency report reader key (tg1rk_) instead")
	return cmd
}
