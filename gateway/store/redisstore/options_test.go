package redisstore

import (
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestCheckKeyPrefixRefusesWhatWouldMoveTheHashTag(t *testing.T) {
	tests := []struct {
		prefix string
		ok     bool
	}{
		{"tg1", true},
		{"prod:eu", true},
		{"", false},
		{"a{b", false},
		{"a}b", false},
	}
	for _, tt := range tests {
		if err := CheckKeyPrefix(tt.prefix); (err == nil) != tt.ok {
			t.Errorf("CheckKeyPrefix(%q) = %v, want ok %v", tt.prefix, err, tt.ok)
		}
	}
}

func TestNewPanicsOnConfigurationThatShouldHaveBeenRefused(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled
	defer client.Close()
	tests := []struct {
		name string
		bits int
		opts []Option
	}{
		{"bucket_bits above 24", 25, nil},
		{"negative bucket_bits", -1, nil},
		{"brace in the prefix", 8, []Option{WithKeyPrefix("x{")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatalf("New accepted it")
				}
			}()
			New(client, tt.bits, tt.opts...)
		})
	}
}

func TestKeysOfABucketShareOneHashTag(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled
	defer client.Close()
	s := New(client, 16, WithKeyPrefix("prod"))
	if got, want := s.recordsKey(0xbeef), "prod:{bbeef}:r"; got != want {
		t.Errorf("records key %q, want %q", got, want)
	}
	if got, want := s.expiryKey(0xbeef), "prod:{bbeef}:x"; got != want {
		t.Errorf("expiry key %q, want %q", got, want)
	}
}
