package courierhost

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

func TestNewRefusesInvalidConfig(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		edit  func(*Config)
		field string // the error must name it
	}{
		{"courier id", func(c *Config) { c.Courier = "Bad Courier" }, "Courier"},
		{"bucket bits", func(c *Config) { c.BucketBits = 25 }, "BucketBits"},
		{"negative bucket bits", func(c *Config) { c.BucketBits = -1 }, "BucketBits"},
		{"record size not whole blocks", func(c *Config) { c.RecordSize = 6000 }, "RecordSize"},
		{"record size above 64 blocks", func(c *Config) { c.RecordSize = crypto.MaxRecordSize + crypto.BlockSize }, "RecordSize"},
		{"negative record size", func(c *Config) { c.RecordSize = -crypto.BlockSize }, "RecordSize"},
		{"mode", func(c *Config) { c.Mode = "poll" }, "Mode"},
		{"push without publisher", func(c *Config) { c.Mode = api.ModePush }, "Publisher"},
		{"pull with publisher", func(c *Config) { c.Publisher = &fakePublisher{} }, "Publisher"},
		{"factor", func(c *Config) { c.Factor = "email" }, "Factor"},
		{"no keys", func(c *Config) { c.Keys = nil }, "Keys"},
		{"nil key", func(c *Config) { c.Keys[0].Key = nil }, "Keys[0].Key"},
		{"no window", func(c *Config) { c.Keys[0].NotBefore = time.Time{} }, "Keys[0]"},
		{"window backwards", func(c *Config) { c.Keys[0].NotAfter = c.Keys[0].NotBefore }, "Keys[0]"},
		{"duplicate key", func(c *Config) { c.Keys = append(c.Keys, c.Keys[0]) }, "Keys[1]"},
		{"no source", func(c *Config) { c.Source = nil }, "Source"},
		{"negative ttl", func(c *Config) { c.RecordTTL = -time.Hour }, "RecordTTL"},
		{"negative list interval", func(c *Config) { c.ListInterval = -time.Hour }, "ListInterval"},
		{"no rate", func(c *Config) { c.EvaluateRate = 0 }, "EvaluateRate"},
		{"infinite rate", func(c *Config) { c.EvaluateRate = rate.Inf }, "EvaluateRate"},
		{"NaN rate", func(c *Config) { c.EvaluateRate = rate.Limit(math.NaN()) }, "EvaluateRate"},
		{"burst below a batch", func(c *Config) { c.EvaluateBurst = crypto.MaxBatch - 1 }, "EvaluateBurst"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, now, newFakeSource())
			tt.edit(&cfg)
			_, err := New(cfg)
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("New error = %v, want ErrConfig", err)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %q does not name %s", err, tt.field)
			}
		})
	}
}

func TestNewNeedsASourceThatListsOrWatches(t *testing.T) {
	now := time.Now()
	src := newFakeSource()
	_, err := New(testConfig(t, now, lookupOnly{src}))
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "adapters.Lister") || !strings.Contains(err.Error(), "adapters.Watcher") {
		t.Errorf("lookup-only source: error %v, want one naming Lister and Watcher", err)
	}
	for name, s := range map[string]adapters.Source{"lister": listerOnly{lookupOnly{src}}, "watcher": watcherOnly{lookupOnly{src}}, "both": src} {
		if _, err := New(testConfig(t, now, s)); err != nil {
			t.Errorf("%s source refused: %v", name, err)
		}
	}
}

func TestNewAcceptsAValidPushConfig(t *testing.T) {
	cfg := testConfig(t, time.Now(), newFakeSource())
	cfg.Mode = api.ModePush
	cfg.Publisher = &fakePublisher{}
	cfg.Factor = crypto.FactorPhoneLast4
	cfg.BucketBits = 24
	h, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if h.cfg.RecordTTL != DefaultRecordTTL || h.cfg.ListInterval != DefaultListInterval || h.cfg.Rand == nil || h.cfg.Now == nil || h.cfg.Logger == nil {
		t.Error("defaults not applied")
	}
}
