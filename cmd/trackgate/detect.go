package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/client"
)

type detectFlags struct {
	gateway string
	json    bool
	timeout time.Duration
}

func newDetectCmd(e env) *cobra.Command {
	var f detectFlags
	cmd := &cobra.Command{
		Use:   "detect NUMBER",
		Short: "Show which couriers' formats match a tracking number",
		Long: `Show which couriers could carry a tracking number, from the formats (regular
expressions and check digits) in the gateway's courier directory. Nothing about
the number is sent: only the directory is fetched, and matching happens here.

Matches are listed best first: a format whose check digit verified, then the
one that fixes more literal characters (a prefix such as "1Z"), then the
longer pattern, then directory order. 'trackgate track' asks all of them at
once; pin one with 'trackgate track --courier ID'.

A number of the wrong shape is refused (exit status 2) before any request.`,
		Example: `  trackgate detect SF1234567890
  trackgate detect 1Z999AA10123456784 --json
  trackgate detect YT2300000000001 --gateway https://track.example`,
		Args: exactArgs(1, "one tracking number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDetect(cmd.Context(), e, f, args[0])
		},
	}
	gatewayFlag(cmd, e, &f.gateway)
	cmd.Flags().BoolVar(&f.json, "json", false, `print {"matches":[{"courier":"…","name":"…","factor":"…","format":"…"}]}, best first`)
	cmd.Flags().DurationVar(&f.timeout, "timeout", 10*time.Second, "give up after this long")
	return cmd
}

// detectMatch is one line of the --json output.
type detectMatch struct {
	Courier string `json:"courier"`
	Name    string `json:"name"`
	Factor  string `json:"factor"`
	Format  string `json:"format"`
}

func runDetect(ctx context.Context, e env, f detectFlags, number string) error {
	if _, err := crypto.NormalizeTrackingNumber(number); err != nil {
		return err // before any request
	}
	if f.timeout <= 0 {
		return usageErrorf("--timeout must be positive")
	}
	c, err := newClient(f.gateway)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	dir, err := c.Directory(ctx)
	if err != nil {
		return explainTransport(ctx, err, f.gateway, f.timeout)
	}
	found, err := client.Detect(dir, number)
	if err != nil {
		return err
	}
	matches := make([]detectMatch, len(found))
	for i, cand := range found {
		matches[i] = detectMatch{Courier: cand.Courier.ID, Name: cand.Courier.Name, Factor: cand.Courier.Factor, Format: cand.Pattern.Regex}
	}
	if f.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Matches []detectMatch `json:"matches"`
		}{matches})
	}
	printMatches(e.stdout, found)
	return nil
}

func printMatches(w io.Writer, found []client.Candidate) {
	if len(found) == 0 {
		fmt.Fprintln(w, "No courier in the gateway's directory matches this number.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COURIER\tSECOND FACTOR\tFORMAT")
	for _, cand := range found {
		factor := "none"
		if cand.Courier.Factor == crypto.FactorPhoneLast4 {
			factor = "phone last 4 (--factor)"
		}
		format := printable(cand.Pattern.Regex)
		if cand.Pattern.Checksum != "" {
			format += " + " + printable(cand.Pattern.Checksum) + " check digit"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", directoryLabel(cand.Courier), factor, format)
	}
	_ = tw.Flush()
}
