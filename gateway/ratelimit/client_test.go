package ratelimit

import "testing"

func TestClientKeyIsTheIPv4AddressOrTheIPv6Slash64(t *testing.T) {
	cases := []struct{ addr, want string }{
		{"192.0.2.7", "192.0.2.7"},
		{"::ffff:192.0.2.7", "192.0.2.7"}, // IPv4-mapped counts as IPv4
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"2001:db8:1:2::/64", "2001:db8:1:2::/64"}, // a key already made stays itself
		{"", ""},
	}
	for _, c := range cases {
		if got := ClientKey(c.addr); got != c.want {
			t.Errorf("ClientKey(%q) = %q, want %q", c.addr, got, c.want)
		}
	}
}
