package telemetry

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// AdminHandler serves what an operator's tools read, apart from the
// public API:
//
//	GET /metrics         the Prometheus text exposition of reg
//	GET /debug/pprof/    the runtime profiles (net/http/pprof)
//	GET /healthz         {"status":"ok"} while the process runs
//
// Profiles show what the process is doing, down to the arguments of
// functions on the stack, so the admin listener belongs on loopback or a
// private network (CheckAdminAddr).
func AdminHandler(reg prometheus.Gatherer) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("trackgate admin: /metrics /debug/pprof/ /healthz\n"))
	})
	return mux
}

// ErrPublicAdmin is wrapped by CheckAdminAddr's refusal.
var ErrPublicAdmin = errors.New("admin listener on a non-loopback address")

// CheckAdminAddr refuses an admin address (host:port) that is not on
// loopback — an empty host or 0.0.0.0 listens on every interface — unless
// public is set: metrics and profiles are for the operator, and whoever
// reaches them learns the traffic's shape and the process's insides.
// "localhost" counts as loopback; any other name does not, since what it
// resolves to can change.
func CheckAdminAddr(addr string, public bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("admin address %q must be host:port, such as 127.0.0.1:9090", addr)
	}
	if public || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil && ip.IsLoopback() {
		return nil
	}
	where := host
	if where == "" {
		where = "every interface"
	}
	return fmt.Errorf("%w: %s (%s) would serve /metrics and /debug/pprof to the network; listen on 127.0.0.1:%s, or set admin_public: true (--admin-public) to serve them there on purpose, behind a firewall",
		ErrPublicAdmin, addr, where, port)
}
