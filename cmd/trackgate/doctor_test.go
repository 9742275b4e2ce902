package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/config"
)

// doctorDeployment is a gateway's file and a courier host's file, as
// 'courier init' and the walkthrough of docs/adapters.md write them, with
// the host (and, for a push host, the gateway) running on loopback in
// this process. Tests break one thing and run doctor over it.
type doctorDeployment struct {
	dir, gwKey, gwFile, hostFile string
	hostURL, gwURL               string
	mode                         string
}

const doctorToken = "ACME_POST_WEBHOOK_TOKEN"

func newDoctorDeployment(t *testing.T, mode string, initArgs ...string) *doctorDeployment {
	t.Helper()
	gin.SetMode(gin.ReleaseMode) // as the commands do: no route listing
	d := &doctorDeployment{dir: t.TempDir(), mode: mode}
	d.gwKey, _ = gatewayKeyFor(t, filepath.Join(d.dir, "gateway"))
	hostAddr, gwAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t)), fmt.Sprintf("127.0.0.1:%d", freePort(t))
	d.hostURL, d.gwURL = "http://"+hostAddr, "http://"+gwAddr
	out := filepath.Join(d.dir, "acme")
	args := append([]string{"courier", "init", out, "--id", "acme-post", "--adapter", "webhook", "--mode", mode,
		"--factor", "phone_last4", "--listen", hostAddr, "--gateway-url", d.gwURL, "--gateway-key", d.gwKey,
		"--option", "listen=127.0.0.1:0"}, initArgs...)
	if got := runCLI(t, nil, args...); got.code != exitOK {
		t.Fatalf("courier init: %s", got.stderr)
	}
	t.Setenv(doctorToken, strings.Repeat("d", 40))
	d.hostFile = filepath.Join(out, courierFile)
	d.gwFile = gatewayFileWith(t, filepath.Join(d.dir, "gateway.yaml"), gwAddr, d.gwKey, 8, filepath.Join(out, gatewayEntryFile))
	return d
}

// edit replaces old with new in the file at path, which must hold old.
func edit(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s does not hold %q:\n%s", path, old, data)
	}
	writeFile(t, path, strings.Replace(string(data), old, new, 1))
}

// startHost runs the courier host of file on its listen address until
// the test ends.
func startHost(t *testing.T, file string) {
	t.Helper()
	cfg, err := config.LoadCourier(file)
	if err != nil {
		t.Fatal(err)
	}
	host, err := cfg.Build(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: host.Handler, TLSConfig: host.TLS}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = host.Run(ctx)
	}()
	go func() {
		if host.TLS != nil {
			_ = srv.ServeTLS(l, "", "")
		} else {
			_ = srv.Serve(l)
		}
	}()
	t.Cleanup(func() {
		cancel()
		_ = srv.Close()
		<-done
		_ = host.Close()
	})
}

// startGateway runs the gateway of file until the test ends.
func startGateway(t *testing.T, file string) {
	t.Helper()
	cfg, err := config.LoadGateway(file)
	if err != nil {
		t.Fatal(err)
	}
	gw, closer, err := cfg.Build(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: gw.Handler()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		gw.Run(ctx)
	}()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() {
		cancel()
		_ = srv.Close()
		<-done
		_ = closer.Close()
	})
}

// start runs the host and, for a push host, the gateway it publishes to.
func (d *doctorDeployment) start(t *testing.T) {
	t.Helper()
	startHost(t, d.hostFile)
	if d.mode == "push" {
		startGateway(t, d.gwFile)
	}
}

// doctorJSON runs doctor --json with the clock now and returns its exit
// status and report.
func doctorJSON(t *testing.T, now func() time.Time, args ...string) (int, doctorReport, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"doctor", "--json", "--timeout", "3s"}, args...), env{
		stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, now: now, location: shanghai,
	})
	var r doctorReport
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("doctor --json printed no report (%v): %s\n%s", err, stdout.String(), stderr.String())
	}
	return code, r, stderr.String()
}

