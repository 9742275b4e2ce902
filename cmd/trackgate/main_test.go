package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

// shanghai is a fixed zone so printed event times do not depend on the
// machine running the tests.
var shanghai = time.FixedZone("UTC+8", 8*3600)

type outcome struct {
	code           int
	stdout, stderr string
}

// runCLI runs trackgate in process with vars as its environment and a
// config dir of its own.
func runCLI(t *testing.T, vars map[string]string, args ...string) outcome {
	t.Helper()
	return runCLIIn(t, t.TempDir(), vars, args...)
}

// runCLIIn is runCLI with the user config dir configDir, so that runs can
// share what they keep there.
func runCLIIn(t *testing.T, configDir string, vars map[string]string, args ...string) outcome {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, env{
		stdout: &stdout, stderr: &stderr,
		getenv:    func(k string) string { return vars[k] },
		now:       time.Now,
		location:  shanghai,
		configDir: func() (string, error) { return configDir, nil },
	})
	return outcome{code, stdout.String(), stderr.String()}
}

var simEast = clienttest.Courier{ID: "sim-east", Name: "Sim East", Patterns: []api.Pattern{{Regex: `^SE[0-9]{10}$`}}}

func TestExitStatusMapping(t *testing.T) {
	g := clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{simEast,
		{ID: "sim-west", Name: "Sim West", Factor: "phone_last4", Patterns: []api.Pattern{{Regex: `^SW[0-9]{10}$`}}}}})
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"root alone shows help", []string{}, exitOK},
		{"unknown command", []string{"trak", "SE1234567890"}, exitUsage},
		{"unknown flag", []string{"track", "SE1234567890", "--fatcor", "1234"}, exitUsage},
		{"missing number", []string{"track"}, exitUsage},
		{"two numbers", []string{"track", "SE1234567890", "SE1234567891"}, exitUsage},
		{"number of the wrong shape", []string{"track", "SE-12"}, exitUsage},
		{"factor of the wrong shape", []string{"track", "SE1234567890", "--factor", "12345"}, exitUsage},
		{"factor required", []string{"track", "SW1234567890"}, exitUsage},
		{"bad gateway URL", []string{"track", "SE1234567890", "--gateway", "ftp://x"}, exitUsage},
		{"zero timeout", []string{"track", "SE1234567890", "--timeout", "0s"}, exitUsage},
		{"not found", []string{"track", "SE1234567890"}, exitFailure},
		{"no matching courier", []string{"track", "ZZ1234567890"}, exitFailure},
		{"unknown keys subcommand", []string{"keys", "revoke"}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCLI(t, map[string]string{"TRACKGATE_GATEWAY": g.URL}, tt.args...)
			if got.code != tt.want {
				t.Errorf("exit status %d, want %d; stderr: %s", got.code, tt.want, got.stderr)
			}
			if tt.want != exitOK && strings.Count(strings.TrimSpace(got.stderr), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", got.stderr)
			}
		})
	}
}

func TestUnreachableGatewayIsAFailure(t *testing.T) {
	// Port 1 on loopback: nothing listens there.
	got := runCLI(t, nil, "track", "SE1234567890", "--gateway", "http://127.0.0.1:1")
	if got.code != exitFailure || !strings.HasPrefix(got.stderr, "Cannot reach the gateway at http://127.0.0.1:1") {
		t.Errorf("exit %d, stderr %q; want 1 and a sentence about reaching the gateway", got.code, got.stderr)
	}
}

func TestErrorsPrintAsOneSentence(t *testing.T) {
	tests := []struct{ in, want string }{
		{"parcel not found", "Parcel not found."},
		{"invalid tracking number: too short.", "Invalid tracking number: too short."},
		{"detail (by design)", "Detail (by design)."},
		{"bad\nnews\x1b[2J", "Bad news [2J."},
	}
	for _, tt := range tests {
		if got := sentence(errString(tt.in)); got != tt.want {
			t.Errorf("sentence(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestEveryCommandAndFlagIsDocumented(t *testing.T) {
	root := newRootCmd(env{getenv: func(string) string { return "" }})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() == "help" || c.Name() == "completion" {
			return // cobra's own
		}
		if c.Short == "" || c.Long == "" || c.Example == "" {
			t.Errorf("%s: Short, Long and Example are all required", c.CommandPath())
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Usage == "" {
				t.Errorf("%s --%s has no help text", c.CommandPath(), f.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, name := range []string{"track", "detect", "keys", "serve"} {
		if c, _, err := root.Find([]string{name}); err != nil || c.Name() != name {
			t.Errorf("command %q is not registered", name)
		}
	}
}
