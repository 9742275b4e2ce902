package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// Policy is which callback URLs the gateway's operator lets subscriptions
// name. The zero value is production's: https only, public addresses only.
type Policy struct {
	// AllowHTTP accepts http:// callbacks (development, or receivers on a
	// trusted network behind the gateway).
	AllowHTTP bool
	// AllowPrivate lets callbacks reach loopback, private, link-local and
	// other non-public addresses: the embedded default, on one machine.
	AllowPrivate bool
}

// Resolver finds the addresses of a host name; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// MaxCallbackURLLength bounds a callback URL.
const MaxCallbackURLLength = 2048

// ErrCallbackRefused wraps every reason CheckURL refuses a callback URL;
// the text after it is a sentence safe to show the subscriber, which
// never repeats the URL.
var ErrCallbackRefused = errors.New("callback URL refused")

// CheckURL parses a subscription's callback URL and checks it against the
// policy: an absolute http(s) URL (https unless AllowHTTP), with a host,
// without user information or a fragment, and, unless AllowPrivate, whose
// host resolves (through r) only to public addresses. Connections are
// checked again when made (Client), since a name may resolve differently
// by then.
func (p Policy) CheckURL(ctx context.Context, raw string, r Resolver) (*url.URL, error) {
	refuse := func(format string, args ...any) (*url.URL, error) {
		return nil, fmt.Errorf("%w: %s", ErrCallbackRefused, fmt.Sprintf(format, args...))
	}
	if len(raw) > MaxCallbackURLLength {
		return refuse("the callback URL is longer than %d characters", MaxCallbackURLLength)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return refuse("the callback URL cannot be parsed as a URL")
	case u.Scheme != "https" && !(u.Scheme == "http" && p.AllowHTTP):
		if p.AllowHTTP {
			return refuse("the callback URL must be https:// or http://")
		}
		return refuse("the callback URL must be https://; this gateway does not call plain http")
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return refuse("the callback URL needs a host")
	case u.User != nil:
		return refuse("the callback URL must not hold a user name or password; authenticate deliveries by their signature")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return refuse("the callback URL must not hold a fragment (#…)")
	}
	if port := u.Port(); port != "" {
		if n, err := parsePort(port); err != nil || n == 0 {
			return refuse("the callback URL's port must be 1 to 65535")
		}
	}
	if p.AllowPrivate {
		return u, nil
	}
	addrs, err := lookup(ctx, r, u.Hostname())
	if err != nil {
		return refuse("the callback URL's host does not resolve")
	}
	for _, a := range addrs {
		if !PublicAddress(a) {
			return refuse("the callback URL's host resolves to a loopback, private, link-local or other non-public address, which this gateway does not call")
		}
	}
	return u, nil
}

// lookup returns the addresses of host: itself when it is an address
// literal, else what r finds.
func lookup(ctx context.Context, r Resolver, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	if r == nil {
		r = net.DefaultResolver
	}
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("%s has no address", host)
	}
	return addrs, nil
}

func parsePort(s string) (int, error) {
	n := 0
	if len(s) > 5 {
		return 0, errors.New("too long")
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, errors.New("not a number")
		}
		n = n*10 + int(c-'0')
	}
	if n > 65535 {
		return 0, errors.New("too large")
	}
	return n, nil
}
