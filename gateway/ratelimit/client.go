package ratelimit

import "net/netip"

// ipv6ClientBits is how much of an IPv6 address names one client: a host
// commonly holds a whole /64, so keying by the full address would hand
// it 2^64 budgets (docs/protocol.md §12).
const ipv6ClientBits = 64

// ClientKey is the key a client's budget is kept under: the IPv4 address
// (an IPv4-mapped IPv6 address counts as IPv4), or the /64 of an IPv6
// address, zone dropped. Anything that is not an address is its own key,
// so a limiter given a key already made, or an odd value, still limits.
func ClientKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	return netip.PrefixFrom(ip, ipv6ClientBits).Masked().String()
}
