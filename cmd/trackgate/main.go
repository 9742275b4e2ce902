// Command trackgate is the one binary of trackgate, the privacy-preserving
// parcel-tracking gateway: it runs the gateway (serve) and courier hosts
// (courier), tracks a parcel through a gateway (track, detect), receives
// its updates as webhooks (webhook listen), makes, rotates and shows the
// key files couriers and gateways need (keys), prints a gateway's
// transparency report (report), checks a deployment's files and hosts
// against each other (doctor), and measures a deployment on loopback
// against baselines (bench).
//
// Errors are printed as one plain sentence on stderr. The exit status is
// 0 on success, 1 when the command failed (nothing found, gateway down,
// a gateway whose key log does not verify),
// 2 for a usage mistake or bad input (an unknown flag, a tracking
// number of the wrong shape, a missing second factor, a mistake in a
// configuration file) and 3 when track found nothing because a courier
// was unavailable for the moment (try again).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/config"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	// exitUnavailable: nothing found, but a courier could not answer for
	// the moment, or is still loading its parcels; unlike "not found"
	// (1), trying again may help.
	exitUnavailable = 3
)

// env is what commands take from the process, so tests can run them in
// process with their own streams, environment, clock and time zone.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	location       *time.Location // where event times are shown
	// after waits between the lookups of track --watch; nil is time.After.
	after func(time.Duration) <-chan time.Time
	// configDir is where the user's configuration goes (os.UserConfigDir):
	// the key log state of each gateway is kept under it. nil keeps that
	// state in memory, for tests that give no --keylog-state.
	configDir func() (string, error)
	// cacheDir is where data that can be made again goes
	// (os.UserCacheDir): serve keeps the embedded default's identity
	// under it. nil keeps that in memory, for tests that give no
	// --state-dir.
	cacheDir func() (string, error)
}

// wait returns a channel that receives once d has passed.
func (e env) wait(d time.Duration) <-chan time.Time {
	if e.after == nil {
		return time.After(d)
	}
	return e.after(d)
}

func main() {
	os.Exit(run(os.Args[1:], env{
		stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, now: time.Now, location: time.Local,
		configDir: os.UserConfigDir, cacheDir: os.UserCacheDir,
	}))
}

// run executes the command line args and returns the exit status.
func run(args []string, e env) int {
	return runContext(context.Background(), args, e)
}

// runContext is run until ctx ends: what Ctrl-C does to the commands
// that keep going (serve, courier, track --watch, webhook listen).
func runContext(ctx context.Context, args []string, e env) int {
	root := newRootCmd(e)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(e.stderr, sentence(err))
	return exitCode(err)
}

func newRootCmd(e env) *cobra.Command {
	root := &cobra.Command{
		Use:   "trackgate",
		Short: "Privacy-preserving parcel tracking across couriers",
		Long: `trackgate tracks parcels across couriers without anyone in the middle learning
the tracking number. A client blinds an input built from the number (RFC 9497
VOPRF); the courier evaluates it without seeing it; the gateway only relays
blinded values and stores records sealed under keys that only someone who knows
the number (and, for some couriers, the last 4 digits of a phone number) can
derive.

This one binary runs the gateway (serve) and courier hosts (courier), tracks a
parcel through a gateway (track, detect), receives its updates as signed
webhooks (webhook listen), makes, rotates and shows the key files that
courier hosts and gateways need (keys), prints a gateway's transparency report
(report), checks a deployment's files and courier hosts against each other
(doctor), and measures a whole deployment on loopback against baselines
(bench).

Exit status: 0 on success, 1 when the command failed (for example nothing was
found), 2 for a usage mistake or bad input (a configuration file included), 3
when track found nothing because a courier was unavailable (try again).`,
		Example: `  trackgate track SF1234567890 --factor 0042
  trackgate track SW100000000001 --watch
  trackgate webhook listen --number SW100000000001 --secret-key tg1sk_…
  trackgate detect 1Z999AA10123456784 --json
  trackgate keys gen --out /etc/trackgate`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErrorf("%v; see '%s --help'", err, cmd.CommandPath())
	})
	root.AddCommand(newServeCmd(e), newCourierCmd(e), newTrackCmd(e), newDetectCmd(e), newWebhookCmd(e), newKeysCmd(e),
		newSimulatorCmd(e), newReportCmd(e), newBenchCmd(e), newDoctorCmd(e), newWitnessCmd(e))
	return root
}

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// noArgs refuses arguments to a command that only groups others; cobra's
// own check would not mark the error as a usage mistake.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		return usageErrorf("unknown command %q for %q; did you mean %q?", args[0], cmd.CommandPath(), s[0])
	}
	return usageErrorf("unknown command %q for %q; see '%s --help'", args[0], cmd.CommandPath(), cmd.CommandPath())
}

// exactArgs is cobra.ExactArgs whose error is a usage mistake.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s takes %s (got %d arguments); see '%s --help'", cmd.CommandPath(), what, len(args), cmd.CommandPath())
		}
		return nil
	}
}

// exitCode maps an error to the exit status: bad input is 2, a courier
// unavailable for the moment or still loading 3, the rest 1.
func exitCode(err error) int {
	var u usageError
	switch {
	case errors.Is(err, client.ErrKeyLog):
		// Whatever it wraps: the gateway, not the command line, is wrong.
		return exitFailure
	case errors.Is(err, client.ErrUnavailable), errors.Is(err, client.ErrStillLoading):
		return exitUnavailable
	case errors.As(err, &u),
		errors.Is(err, config.ErrInvalid),
		errors.Is(err, crypto.ErrInvalidTrackingNumber),
		errors.Is(err, crypto.ErrInvalidFactor),
		errors.Is(err, crypto.ErrInvalidCourierID),
		errors.Is(err, client.ErrFactorRequired):
		return exitUsage
	}
	return exitFailure
}

// sentence turns an error into one line that reads as a sentence: first
// letter upper case, a full stop at the end, no control characters.
func sentence(err error) string {
	s := strings.TrimSpace(printable(err.Error()))
	if s == "" {
		return "Failed."
	}
	r, size := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[size:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}
