package webhook

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	oldSecret = "whsec_0123456789abcdef0123456789abcdef"
	newSecret = "whsec_fedcba9876543210fedcba9876543210"
)

func TestVerify(t *testing.T) {
	now := time.Unix(1_765_000_000, 0)
	body := []byte(`{"type":"record.updated"}`)
	signed := Sign(now, body, newSecret)
	rollover := Sign(now, body, newSecret, oldSecret)
	tests := []struct {
		name    string
		header  string
		body    []byte
		at      time.Time
		secrets []string
		want    error
	}{
		{"signed", signed, body, now, []string{newSecret}, nil},
		{"rollover, receiver still on the old secret", rollover, body, now, []string{oldSecret}, nil},
		{"rollover, receiver on the new secret", rollover, body, now, []string{newSecret}, nil},
		{"receiver knows both", signed, body, now, []string{oldSecret, newSecret}, nil},
		{"within tolerance", signed, body, now.Add(4 * time.Minute), []string{newSecret}, nil},
		{"too old", signed, body, now.Add(6 * time.Minute), []string{newSecret}, ErrTooOld},
		{"from the future", signed, body, now.Add(-6 * time.Minute), []string{newSecret}, ErrTooOld},
		{"body changed", signed, []byte(`{"type":"record.updated "}`), now, []string{newSecret}, ErrMismatch},
		{"wrong secret", signed, body, now, []string{oldSecret}, ErrMismatch},
		{"timestamp changed", strings.Replace(signed, "t=1765000000", "t=1765000001", 1), body, now, []string{newSecret}, ErrMismatch},
		{"no v1", "t=1765000000", body, now, []string{newSecret}, ErrNoSignature},
		{"only an unknown scheme", "t=1765000000,v2=abcd", body, now, []string{newSecret}, ErrNoSignature},
		{"empty", "", body, now, []string{newSecret}, ErrMalformed},
		{"no timestamp", "v1=" + strings.Repeat("00", 32), body, now, []string{newSecret}, ErrMalformed},
		{"two timestamps", "t=1,t=2," + strings.SplitN(signed, ",", 2)[1], body, now, []string{newSecret}, ErrMalformed},
		{"short signature", "t=1765000000,v1=abcd", body, now, []string{newSecret}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.header, tt.body, tt.at, DefaultTolerance, tt.secrets...)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestSignKnownAnswer pins the format other implementations (the JS
// client, receivers in other languages) must produce.
func TestSignKnownAnswer(t *testing.T) {
	got := Sign(time.Unix(1765000000, 0), []byte("{}"), "whsec_0123456789abcdef0123456789abcdef")
	// printf '1765000000.{}' | openssl dgst -sha256 -hmac whsec_0123456789abcdef0123456789abcdef
	const want = "t=1765000000,v1=e6bbf385c39dc57a9a88ded7f02303a766094ec9813f86f53d79f1c09cd87c2c"
	if got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
}

func TestCheckSecret(t *testing.T) {
	for _, s := range []string{oldSecret, strings.Repeat("x", 128)} {
		if err := CheckSecret(s); err != nil {
			t.Errorf("CheckSecret(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "short", strings.Repeat("x", 129), strings.Repeat("x", 31) + " ", strings.Repeat("é", 20)} {
		if err := CheckSecret(s); !errors.Is(err, ErrBadSecret) {
			t.Errorf("CheckSecret(%q) = %v, want ErrBadSecret", s, err)
		}
	}
}
