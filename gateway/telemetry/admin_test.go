package telemetry

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheckAdminAddrRefusesPublicAddressesWithoutTheFlag(t *testing.T) {
	cases := []struct {
		addr   string
		public bool
		ok     bool
	}{
		{"127.0.0.1:9090", false, true},
		{"127.0.0.2:9090", false, true},
		{"[::1]:9090", false, true},
		{"localhost:9090", false, true},
		{":9090", false, false},
		{"0.0.0.0:9090", false, false},
		{"[::]:9090", false, false},
		{"10.0.0.5:9090", false, false},
		{"admin.internal:9090", false, false},
		{":9090", true, true},
		{"10.0.0.5:9090", true, true},
		{"127.0.0.1", false, false}, // no port
		{"127.0.0.1:", false, false},
	}
	for _, c := range cases {
		err := CheckAdminAddr(c.addr, c.public)
		if (err == nil) != c.ok {
			t.Errorf("CheckAdminAddr(%q, %v) = %v; want ok=%v", c.addr, c.public, err, c.ok)
		}
		if err != nil && c.public == false && strings.Contains(c.addr, ":9090") && !errors.Is(err, ErrPublicAdmin) {
			t.Errorf("CheckAdminAddr(%q) = %v; want ErrPublicAdmin", c.addr, err)
		}
	}
	err := CheckAdminAddr("0.0.0.0:9090", false)
	if err == nil || !strings.Contains(err.Error(), "admin_public: true") || !strings.Contains(err.Error(), "127.0.0.1:9090") {
		t.Errorf("the refusal should say how to fix it: %v", err)
	}
}

func TestAdminHandlerServesMetricsProfilesAndHealth(t *testing.T) {
	reg := NewRegistry()
	srv := httptest.NewServer(AdminHandler(reg))
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "go_goroutines") || !strings.Contains(body, "process_") {
		t.Errorf("/metrics: %d %.200q", code, body)
	}
	if code, body := get("/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") || !strings.Contains(body, "heap") {
		t.Errorf("/debug/pprof/: %d %.200q", code, body)
	}
	if code, body := get("/debug/pprof/goroutine?debug=1"); code != 200 || !strings.Contains(body, "goroutine profile") {
		t.Errorf("goroutine profile: %d %.200q", code, body)
	}
	if code, body := get("/healthz"); code != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, _ := get("/v1/couriers"); code != 404 {
		t.Errorf("the admin handler serves nothing of the public API; got %d", code)
	}
}
