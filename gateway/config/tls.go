package config

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"strings"
)

// ClientTLS is how one side dials the other over HTTPS: the gateway its
// courier hosts, a push-mode courier host the gateway (docs/protocol.md §9).
type ClientTLS struct {
	// CAFile is a PEM file of the CAs to trust (default: the system's).
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are a client certificate and its key, PEM, for
	// a peer that requires mutual TLS; both or neither.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// ServerTLS makes a courier host serve HTTPS itself.
type ServerTLS struct {
	// CertFile and KeyFile are the server's certificate (chain) and key, PEM.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ClientCAFile, when set, requires every client (the gateway) to
	// present a certificate issued by one of these CAs: mutual TLS.
	ClientCAFile string `yaml:"client_ca_file"`
}

// load checks the section at field and builds the client's TLS config;
// nil for a nil section.
func (t *ClientTLS) load(field, dir string) (*tls.Config, error) {
	if t == nil {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.CAFile != "" {
		t.CAFile = resolve(dir, t.CAFile)
		pool, err := loadCertPool(field+".ca_file", t.CAFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	cert, err := loadKeyPair(field, dir, &t.CertFile, &t.KeyFile)
	if err != nil {
		return nil, err
	}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return cfg, nil
}

// load checks the section at field and builds the listener's TLS config;
// nil for a nil section.
func (t *ServerTLS) load(field, dir string) (*tls.Config, error) {
	if t == nil {
		return nil, nil
	}
	if t.CertFile == "" || t.KeyFile == "" {
		return nil, fieldErr(field, "cert_file and key_file are required to serve HTTPS; remove the tls section to serve plain HTTP on loopback behind a TLS proxy")
	}
	cert, err := loadKeyPair(field, dir, &t.CertFile, &t.KeyFile)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{*cert}}
	if t.ClientCAFile != "" {
		t.ClientCAFile = resolve(dir, t.ClientCAFile)
		pool, err := loadCertPool(field+".client_ca_file", t.ClientCAFile)
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// loadKeyPair loads a certificate and key named by the fields cert_file
// and key_file of the section at field: both or neither (nil).
func loadKeyPair(field, dir string, certFile, keyFile *string) (*tls.Certificate, error) {
	switch {
	case *certFile == "" && *keyFile == "":
		return nil, nil
	case *certFile == "" || *keyFile == "":
		return nil, fieldErr(field, "cert_file and key_file go together; give both, or neither")
	}
	*certFile, *keyFile = resolve(dir, *certFile), resolve(dir, *keyFile)
	cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	if err != nil {
		return nil, &FieldError{Field: field + ".cert_file", Problem: fmt.Sprintf("cannot load the certificate %s with the key %s: %v", *certFile, *keyFile, err), Err: err}
	}
	return &cert, nil
}

func loadCertPool(field, path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, &FieldError{Field: field, Problem: fmt.Sprintf("cannot read %s: %v", path, err), Err: err}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fieldErr(field, "%s holds no PEM certificate", path)
	}
	return pool, nil
}

// checkPeerURL checks the base URL of the other side, a gateway or a
// courier host: https, unless the host is on loopback, where plain HTTP
// cannot be read or changed on the way (docs/protocol.md §9).
func checkPeerURL(field, s string) error {
	if err := checkURL(field, s); err != nil {
		return err
	}
	u, _ := url.Parse(s) // checkURL parsed it
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return fieldErr(field, "%q is plain HTTP to a host that is not on loopback: anyone on the way could read and change the traffic; use https://%s (for a private CA, set its ca_file), or a loopback address for a local test", s, strings.TrimPrefix(s, "http://"))
	}
	return nil
}

// IsLoopback reports whether host is localhost or an address in
// 127.0.0.0/8 or ::1: where plain http:// is allowed between a gateway
// and a courier host.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}
