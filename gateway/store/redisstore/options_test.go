package redisstore

import (
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/trackgate/trackgate/gateway/store"
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
		name   string
		limits store.Limits
		opts   []Option
	}{
		{"bucket_bits above 24", store.Limits{BucketBits: 25}, nil},
		{"negative bucket_bits", store.Limits{BucketBits: -1}, nil},
		{"negative limit", store.Limits{BucketBits: 8, CourierRecords: -1}, nil},
		{"brace in the prefix", store.Limits{BucketBits: 8}, []Option{WithKeyPrefix("x{")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatalf("New accepted it")
				}
			}()
			New(client, tt.limits, tt.opts...)
		})
	}
}

func TestKeysOfABucketShareOneHashTag(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled
	defer client.Close()
	s := New(client, store.Limits{BucketBits: 16}, WithKeyPrefix("prod"))
	for _, k := range []struct{ got, want string }{
		{s.recordsKey(0xbeef), "prod:{bbeef}:rec"},
		{s.expiryKey(0xbeef), "prod:{bbeef}:exp"},
		{s.usageKey(0xbeef), "prod:{bbeef}:use"},
		{s.courierKey("sim-swift"), "prod:{csim-swift}:use"},
	} {
		if k.got != k.want {
			t.Errorf("key %q, want %q", k.got, k.want)
		}
	}
}