// problems are the report's problems as "check" names.
func (r doctorReport) problemChecks() []string {
	var checks []string
	for _, f := range r.Findings {
		if !f.OK {
			checks = append(checks, f.Check)
		}
	}
	slices.Sort(checks)
	return checks
}

func TestDoctorPassesAHealthyDeployment(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode string
		tls  bool
	}{{"push", "push", false}, {"pull", "pull", false}, {"pull over https", "pull", true}} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDoctorDeployment(t, tc.mode)
			if tc.tls {
				d.serveTLS(t, 90*24*time.Hour, true)
			}
			d.start(t)
			code, r, stderr := doctorJSON(t, time.Now, "--config", d.gwFile, "--courier", d.hostFile)
			if code != exitOK || r.Problems != 0 || !r.OK {
				t.Fatalf("exit %d, %d problems: %+v\n%s", code, r.Problems, r.Findings, stderr)
			}
			var checks []string
			for _, f := range r.Findings {
				checks = append(checks, f.Check)
			}
			want := []string{"file", "mode", "factor", "bucket_bits", "record_size", "signing key", "gateway key", "gateway id", "listen",
				"reachable", "tls", "clock", "oprf keys"}
			if tc.mode == "push" {
				want = append(want, "gateway url")
			}
			for _, w := range want {
				if !slices.Contains(checks, w) {
					t.Errorf("no %q check among %v", w, checks)
				}
			}
			if tc.tls && !strings.Contains(fmt.Sprint(r.Findings), "certificate for localhost trusted, valid until") {
				t.Errorf("the tls check does not show the certificate: %+v", r.Findings)
			}

			// The text form: a line per check and the summary.
			got := runCLI(t, nil, "doctor", "--config", d.gwFile, "--courier", d.hostFile)
			lines := strings.Split(strings.TrimSpace(got.stdout), "\n")
			if got.code != exitOK || len(lines) != len(r.Findings)+1 || lines[len(lines)-1] != fmt.Sprintf("All %d checks passed.", len(r.Findings)) {
				t.Errorf("exit %d:\n%s", got.code, got.stdout)
			}
			for _, l := range lines[:len(lines)-1] {
				if !strings.HasPrefix(l, "ok       ") {
					t.Errorf("line %q is not an ok line", l)
				}
			}
		})
	}
}

