package webhook

import (
	"errors"
	"net/netip"
)

// ErrAddressNotAllowed is an address a callback may not reach: loopback,
// private, link-local, multicast, unspecified, shared (CGNAT) and the
// like, in any of their IPv4, IPv6 or IPv4-in-IPv6 forms.
var ErrAddressNotAllowed = errors.New("webhook: address not allowed")

// refusedPrefixes are the ranges that reach no host on the public
// Internet besides those the netip predicates name (loopback, private,
// unspecified, multicast, link-local).
var refusedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"; 0.0.0.0 reaches the local host on Linux
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space, CGNAT (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments (RFC 6890)
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking (RFC 2544), often used inside networks
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and 255.255.255.255 broadcast
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
	netip.MustParsePrefix("100::/64"),        // discard-only (RFC 6666)
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64 (RFC 8215)
	netip.MustParsePrefix("2001::/32"),       // Teredo: a tunnel to an IPv4 address
	netip.MustParsePrefix("2002::/16"),       // 6to4: a tunnel to an IPv4 address
	netip.MustParsePrefix("::ffff:0:0:0/96"), // IPv4-translated (RFC 2765)
}

// nat64 is the well-known NAT64 prefix (RFC 6052), whose last 32 bits are
// an IPv4 address the translator reaches.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// PublicAddress reports whether a callback may connect to a: an address
// on the public Internet. An IPv4 address written in IPv6 (::ffff:a.b.c.d,
// or 64:ff9b::a.b.c.d through NAT64) is judged by the IPv4 address it
// reaches.
func PublicAddress(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.WithZone("").Unmap()
	if a.Is6() && nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte(b[12:16]))
	}
	if a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsMulticast() ||
		a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range refusedPrefixes {
		if p.Contains(a) {
			return false
		}
	}
	return true
}
