package config

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/telemetry"
)

// BuildOption tunes what Build adds beside what the file describes.
type BuildOption func(*buildOptions)

type buildOptions struct {
	registry  prometheus.Registerer
	tracing   *telemetry.Tracing
	publisher courierhost.Publisher // WithPublisher
	keyCheck  time.Duration         // WithKeyCheckInterval
}

func newBuildOptions(opts []BuildOption) buildOptions {
	var o buildOptions
	for _, f := range opts {
		f(&o)
	}
	return o
}

// WithRegistry registers the built gateway's or courier host's metrics
// with reg, which the admin listener serves (telemetry.AdminHandler);
// without it they are counted where nobody reads them.
func WithRegistry(reg prometheus.Registerer) BuildOption {
	return func(o *buildOptions) { o.registry = reg }
}

// WithTracing records spans of the built gateway's or courier host's
// requests — and the gateway's calls to its courier hosts and to Redis —
// with t (telemetry.StartTracing; nil is off).
func WithTracing(t *telemetry.Tracing) BuildOption {
	return func(o *buildOptions) { o.tracing = t }
}

// checkAdmin checks the admin listener's fields of a file: an address on
// loopback, unless admin_public says otherwise.
func checkAdmin(listen string, public bool) error {
	if listen == "" {
		if public {
			return fieldErr("admin_public", "there is no admin_listen to make public; set admin_listen, or remove admin_public")
		}
		return nil
	}
	if err := checkHostPort("admin_listen", listen, true); err != nil {
		return err
	}
	if err := telemetry.CheckAdminAddr(listen, public); err != nil {
		return &FieldError{Field: "admin_listen", Problem: err.Error(), Err: err}
	}
	return nil
}
