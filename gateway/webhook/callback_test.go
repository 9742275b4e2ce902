package webhook

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// fakeResolver answers from a table a test may change, and counts.
type fakeResolver struct {
	mu    sync.Mutex
	hosts map[string][]netip.Addr
}

func newResolver(hosts map[string][]string) *fakeResolver {
	r := &fakeResolver{hosts: map[string][]netip.Addr{}}
	for host, addrs := range hosts {
		r.set(host, addrs...)
	}
	return r
}

func (r *fakeResolver) set(host string, addrs ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hosts[host] = nil
	for _, a := range addrs {
		r.hosts[host] = append(r.hosts[host], netip.MustParseAddr(a))
	}
}

func (r *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	addrs, ok := r.hosts[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	return addrs, nil
}

func TestPublicAddressRefusesEveryNonPublicForm(t *testing.T) {
	refused := []string{
		"127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "0.1.2.3", "::",
		"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "fc00::1", "fd12:3456::1",
		"169.254.169.254", "fe80::1", "fe80::1%eth0",
		"224.0.0.1", "239.255.255.250", "ff02::1", "255.255.255.255", "240.0.0.1",
		"100.64.0.1", "100.127.255.254", "192.0.0.8", "198.18.0.1",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:100.64.0.1",
		"64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2001:0:7f00:1::", "fec0::1", "::ffff:0:7f00:1",
	}
	for _, s := range refused {
		if PublicAddress(netip.MustParseAddr(s)) {
			t.Errorf("%s was taken for a public address", s)
		}
	}
	allowed := []string{"93.184.216.34", "8.8.8.8", "100.128.0.1", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "203.0.113.10"}
	for _, s := range allowed {
		if !PublicAddress(netip.MustParseAddr(s)) {
			t.Errorf("%s was refused, yet it is public", s)
		}
	}
	if PublicAddress(netip.Addr{}) {
		t.Error("the zero address was taken for a public one")
	}
}

func TestCheckURLRefusesWhatAPolicyForbids(t *testing.T) {
	r := newResolver(map[string][]string{
		"hooks.shop.example":    {"203.0.113.10"},
		"intranet.shop.example": {"10.0.0.7"},
		"mixed.shop.example":    {"203.0.113.10", "127.0.0.1"},
		"localhost":             {"127.0.0.1"},
	})
	strict, dev := Policy{}, Policy{AllowHTTP: true, AllowPrivate: true}
	tests := []struct {
		name   string
		policy Policy
		url    string
		want   string // "" accepted, else a word of the refusal
	}{
		{"public https", strict, "https://hooks.shop.example/tg1?shop=1", ""},
		{"public https with port", strict, "https://hooks.shop.example:8443/tg1", ""},
		{"plain http", strict, "http://hooks.shop.example/tg1", "https://"},
		{"http allowed", Policy{AllowHTTP: true}, "http://hooks.shop.example/tg1", ""},
		{"ftp", Policy{AllowHTTP: true}, "ftp://hooks.shop.example/tg1", "https:// or http://"},
		{"relative", strict, "/tg1/hook", "https://"},
		{"no host", strict, "https:///tg1", "host"},
		{"userinfo", strict, "https://user:pw@hooks.shop.example/", "user name"},
		{"fragment", strict, "https://hooks.shop.example/#x", "fragment"},
		{"empty fragment", strict, "https://hooks.shop.example/#", "fragment"},
		{"port zero", strict, "https://hooks.shop.example:0/", "port"},
		{"port too large", strict, "https://hooks.shop.example:70000/", "port"},
		{"loopback literal", strict, "https://127.0.0.1/", "non-public"},
		{"loopback v6 literal", strict, "https://[::1]/", "non-public"},
		{"mapped loopback literal", strict, "https://[::ffff:127.0.0.1]/", "non-public"},
		{"metadata literal", strict, "https://169.254.169.254/latest/meta-data", "non-public"},
		{"cgnat literal", strict, "https://100.64.1.1/", "non-public"},
		{"localhost", strict, "https://localhost/", "non-public"},
		{"private by name", strict, "https://intranet.shop.example/", "non-public"},
		{"one private address among public ones", strict, "https://mixed.shop.example/", "non-public"},
		{"unresolvable", strict, "https://nowhere.shop.example/", "does not resolve"},
		{"too long", strict, "https://hooks.shop.example/" + strings.Repeat("a", MaxCallbackURLLength), "longer"},
		{"development: loopback http", dev, "http://127.0.0.1:9000/hook", ""},
		{"development: unresolvable is not looked up", dev, "http://nowhere.shop.example/", ""},
		{"development: userinfo still refused", dev, "http://u@127.0.0.1/", "user name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := tt.policy.CheckURL(t.Context(), tt.url, r)
			if tt.want == "" {
				if err != nil || u == nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrCallbackRefused) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want a refusal saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "shop.example") || strings.Contains(err.Error(), "127.0.0.1") {
				t.Errorf("the refusal repeats the URL: %v", err)
			}
		})
	}
}
