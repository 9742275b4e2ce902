package tenant

import (
	"fmt"
	"net/url"
	"strings"
)

// AnyOrigin allows every origin. Only a tenant without keys may have it: a
// key usable from any page would let any page spend its tenant's quota.
const AnyOrigin = "*"

// CheckOrigin reports whether s is an origin exactly as a browser sends it
// in the Origin header: scheme "https" or "http", a lower-case host and a
// port only when it is not the scheme's default, with no path, query,
// fragment or user. The error says how to write it.
func CheckOrigin(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("%q is not an origin; write scheme://host[:port], e.g. https://shop.example", s)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("%q: the scheme must be https (or http for local development)", s)
	}
	if u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#") {
		return fmt.Errorf("%q: an origin has no user, path, query or fragment; write only %s://%s", s, u.Scheme, u.Host)
	}
	if strings.Contains(u.Host, "*") {
		return fmt.Errorf("%q: origins are exact; list each one, wildcards are not supported", s)
	}
	if lower := strings.ToLower(s); lower != s {
		return fmt.Errorf("%q: browsers send origins in lower case; write %s", s, lower)
	}
	port := u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		return fmt.Errorf("%q: browsers leave the default port out of an origin; write %s://%s", s, u.Scheme, u.Hostname())
	}
	if strings.HasSuffix(u.Host, ":") {
		return fmt.Errorf("%q: an empty port; write %s://%s", s, u.Scheme, u.Hostname())
	}
	return nil
}
