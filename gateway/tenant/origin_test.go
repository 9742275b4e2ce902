package tenant

import "testing"

func TestCheckOriginAcceptsOnlyWhatBrowsersSend(t *testing.T) {
	tests := []struct {
		origin string
		ok     bool
	}{
		{"https://shop.example", true},
		{"https://shop.example:8443", true},
		{"http://127.0.0.1:5173", true},
		{"http://[::1]:8080", true},
		{"https://shop.example/", false},
		{"https://shop.example/orders", false},
		{"https://shop.example?x=1", false},
		{"https://shop.example#top", false},
		{"https://user@shop.example", false},
		{"https://Shop.Example", false},
		{"https://shop.example:443", false},
		{"http://shop.example:80", false},
		{"https://*.shop.example", false},
		{"ftp://shop.example", false},
		{"shop.example", false},
		{"null", false},
		{"*", false}, // allowed only as AnyOrigin, checked by the caller
		{"", false},
	}
	for _, tt := range tests {
		err := CheckOrigin(tt.origin)
		if (err == nil) != tt.ok {
			t.Errorf("CheckOrigin(%q) = %v, want ok %v", tt.origin, err, tt.ok)
		}
	}
}
