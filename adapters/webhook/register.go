package webhook

import (
	"fmt"
	"log/slog"
	"maps"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// AdapterName is the name the adapter registers with adapters.Register.
const AdapterName = "webhook"

func init() { adapters.Register(AdapterName, open) }

// optionNames are the options open understands, the required ones first.
var (
	requiredOptions = []string{"courier", "listen", "token_env", "state"}
	optionNames     = append(slices.Clone(requiredOptions), "factor", "retention", "tls_cert", "tls_key")
)

// open is the adapters.Factory of the adapter; the package documentation
// lists its options. A factory is given no logger: the adapter logs
// through slog's default logger until its courier host gives it its own
// with SetLogger, which then announces the listener, in the host's format.
func open(options map[string]string) (adapters.Source, error) {
	cfg, err := parseOptions(options, os.LookupEnv)
	if err != nil {
		return nil, err
	}
	cfg.Logger = slog.Default().With("adapter", AdapterName)
	return openAdapter(cfg)
}

// parseOptions turns adapter options into a Config, reading the token
// from the environment variable that "token_env" names.
func parseOptions(options map[string]string, lookupEnv func(string) (string, bool)) (Config, error) {
	var cfg Config
	for _, name := range slices.Sorted(maps.Keys(options)) {
		if !slices.Contains(optionNames, name) {
			return cfg, fmt.Errorf("unknown option %q; known options: %s", name, strings.Join(optionNames, ", "))
		}
	}
	for _, name := range requiredOptions {
		if options[name] == "" {
			return cfg, fmt.Errorf("option %q is required; the webhook adapter needs %s", name, strings.Join(requiredOptions, ", "))
		}
	}
	if _, _, err := net.SplitHostPort(options["listen"]); err != nil {
		return cfg, fmt.Errorf("option \"listen\": %q is not host:port, e.g. 127.0.0.1:9180", options["listen"])
	}
	envName := options["token_env"]
	token, ok := lookupEnv(envName)
	if !ok || token == "" {
		return cfg, fmt.Errorf("option \"token_env\": the environment variable %s is not set; set it to the bearer token the courier's systems send (e.g. 'openssl rand -hex 32')", envName)
	}
	cfg = Config{
		Courier:     options["courier"],
		Listen:      options["listen"],
		Token:       token,
		StatePath:   options["state"],
		Factor:      options["factor"],
		TLSCertFile: options["tls_cert"],
		TLSKeyFile:  options["tls_key"],
	}
	if v, ok := options["retention"]; ok {
		d, err := parseDays(v)
		if err != nil || d < MinRetention {
			return cfg, fmt.Errorf("option \"retention\": %q is not a duration of at least %s, such as 30d or 720h", v, MinRetention)
		}
		cfg.Retention = d
	}
	return cfg, nil
}

// parseDays parses a Go duration or a whole number of days ("30d"), the
// durations of a courier host's file.
func parseDays(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 36500 {
			return 0, fmt.Errorf("bad number of days %q", days)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}
