package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/transparency"
)

// reportKeyEnv holds the report reader key when --key is not given, so
// that it stays out of shell histories and process lists.
const reportKeyEnv = "TRACKGATE_REPORT_KEY"

type reportFlags struct {
	gateway, key, from, to string
	json                   bool
	timeout                time.Duration
}

func newReportCmd(e env) *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Print a gateway's transparency report (needs a report reader key)",
		Long: `report prints the transparency report of a gateway: for each UTC day from
--from to --to (both included, at most 366 days), per courier and per tenant,
how many evaluations it relayed, fetches it answered, records it stored and
refused, subscriptions and webhook deliveries, and the requests it refused, by
reason. Counts only: no tracking number, locator, address or key is counted.
docs/transparency.md says what each number means.

It needs a report reader key (tg1rk_…), given by the gateway's operator; the
embedded default ('trackgate serve') makes one at start and prints it. Pass it
with --key or, better, in $TRACKGATE_REPORT_KEY, which stays out of the shell's
history. --json prints the report exactly as the gateway answered it.

Exit status: 0 on success, 1 when the gateway refused the key or could not be
reached or read, 2 for bad input (no key, a malformed key, bad dates).`,
		Example: `  TRACKGATE_REPORT_KEY=tg1rk_… trackgate report
  trackgate report --key tg1rk_… --from 2026-12-01 --to 2026-12-31
  trackgate report --gateway https://track.example --from 2026-01-01 --to 2026-12-31 --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd.Context(), e, f, cmd.OutOrStdout())
		},
	}
	gatewayFlag(cmd, e, &f.gateway)
	fl := cmd.Flags()
	fl.StringVar(&f.key, "key", "", "report reader key (tg1rk_…); default $"+reportKeyEnv)
	fl.StringVar(&f.from, "from", "", "first UTC day, YYYY-MM-DD (default: --to)")
	fl.StringVar(&f.to, "to", "", "last UTC day, YYYY-MM-DD, included (default: today in UTC)")
	fl.BoolVar(&f.json, "json", false, "print the report as the gateway's JSON instead of tables")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "give up after this long")
	return cmd
}

func runReport(ctx context.Context, e env, f reportFlags, out io.Writer) error {
	key := f.key
	if key == "" {
		key = e.getenv(reportKeyEnv)
	}
	switch {
	case key == "":
		return usageErrorf("a report reader key is needed: set $%s or pass --key tg1rk_…; the gateway's operator gives them out, and 'trackgate serve' prints one at start", reportKeyEnv)
	case !transparency.WellFormedReaderKey(key):
		return usageErrorf("the key is not a report reader key, which begins %s followed by 43 letters, digits, '-' or '_'; a marketplace's API or secret key does not open the report", transparency.ReaderKeyPrefix)
	case f.timeout <= 0:
		return usageErrorf("--timeout must be positive")
	}
	from, to, err := reportRange(e, f)
	if err != nil {
		return err
	}
	base, err := url.Parse(strings.TrimSuffix(f.gateway, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return usageErrorf("--gateway %q is not an http(s) URL such as %s", f.gateway, defaultGateway)
	}
	body, err := fetchReport(ctx, base, key, from, to, f.timeout)
	if err != nil {
		return err
	}
	var rep transparency.Report
	if err := json.Unmarshal(body, &rep); err != nil {
		return fmt.Errorf("the gateway at %s answered a report that is not valid JSON", base)
	}
	if f.json {
		_, err := fmt.Fprintln(out, strings.TrimSpace(string(body)))
		return err
	}
	return printReport(out, base.String(), rep)
}

// reportRange reads --from and --to: --to defaults to today in UTC,
// --from to --to.
func reportRange(e env, f reportFlags) (from, to string, err error) {
	to = f.to
	if to == "" {
		to = e.now().UTC().Format(transparency.DateLayout)
	}
	toDay, err := time.Parse(transparency.DateLayout, to)
	if err != nil {
		return "", "", usageErrorf("--to %q must be a real date written YYYY-MM-DD, such as 2026-12-31", to)
	}
	from = cmp.Or(f.from, to)
	fromDay, err := time.Parse(transparency.DateLayout, from)
	if err != nil {
		return "", "", usageErrorf("--from %q must be a real date written YYYY-MM-DD, such as 2026-12-01", from)
	}
	if err := transparency.CheckRange(fromDay, toDay); err != nil {
		return "", "", usageError{err}
	}
	return from, to, nil
}

// fetchReport asks the gateway for the report and returns its body, or
// an error saying what went wrong in words.
func fetchReport(ctx context.Context, base *url.URL, key, from, to string, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u := base.JoinPath("/v1/transparency")
	u.RawQuery = url.Values{"from": {from}, "to": {to}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, usageErrorf("--gateway %q: %v", base, err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return nil, fmt.Errorf("cannot reach the gateway at %s: %w", base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, fmt.Errorf("read the report from %s: %w", base, err)
	}
	if resp.StatusCode == http.StatusOK {
		return body, nil
	}
	detail := problemDetail(body)
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		return nil, fmt.Errorf("the gateway at %s refused the report reader key: %s", base, detail)
	case http.StatusBadRequest:
		return nil, usageErrorf("the gateway at %s refused the dates: %s", base, detail)
	case http.StatusNotFound:
		return nil, fmt.Errorf("%s serves no transparency report: is it a trackgate gateway, of a version that has one?", base)
	case http.StatusServiceUnavailable:
		return nil, fmt.Errorf("the gateway at %s cannot read its transparency counts right now; try again shortly", base)
	}
	return nil, fmt.Errorf("the gateway at %s answered %s: %s", base, resp.Status, detail)
}

// problemDetail is the detail of a problem+json body, without its final
// full stop, or a word when there is none.
func problemDetail(body []byte) string {
	var p problem.Details
	if json.Unmarshal(body, &p) != nil || p.Detail == "" {
		return "no reason given"
	}
	return strings.TrimSuffix(printable(p.Detail), ".")
}

// printReport writes the report as a table per day: the couriers, the
// tenants and the refusals.
func printReport(w io.Writer, gateway string, rep transparency.Report) error {
	fmt.Fprintf(w, "Transparency report of %s, %s to %s (UTC days). Counts only; docs/transparency.md says what each means.\n", gateway, rep.From, rep.To)
	for _, d := range rep.Days {
		fmt.Fprintf(w, "\n%s\n", d.Date)
		refused := refusalSummary(d.Refusals)
		if d.Fetches == 0 && len(d.Couriers) == 0 && len(d.Tenants) == 0 && refused == "" {
			fmt.Fprintln(w, "  nothing counted")
			continue
		}
		fmt.Fprintf(w, "  fetches answered: %d\n", d.Fetches)
		// Numbers right-aligned; the names padded to one width, so they
		// line up on the left.
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		if len(d.Couriers) > 0 {
			names := []string{"courier"}
			for _, c := range d.Couriers {
				names = append(names, c.Courier)
			}
			pad := padder(names)
			fmt.Fprintf(tw, "%s\tevaluations\tfetches\trecords_stored\trecords_refused\tdeliveries\tdelivery_failures\t\n", pad("courier"))
			for _, c := range d.Couriers {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", pad(c.Courier), c.Evaluations, c.Fetches,
					c.RecordsStored, c.RecordsRefused, c.Deliveries, c.DeliveryFailures)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		if len(d.Tenants) > 0 {
			names := []string{"tenant"}
			for _, t := range d.Tenants {
				names = append(names, t.Tenant)
			}
			pad := padder(names)
			fmt.Fprintf(tw, "%s\tevaluations\tfetches\tsubscriptions_created\tsubscriptions_ended\tdeliveries\tdelivery_failures\tdead_letters\treplays\t\n", pad("tenant"))
			for _, t := range d.Tenants {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", pad(t.Tenant), t.Evaluations, t.Fetches,
					t.SubscriptionsCreated, t.SubscriptionsEnded, t.Deliveries, t.DeliveryFailures, t.DeadLetters, t.Replays)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		if refused == "" {
			refused = "none"
		}
		fmt.Fprintf(w, "  refused: %s\n", refused)
	}
	return nil
}

// padder pads names to the width of the longest, after an indent.
func padder(names []string) func(string) string {
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	return func(s string) string { return fmt.Sprintf("  %-*s", width, s) }
}

// refusalSummary lists the reasons counted, in the report's order:
// "rate_limited 1, not_found 3", or "" for none.
func refusalSummary(refusals map[string]int64) string {
	var parts []string
	for _, reason := range transparency.Reasons() {
		if n := refusals[reason]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", reason, n))
		}
	}
	return strings.Join(parts, ", ")
}
