package store

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestZeroLimitsTakeTheDefaults(t *testing.T) {
	got := Limits{BucketBits: 12}.WithDefaults()
	want := Limits{
		BucketBits: 12, MaxRecordTTL: 90 * 24 * time.Hour, MaxCiphertextBytes: 24576,
		CourierRecords: 50_000_000, CourierBytes: 64 << 30, CourierBucketBytes: 1 << 20,
	}
	if got != want {
		t.Fatalf("defaults %+v, want %+v", got, want)
	}
	set := Limits{MaxRecordTTL: time.Hour, MaxCiphertextBytes: 1, CourierRecords: 2, CourierBytes: 3, CourierBucketBytes: 4}
	if set.WithDefaults() != set {
		t.Fatalf("WithDefaults changed fields that were set: %+v", set.WithDefaults())
	}
}

func TestLimitsCheckRefusesWhatNoStoreCanUse(t *testing.T) {
	for _, l := range []Limits{{BucketBits: 25}, {BucketBits: -1}, {MaxRecordTTL: -time.Second}, {CourierBytes: -1}} {
		if l.Check() == nil {
			t.Errorf("Check(%+v) accepted it", l)
		}
	}
	if err := (Limits{BucketBits: 24}).Check(); err != nil {
		t.Errorf("Check of bucket_bits 24: %v", err)
	}
}

func TestCapExpiry(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	l := Limits{MaxRecordTTL: time.Hour}.WithDefaults()
	for _, tt := range []struct{ in, want time.Time }{
		{now.Add(time.Minute), now.Add(time.Minute)},
		{now.Add(time.Hour), now.Add(time.Hour)},
		{now.Add(time.Hour + time.Nanosecond), now.Add(time.Hour)},
		{now.Add(-time.Hour), now.Add(-time.Hour)},
	} {
		if got := l.CapExpiry(tt.in, now); !got.Equal(tt.want) {
			t.Errorf("CapExpiry(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestExceededNamesTheFirstLimitGrowthWouldBreak(t *testing.T) {
	l := Limits{CourierRecords: 10, CourierBytes: 1000, CourierBucketBytes: 100}.WithDefaults()
	tests := []struct {
		usage          Usage
		records, bytes int64
		want           string
	}{
		{Usage{9, 500, 50}, 1, 50, ""},
		{Usage{10, 500, 50}, 1, 1, LimitCourierRecords},
		{Usage{10, 500, 50}, 0, 1, ""},
		{Usage{5, 1000, 50}, 1, 1, LimitCourierBytes},
		{Usage{5, 500, 100}, 1, 1, LimitCourierBucketBytes},
		{Usage{11, 2000, 200}, 0, -5, ""}, // over every limit, yet shrinking
		{Usage{11, 2000, 200}, 0, 0, ""},
	}
	for _, tt := range tests {
		if got := l.Exceeded(tt.usage, tt.records, tt.bytes); got != tt.want {
			t.Errorf("Exceeded(%+v, %d, %d) = %q, want %q", tt.usage, tt.records, tt.bytes, got, tt.want)
		}
	}
}

func TestRefusalNamesTheLimitAndItsValue(t *testing.T) {
	l := Limits{}.WithDefaults()
	for limit, value := range map[string]int64{
		LimitCiphertextBytes:    int64(l.MaxCiphertextBytes),
		LimitCourierRecords:     l.CourierRecords,
		LimitCourierBytes:       l.CourierBytes,
		LimitCourierBucketBytes: l.CourierBucketBytes,
	} {
		r := l.Refusal(limit)
		if r.Outcome != Refused || r.Limit != limit ||
			!strings.Contains(r.Detail, limit) || !strings.Contains(r.Detail, strconv.FormatInt(value, 10)) {
			t.Errorf("Refusal(%s) = %+v", limit, r)
		}
	}
}

func TestOutcomesAreNamedAsInTheProtocol(t *testing.T) {
	for o, want := range map[Outcome]string{Stored: "stored", Stale: "stale", Refused: "refused", 0: "invalid outcome"} {
		if got := o.String(); got != want {
			t.Errorf("Outcome(%d) = %q, want %q", o, got, want)
		}
	}
}