// TestDoctorNamesEachMismatch breaks one thing of a working deployment
// per case and checks that doctor reports exactly the checks it breaks,
// each with its fix.
func TestDoctorNamesEachMismatch(t *testing.T) {
	otherKey := func(t *testing.T) string {
		_, pub := gatewayKeyFor(t, filepath.Join(t.TempDir(), "other"))
		return crypto.EncodeB64(pub)
	}
	tests := []struct {
		name     string
		mode     string
		initArgs []string
		// breakIt changes the files before the host starts; start false
		// leaves everything stopped.
		breakIt func(t *testing.T, d *doctorDeployment) (extraArgs []string)
		noStart bool
		now     time.Duration // doctor's clock ahead of the host's
		want    []string      // the checks that fail, sorted
		fix     string        // in the fix of the first problem
	}{
		{name: "mode: the gateway registers a push host as pull", mode: "push",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				edit(t, d.gwFile, "mode: push", "mode: pull")
				return nil
			},
			want: []string{"mode", "mode"}, fix: "Set couriers[0].mode: push in "},
		{name: "factor differs", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				edit(t, d.gwFile, "factor: phone_last4", "factor: none")
				return nil
			},
			want: []string{"factor"}, fix: "Set the same factor in "},
		{name: "bucket_bits of a push host's file", mode: "push",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				edit(t, d.gwFile, "bucket_bits: 8", "bucket_bits: 10")
				return nil
			},
			want: []string{"bucket_bits"}, fix: "Set bucket_bits: 10 in "},
		{name: "bucket_bits of a pull host, asked of the host", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				edit(t, d.gwFile, "bucket_bits: 8", "bucket_bits: 10")
				return []string{"--courier", ""} // no host file: the host alone tells
			},
			want: []string{"bucket_bits"}, fix: "Set bucket_bits: 10 in the host's file"},
		{name: "record_size differs", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				edit(t, d.gwFile, "couriers:\n", "records:\n  record_size: 6528\ncouriers:\n")
				return nil
			},
			want: []string{"record_size"}, fix: "Set record_size: 6528 in "},
		{name: "the entry's public_key is not the host's", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				host, _ := config.LoadCourier(d.hostFile)
				edit(t, d.gwFile, crypto.EncodeB64(host.SigningPublicKey()), otherKey(t))
				return nil
			},
			want: []string{"signing key", "signing key"}, fix: "Set couriers[0].public_key: "},
		{name: "the host does not know the gateway's key", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				host, _ := config.LoadCourier(d.hostFile)
				edit(t, d.hostFile, "public_key: "+crypto.EncodeB64(host.GatewayPublicKey()), "public_key: "+otherKey(t))
				return nil
			},
			want: []string{"gateway key", "gateway key"}, fix: "Set gateway.public_key: "},
		{name: "gateway id differs", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				edit(t, d.hostFile, "  id: gateway", "  id: gateway-two")
				return nil
			},
			want: []string{"gateway id"}, fix: "Set gateway.id: gateway in "},
		{name: "the entry names another port", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				edit(t, d.gwFile, "host: \""+d.hostURL, fmt.Sprintf("host: \"http://127.0.0.1:%d", freePort(t)))
				return nil
			},
			want: []string{"listen", "reachable"}, fix: "Make them one address: couriers[0].host in "},
		{name: "the host is down", mode: "pull", noStart: true,
			want: []string{"reachable"}, fix: "Start the host (trackgate courier --config ITS-FILE)"},
		{name: "a push host's gateway is down", mode: "push",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				startHost(t, d.hostFile)
				return nil
			},
			noStart: true, want: []string{"gateway url"}, fix: "Start the gateway there, or set gateway.url in "},
		{name: "clocks ten minutes apart", mode: "pull", now: 10 * time.Minute,
			want: []string{"clock", "gateway key"}, fix: "Synchronise the clocks"},
		{name: "the OPRF key ends within the warning", mode: "pull", initArgs: []string{"--valid", "3d"},
			want: []string{"oprf keys"}, fix: "Run 'trackgate keys rotate --dir KEY-DIR'"},
		{name: "the host runs other OPRF keys than its file", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				startHost(t, d.hostFile)
				keys := filepath.Join(filepath.Dir(d.hostFile), courierKeysDir)
				if got := runCLI(t, nil, "keys", "gen", "--out", keys, "--kind", "oprf", "--force"); got.code != exitOK {
					t.Fatal(got.stderr)
				}
				return nil
			},
			noStart: true, want: []string{"oprf keys"}, fix: "Restart the host with "},
		{name: "a self-signed certificate the gateway does not trust", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				d.serveTLS(t, 90*24*time.Hour, false)
				return nil
			},
			want: []string{"tls"}, fix: "Give the CA that issued it as courier_tls.ca_file in "},
		{name: "a certificate about to expire", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				d.serveTLS(t, 3*24*time.Hour, true)
				return nil
			},
			want: []string{"tls"}, fix: "Renew the certificate"},
		{name: "an expired certificate", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				d.serveTLS(t, -time.Hour, true)
				return nil
			},
			want: []string{"tls"}, fix: "Renew the certificate"},
		{name: "Redis does not answer", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				edit(t, d.gwFile, "couriers:\n", fmt.Sprintf("redis:\n  addrs: [127.0.0.1:%d]\n  timeout: 1s\ncouriers:\n", freePort(t)))
				return nil
			},
			want: []string{"reachable"}, fix: "Start Redis there"},
		{name: "a host file of a courier the gateway does not register", mode: "pull",
			breakIt: func(t *testing.T, d *doctorDeployment) []string {
				out := filepath.Join(d.dir, "lark")
				if got := runCLI(t, nil, "courier", "init", out, "--id", "lark-post", "--adapter", "webhook", "--mode", "pull", "--gateway-key", d.gwKey); got.code != exitOK {
					t.Fatal(got.stderr)
				}
				return []string{"--courier", filepath.Join(out, courierFile)}
			},
			want: []string{"registered"}, fix: "Add the courier's entry under couriers: in "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDoctorDeployment(t, tt.mode, tt.initArgs...)
			args := []string{"--config", d.gwFile, "--courier", d.hostFile}
			if tt.breakIt != nil {
				if extra := tt.breakIt(t, d); len(extra) == 2 && extra[1] == "" {
					args = args[:2]
				} else {
					args = append(args, extra...)
				}
			}
			if !tt.noStart {
				d.start(t)
			}
			code, r, stderr := doctorJSON(t, func() time.Time { return time.Now().Add(tt.now) }, args...)
			if code != exitFailure || r.OK {
				t.Errorf("exit %d, ok %v; want %d and not ok; stderr %q", code, r.OK, exitFailure, stderr)
			}
			if got := r.problemChecks(); !slices.Equal(got, tt.want) || r.Problems != len(tt.want) {
				t.Errorf("problems %v (%d), want %v: %+v", got, r.Problems, tt.want, r.Findings)
			}
			fixed := false
			for _, f := range r.Findings {
				if !f.OK && (f.Detail == "" || f.Fix == "") {
					t.Errorf("the problem %q lacks a detail or a fix: %+v", f.Check, f)
				}
				fixed = fixed || (!f.OK && strings.Contains(f.Fix, tt.fix))
			}
			if !fixed {
				t.Errorf("no fix says %q: %+v", tt.fix, r.Findings)
			}
			if !strings.HasPrefix(stderr, fmt.Sprintf("Doctor found %d problem", len(tt.want))) {
				t.Errorf("stderr %q", stderr)
			}
		})
	}
}

