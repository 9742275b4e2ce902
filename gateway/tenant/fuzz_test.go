package tenant

import (
	"net/url"
	"testing"
)

// FuzzCheckOrigin: whatever CheckOrigin accepts is a bare http(s) origin
// that serializes back to itself, as a browser would send it.
func FuzzCheckOrigin(f *testing.F) {
	for _, s := range []string{"https://shop.example", "http://127.0.0.1:5173", "http://[::1]:8080", "https://a.example/", "null", "*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if CheckOrigin(s) != nil {
			return
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Path != "" || u.User != nil {
			t.Fatalf("accepted %q, which is not a bare origin", s)
		}
		if back := (&url.URL{Scheme: u.Scheme, Host: u.Host}).String(); back != s {
			t.Fatalf("accepted %q, which serializes as %q", s, back)
		}
	})
}

// FuzzHashKey: only well-formed keys hash, and their hash round-trips
// through its text form.
func FuzzHashKey(f *testing.F) {
	f.Add("tg1pk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("tg1pk_")
	f.Fuzz(func(t *testing.T, key string) {
		h, err := HashKey(key)
		if err != nil {
			if WellFormed(key) {
				t.Fatalf("a well-formed key %q did not hash", key)
			}
			return
		}
		if back, err := ParseHash(h.String()); err != nil || back != h {
			t.Fatalf("hash of %q does not round-trip", key)
		}
	})
}
