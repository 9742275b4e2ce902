package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestDurationReadsGoDurationsAndDays(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30s", 30 * time.Second, true},
		{"1h30m", 90 * time.Minute, true},
		{"7d", 7 * 24 * time.Hour, true},
		{"0", 0, true},
		{"3", 0, false},
		{"d", 0, false},
		{"-2d", 0, false},
		{"1.5d", 0, false},
		{"-1s", 0, false},
		{"a week", 0, false},
	}
	for _, tt := range tests {
		var got struct {
			D Duration `yaml:"d"`
		}
		err := yaml.Unmarshal([]byte("d: "+tt.in), &got)
		if (err == nil) != tt.ok || (tt.ok && time.Duration(got.D) != tt.want) {
			t.Errorf("%q: %s, %v; want %s ok=%v", tt.in, time.Duration(got.D), err, tt.want, tt.ok)
		}
	}
}

func TestUnknownFieldSuggestsTheNearestName(t *testing.T) {
	tests := []struct{ key, want string }{
		{"listn", `did you mean "listen"?`},
		{"bucketbits", `did you mean "bucket_bits"?`},
		{"signingkey", `did you mean "signing_key"?`},
	}
	for _, tt := range tests {
		err := decodeStrict([]byte(tt.key+": 1\n"), &Gateway{})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.key || !strings.HasPrefix(fe.Problem, "unknown field; "+tt.want) {
			t.Errorf("%s: %v; want a suggestion %s", tt.key, err, tt.want)
		}
	}
	err := decodeStrict([]byte("zzzzzzzz: 1\n"), &Gateway{})
	var fe *FieldError
	if !errors.As(err, &fe) || !strings.HasPrefix(fe.Problem, "unknown field. Known") {
		t.Errorf("a far name: %v; want the known fields without a guess", err)
	}
}

// FuzzParseGateway checks that no file makes loading panic, and that
// every refusal is a FieldError.
func FuzzParseGateway(f *testing.F) {
	f.Add([]byte("listen: 127.0.0.1:8081\nbucket_bits: 8\n"))
	f.Add([]byte("couriers:\n  - id: x\n    patterns: [{regex: '('}]\n"))
	f.Add([]byte("redis: {addrs: [a:1, b:2], db: 3}\ntimeouts: {evaluate: 7d}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("--- \n- 1\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseGateway(data, dir, loadOptions{getenv: func(string) string { return "" }, now: time.Now})
		var fe *FieldError
		if err != nil && (!errors.As(err, &fe) || !errors.Is(err, ErrInvalid)) {
			t.Fatalf("error %v (%T) is not a FieldError", err, err)
		}
	})
}

// FuzzParseCourier is FuzzParseGateway for a courier host's file.
func FuzzParseCourier(f *testing.F) {
	f.Add([]byte("courier: sim-swift\nmode: push\noprf_keys: [a, b]\n"))
	f.Add([]byte("adapter: {name: simulator, options: {seed: 7}}\nrecord_ttl: 7d\n"))
	f.Add([]byte("oprf_keys: {a: b}\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseCourier(data, dir, loadOptions{getenv: func(string) string { return "" }, now: time.Now})
		var fe *FieldError
		if err != nil && (!errors.As(err, &fe) || !errors.Is(err, ErrInvalid)) {
			t.Fatalf("error %v (%T) is not a FieldError", err, err)
		}
	})
}