func TestDoctorFilesThatDoNotLoad(t *testing.T) {
	d := newDoctorDeployment(t, "pull")
	d.start(t)
	broken := writeFile(t, filepath.Join(d.dir, "broken.yaml"), "listen: 127.0.0.1:1\n")
	for _, tc := range []struct {
		name  string
		args  []string
		check string
	}{
		{"the gateway's file", []string{"--config", broken}, "file"},
		{"a host's file", []string{"--config", d.gwFile, "--courier", filepath.Join(d.dir, "none.yaml")}, "file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, r, _ := doctorJSON(t, time.Now, tc.args...)
			if code != exitUsage || r.Problems != 1 || r.problemChecks()[0] != tc.check {
				t.Errorf("exit %d, report %+v; want 2 and one problem with the file", code, r)
			}
		})
	}
	if got := runCLI(t, nil, "doctor"); got.code != exitUsage || !strings.Contains(got.stderr, "--config FILE is required") {
		t.Errorf("doctor without --config: exit %d, %q", got.code, got.stderr)
	}
}

// serveTLS gives the host a certificate for 127.0.0.1 valid for valid
// (negative: expired), self-signed, and makes the gateway reach it over
// https, trusting the certificate when trusted.
func (d *doctorDeployment) serveTLS(t *testing.T, valid time.Duration, trusted bool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	notBefore := now.Add(-time.Hour)
	if valid < 0 {
		notBefore = now.Add(2 * valid)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: notBefore, NotAfter: now.Add(valid),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile := writeFile(t, filepath.Join(d.dir, "host.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	keyFile := writeFile(t, filepath.Join(d.dir, "host-key.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
	data, err := os.ReadFile(d.hostFile)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, d.hostFile, string(data)+fmt.Sprintf("tls:\n  cert_file: %s\n  key_file: %s\n", certFile, keyFile))
	edit(t, d.gwFile, "host: \"http://", "host: \"https://")
	if trusted {
		edit(t, d.gwFile, "couriers:\n", "courier_tls:\n  ca_file: "+certFile+"\ncouriers:\n")
	}
	d.hostURL = strings.Replace(d.hostURL, "http://", "https://", 1)
}
