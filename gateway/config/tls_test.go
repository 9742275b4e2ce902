package config

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAttackPlainHTTPCourierHost: in revision 1 the gateway's config took
// http:// for a courier host anywhere, so the key list, evaluations and
// pull buckets crossed networks in the clear, for anyone on the way to
// read and change (see TestAttackInjectedHostKeys in remotehost). Now
// plain HTTP is refused off loopback, for the gateway's courier hosts and
// a courier host's gateway alike; https and loopback HTTP are accepted.
func TestAttackPlainHTTPCourierHost(t *testing.T) {
	f := newFixture(t)
	refused := []string{
		"http://tg1.courier.example",
		"http://tg1.courier.example:8443",
		"http://10.0.0.5:9000",
		"http://192.168.1.20",
		"http://[2001:db8::1]:80",
		"http://127.0.0.1.nip.io:8080", // a name, not a loopback address
		"http://0.0.0.0:19002",
	}
	accepted := []string{
		"https://tg1.courier.example",
		"https://10.0.0.5:9443",
		"http://127.0.0.1:19002",
		"http://127.8.9.10:1",
		"http://[::1]:19002",
		"http://localhost:19002",
		"http://LOCALHOST",
	}
	check := func(t *testing.T, url string, wantOK bool) {
		t.Helper()
		gw := f.gatewayDoc()
		edit(t, gw, "couriers.0.host", url)
		_, err := parseGateway(marshal(t, gw), f.dir, f.opts())
		host := f.courierDoc()
		edit(t, host, "gateway.url", url)
		_, hostErr := parseCourier(marshal(t, host), f.dir, f.opts())
		if wantOK {
			if err != nil || hostErr != nil {
				t.Errorf("%s refused: %v; %v", url, err, hostErr)
			}
			return
		}
		if fe := fieldOf(t, err); fe.Field != "couriers[0].host" || !strings.Contains(err.Error(), "https://") {
			t.Errorf("gateway file with courier host %s: %v; want couriers[0].host refused with the https fix", url, err)
		}
		if fe := fieldOf(t, hostErr); fe.Field != "gateway.url" || !strings.Contains(hostErr.Error(), "https://") {
			t.Errorf("courier host file with gateway %s: %v; want gateway.url refused with the https fix", url, hostErr)
		}
	}
	for _, u := range refused {
		check(t, u, false)
	}
	for _, u := range accepted {
		check(t, u, true)
	}
}

// testPKI is a CA and the certificates it issued, written as PEM files
// into a test's directory when it runs (nothing is committed).
type testPKI struct {
	caFile, serverCert, serverKey, clientCert, clientKey string
}

func newTestPKI(t *testing.T, dir string) testPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "trackgate test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	p := testPKI{caFile: filepath.Join(dir, "ca.pem")}
	writePEM(t, p.caFile, "CERTIFICATE", caDER)
	issue := func(name string, serial int64, usage x509.ExtKeyUsage) (certFile, keyFile string) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
		writePEM(t, certFile, "CERTIFICATE", der)
		writePEM(t, keyFile, "PRIVATE KEY", keyDER)
		return certFile, keyFile
	}
	p.serverCert, p.serverKey = issue("server", 2, x509.ExtKeyUsageServerAuth)
	p.clientCert, p.clientKey = issue("client", 3, x509.ExtKeyUsageClientAuth)
	return p
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestGatewayReachesACourierHostOverMutualTLS builds a pull courier host
// that serves HTTPS and requires a client certificate, and a gateway that
// dials it with the test CA and its client certificate, from their files:
// real TLS on loopback, with certificates made for the test.
func TestGatewayReachesACourierHostOverMutualTLS(t *testing.T) {
	f := newFixture(t)
	pki := newTestPKI(t, f.dir)
	hostDoc := f.pullDoc()
	edit(t, hostDoc, "tls", map[string]any{"cert_file": pki.serverCert, "key_file": pki.serverKey, "client_ca_file": pki.caFile})
	host := buildCourier(t, f, hostDoc, nil)
	if host.TLS == nil || host.TLS.ClientAuth != tls.RequireAndVerifyClientCert {
		t.Fatalf("listener TLS %+v, want one requiring client certificates", host.TLS)
	}
	srv := httptest.NewUnstartedServer(host.Handler)
	srv.TLS = host.TLS
	srv.StartTLS()
	defer srv.Close()

	gatewayWith := func(courierTLS map[string]any) error {
		doc := f.gatewayDoc()
		delete(doc, "redis")
		pull := doc["couriers"].([]any)[1].(map[string]any)
		pull["host"] = srv.URL
		doc["couriers"] = []any{pull}
		if courierTLS != nil {
			doc["courier_tls"] = courierTLS
		}
		g, err := parseGateway(marshal(t, doc), f.dir, f.opts())
		if err != nil {
			t.Fatal(err)
		}
		gw, closer, err := g.Build(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer closer.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return gw.Refresh(ctx)
	}
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") {
		t.Fatalf("server URL %s", srv.URL)
	}
	if err := gatewayWith(map[string]any{"ca_file": pki.caFile, "cert_file": pki.clientCert, "key_file": pki.clientKey}); err != nil {
		t.Errorf("gateway with the CA and a client certificate: %v", err)
	}
	if err := gatewayWith(map[string]any{"ca_file": pki.caFile}); err == nil {
		t.Error("gateway without a client certificate reached a host requiring one")
	}
	if err := gatewayWith(nil); err == nil {
		t.Error("gateway trusting only the system's roots accepted the test CA's certificate")
	}
}

// TestPushHostDialsTheGatewayWithItsCA: a push host's gateway.tls makes
// its publisher trust the named CA and present its client certificate.
func TestPushHostDialsTheGatewayWithItsCA(t *testing.T) {
	f := newFixture(t)
	pki := newTestPKI(t, f.dir)
	serverCert, err := tls.LoadX509KeyPair(pki.serverCert, pki.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	clientCAs, err := loadCertPool("test", pki.caFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientCAs: clientCAs, ClientAuth: tls.RequireAndVerifyClientCert}
	srv.StartTLS()
	defer srv.Close()

	for _, tt := range []struct {
		name   string
		tls    map[string]any
		wantOK bool
	}{
		{"the CA and a client certificate", map[string]any{"ca_file": pki.caFile, "cert_file": pki.clientCert, "key_file": pki.clientKey}, true},
		{"the CA without a client certificate", map[string]any{"ca_file": pki.caFile}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := f.courierDoc()
			edit(t, doc, "gateway.url", srv.URL)
			edit(t, doc, "gateway.tls", tt.tls)
			c, err := parseCourier(marshal(t, doc), f.dir, f.opts())
			if err != nil {
				t.Fatal(err)
			}
			client := c.gatewayClient()
			if client == nil || client.Timeout == 0 {
				t.Fatalf("gateway client %+v: want one with a timeout", client)
			}
			resp, err := client.Get(srv.URL)
			if err == nil {
				resp.Body.Close()
			}
			if (err == nil) != tt.wantOK {
				t.Errorf("GET over TLS: %v, want success %v", err, tt.wantOK)
			}
		})
	}
}
