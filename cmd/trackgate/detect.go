package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/adapters/detect"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/client"
)

type detectFlags struct {
	gateway string
	json    bool
	timeout time.Duration
	keyLog  keyLogFlags
}

func newDetectCmd(e env) *cobra.Command {
	var f detectFlags
	cmd := &cobra.Command{
		Use:   "detect NUMBER",
		Short: "Show which couriers' formats match a tracking number",
		Long: `Show which couriers could carry a tracking number.

Without a gateway, the number is matched against trackgate's built-in rules:
UPS, FedEx, USPS, DHL Express, EMS and other postal (UPU S10) numbers with
their check digits, and SF Express, JD, YTO, ZTO, STO and Yunda by prefix and
length. Nothing is sent anywhere. Chinese express numbers carry no check digit,
so several couriers may fit one number.

With --gateway (or $TRACKGATE_GATEWAY), the number is matched against the
formats in that gateway's courier directory instead: the couriers that
'trackgate track' would ask. Only the directory is fetched; matching happens
here.

Matches are listed best first: a format whose check digit verified, then the
one that fixes more literal characters (a prefix such as "1Z"), then the
longer pattern, then the order of the rules or the directory. Pin a courier
with 'trackgate track --courier ID'.

A number of the wrong shape is refused (exit status 2) before any request.

The directory is checked against the gateway's key log as track checks it
(--log-key, --witness, --quorum, --pin, --keylog-state; see 'trackgate track
--help'): a check that fails, or a matching courier whose keys fail it, is
one sentence naming what the gateway did, and exit status 1.`,
		Example: `  trackgate detect 1Z999AA10123456784
  trackgate detect SF1234567890123 --json
  trackgate detect SW100000000001 --gateway http://127.0.0.1:8080`,
		Args: exactArgs(1, "one tracking number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.gateway == "" {
				f.gateway = e.getenv("TRACKGATE_GATEWAY")
			}
			return runDetect(cmd.Context(), e, f, args[0])
		},
	}
	cmd.Flags().StringVar(&f.gateway, "gateway", "",
		"match against this gateway's courier directory instead of the built-in rules; $TRACKGATE_GATEWAY sets the default")
	cmd.Flags().BoolVar(&f.json, "json", false,
		`print {"matches":[{"courier":"…","format":"…",…}]}, best first`)
	cmd.Flags().DurationVar(&f.timeout, "timeout", 10*time.Second, "give up on the gateway after this long")
	f.keyLog.add(cmd)
	return cmd
}

// detectMatch is one line of the --json output. Built-in rules give a
// format's name, its regex and, when its check digit verified, the
// checksum; a directory gives the courier's name and second factor, and
// the pattern itself as the format.
type detectMatch struct {
	Courier  string `json:"courier"`
	Name     string `json:"name,omitempty"`
	Factor   string `json:"factor,omitempty"`
	Format   string `json:"format"`
	Regex    string `json:"regex,omitempty"`
	Checksum string `json:"checksum,omitempty"`
}

func runDetect(ctx context.Context, e env, f detectFlags, number string) error {
	if _, err := crypto.NormalizeTrackingNumber(number); err != nil {
		return err // before any request
	}
	if f.timeout <= 0 {
		return usageErrorf("--timeout must be positive")
	}
	if f.gateway == "" {
		return detectBuiltIn(e, f, number)
	}
	keyLog, state, err := f.keyLog.option(e, f.gateway)
	if err != nil {
		return err
	}
	c, err := newClient(f.gateway, client.WithNow(e.now), keyLog)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	dir, err := c.Directory(ctx)
	if err != nil {
		return withStateHint(explainTransport(ctx, err, f.gateway, f.timeout), state)
	}
	found, err := client.Detect(dir, number)
	if err != nil {
		return err
	}
	refused := c.RefusedCouriers()
	for _, cand := range found {
		if err := refused[cand.Courier.ID]; err != nil {
			return err
		}
	}
	if f.json {
		matches := make([]detectMatch, len(found))
		for i, cand := range found {
			matches[i] = detectMatch{Courier: cand.Courier.ID, Name: cand.Courier.Name, Factor: cand.Courier.Factor,
				Format: cand.Pattern.Regex, Checksum: cand.Pattern.Checksum}
		}
		return printMatchesJSON(e.stdout, matches)
	}
	printMatches(e.stdout, found)
	return nil
}

// detectBuiltIn answers from adapters/detect, with no network at all.
func detectBuiltIn(e env, f detectFlags, number string) error {
	found, err := detect.Detect(number)
	if err != nil {
		return err
	}
	if f.json {
		matches := make([]detectMatch, len(found))
		for i, m := range found {
			matches[i] = detectMatch{Courier: m.Courier, Format: m.Format, Regex: m.Regex, Checksum: m.Checksum}
		}
		return printMatchesJSON(e.stdout, matches)
	}
	if len(found) == 0 {
		fmt.Fprintln(e.stdout, "No built-in rule matches this number; with --gateway, a gateway's couriers may.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COURIER\tFORMAT\tCHECK DIGIT")
	for _, m := range found {
		check := "none (prefix and length only)"
		if m.Verified {
			check = m.Checksum + ", verified"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Courier, m.Format, check)
	}
	return tw.Flush()
}

func printMatchesJSON(w io.Writer, matches []detectMatch) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Matches []detectMatch `json:"matches"`
	}{matches})
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
