package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/gateway/config"
)

type doctorFlags struct {
	config   string
	couriers []string
	json     bool
	timeout  time.Duration
	expiring string
}

func newDoctorCmd(e env) *cobra.Command {
	var f doctorFlags
	cmd := &cobra.Command{
		Use:   "doctor --config GATEWAY.yaml [--courier HOST.yaml]…",
		Short: "Check a deployment: the gateway's file against each courier host's keys and settings",
		Long: `doctor checks a deployment and names each mismatch with its fix. It reads the
gateway's file (--config) and, for every courier it registers, asks each of its
hosts, as the gateway would:

  reachable     the host answers /healthz
  tls           https off loopback; the certificate is trusted (with
                courier_tls's CA) and not expiring within --expiring
  clock         the host's clock (its Date header) and this machine's are
                within the 300 s window of signed requests
  signing key   the host's answers verify under the entry's public_key
  gateway key   the host accepts the gateway's signed requests (it holds the
                gateway's signing public key, under this courier's id)
  oprf keys     the host serves an OPRF key valid now and beyond --expiring
                (or the one to follow it), the same on every replica
  mode          the host is in the entry's mode, push or pull
  bucket_bits   a pull host's buckets are those of the gateway's bucket_bits

and, with a redis section, that Redis answers. Each --courier FILE, a courier
host's file, is compared with the gateway's entry for its courier: mode,
factor, bucket_bits, record_size, the host's signing key against the entry's
public_key, gateway.public_key and gateway.id against the gateway's, its
listen address against the entry's host, that its OPRF key files are the keys
its host serves, and in push mode that gateway.url answers.

It prints one line per check, "ok" or "problem" with the fix, and a summary;
--json prints them as one JSON document. Requests to hosts are signed with the
gateway's key and only read keys and buckets, which are public. The exit status
is 0 when every check passed, 1 when one found a problem, 2 when a file did
not load.`,
		Example: `  trackgate doctor --config /etc/trackgate/gateway.yaml
  trackgate doctor --config gateway.yaml --courier acme/courier.yaml --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error { return runDoctor(cmd.Context(), e, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "the gateway's YAML configuration file (required)")
	fl.StringArrayVar(&f.couriers, "courier", nil, "a courier host's YAML configuration file to compare with the gateway's (repeatable)")
	fl.BoolVar(&f.json, "json", false, "print the checks as JSON")
	fl.DurationVar(&f.timeout, "timeout", 5*time.Second, "how long each request to a host, the gateway or Redis may take")
	fl.StringVar(&f.expiring, "expiring", "14d", "how soon before its end a certificate or OPRF key counts as expiring: days (14d) or a Go duration")
	return cmd
}

// finding is one check's outcome.
type finding struct {
	// Subject is what was checked: "gateway", "redis", "courier ID" or
	// "courier ID at URL", "file PATH".
	Subject string `json:"subject"`
	Check   string `json:"check"`
	OK      bool   `json:"ok"`
	Detail  string `json:"detail"`
	// Fix says what to change; empty when OK.
	Fix string `json:"fix,omitempty"`
}

// doctorReport gathers the findings of one run.
type doctorReport struct {
	// OK: every check passed.
	OK       bool      `json:"ok"`
	Findings []finding `json:"checks"`
	Problems int       `json:"problems"`
	// badInput: a file did not load (exit 2).
	badInput bool
}

func (r *doctorReport) ok(subject, check, detail string, args ...any) {
	r.Findings = append(r.Findings, finding{Subject: subject, Check: check, OK: true, Detail: fmt.Sprintf(detail, args...)})
}

// problem records a failed check: detail says what is wrong, fix what
// to do about it.
func (r *doctorReport) problem(subject, check, detail, fix string) {
	r.Findings = append(r.Findings, finding{Subject: subject, Check: check, Detail: detail, Fix: fix})
	r.Problems++
}

// errProblemsFound ends doctor with exit status 1 once the report is out.
type errProblemsFound struct{ n int }

func (e errProblemsFound) Error() string {
	if e.n == 1 {
		return "doctor found 1 problem"
	}
	return fmt.Sprintf("doctor found %d problems", e.n)
}

func runDoctor(ctx context.Context, e env, f doctorFlags) error {
	if f.config == "" {
		return usageErrorf("--config FILE is required: the gateway's configuration file")
	}
	if f.timeout <= 0 {
		return usageErrorf("--timeout must be positive")
	}
	expiring, err := parseSpan("--expiring", f.expiring)
	if err != nil {
		return err
	}
	d := &doctor{e: e, timeout: f.timeout, expiring: expiring, report: &doctorReport{}}
	d.run(ctx, f)
	if err := d.report.print(e.stdout, f.json); err != nil {
		return err
	}
	switch {
	case d.report.badInput:
		return usageError{errProblemsFound{d.report.Problems}}
	case d.report.Problems > 0:
		return errProblemsFound{d.report.Problems}
	}
	return nil
}

// doctor runs the checks of one invocation.
type doctor struct {
	e        env
	timeout  time.Duration
	expiring time.Duration
	report   *doctorReport
	gw       *config.Gateway
	gwFile   string
	// hosts are the courier hosts' files given, by courier id.
	hosts map[string]*hostFile
}

// hostFile is a courier host's file given with --courier.
type hostFile struct {
	path string
	cfg  *config.Courier
}

func (d *doctor) run(ctx context.Context, f doctorFlags) {
	gw, err := config.LoadGateway(f.config, config.WithGetenv(d.e.getenv))
	if err != nil {
		d.report.problem("gateway", "file", sentence(err), "Correct "+f.config+" as the message says; nothing else was checked.")
		d.report.badInput = true
		return
	}
	d.gw, d.gwFile = gw, f.config
	d.report.ok("gateway", "file", "%s loads: bucket_bits %d, record_size %d, gateway_id %s, couriers %d, store: %s",
		f.config, gw.BucketBits, gw.Records.RecordSize, gw.GatewayID, len(gw.Couriers), describeStore(gw.Redis))
	d.checkRedis(ctx)
	d.hosts = map[string]*hostFile{}
	for _, path := range f.couriers {
		d.checkHostFile(ctx, path)
	}
	for i := range gw.Couriers {
		d.checkCourier(ctx, i)
	}
}

func (d *doctor) checkRedis(ctx context.Context) {
	r := d.gw.Redis
	if r == nil {
		return
	}
	if err := d.gw.PingRedis(ctx); err != nil {
		d.report.problem("redis", "reachable", fmt.Sprintf("Redis at %s does not answer: %v.", strings.Join(r.Addrs, ", "), err),
			fmt.Sprintf("Start Redis there, or correct redis in %s (addrs, password_env, tls); until it answers the gateway answers 503.", d.gwFile))
		return
	}
	d.report.ok("redis", "reachable", "Redis at %s answers PING", strings.Join(r.Addrs, ", "))
}

// print writes the report: a line per finding and a summary, or JSON.
func (r *doctorReport) print(w io.Writer, asJSON bool) error {
	r.OK = r.Problems == 0
	if asJSON {
		if r.Findings == nil {
			r.Findings = []finding{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	for _, f := range r.Findings {
		status := "ok     "
		if !f.OK {
			status = "problem"
		}
		line := fmt.Sprintf("%s  %s: %s: %s", status, f.Subject, f.Check, printable(f.Detail))
		if f.Fix != "" {
			line += " Fix: " + printable(f.Fix)
		}
		fmt.Fprintln(w, line)
	}
	switch r.Problems {
	case 0:
		fmt.Fprintf(w, "All %d checks passed.\n", len(r.Findings))
	case 1:
		fmt.Fprintf(w, "%d checks, 1 problem.\n", len(r.Findings))
	default:
		fmt.Fprintf(w, "%d checks, %d problems.\n", len(r.Findings), r.Problems)
	}
	return nil
}
