package privacyscan

import (
	"slices"
	"strings"
	"testing"
)

func TestTokensAreFoundOnlyWhole(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"phone=0042", true},
		{"0042", true},
		{"\x000042\x00", true},
		{`{"factor":"0042"}`, true},
		{"a0042b", false},
		{"100420", false},
		{"x0042 0042", true},
		{"bytes=1004 00423", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ContainsToken([]byte(tt.in), "0042"); got != tt.want {
			t.Errorf("ContainsToken(%q, 0042) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if ContainsToken([]byte("anything"), "") {
		t.Error("the empty token is found: every scan would fail")
	}
}

func TestNumericFieldsAreLeftOut(t *testing.T) {
	got := string(WithoutNumericFields("time=2026 msg=x bytes=0042 courier=sim-swift factor=0042\nlatency=0042ms status=200"))
	if want := []string{"msg=x", "courier=sim-swift", "factor=0042"}; !slices.Equal(strings.Fields(got), want) {
		t.Errorf("numeric fields left %q, want the fields %v", got, want)
	}
	tests := []struct {
		logs string
		want bool
	}{
		{"level=INFO msg=lookup factor=0042", true},
		{`level=INFO msg="phone 0042"`, true},
		{"level=INFO msg=served bytes=0042 latency=10042µs", false},
		{"level=INFO msg=served id=a0042f", false},
	}
	for _, tt := range tests {
		if got := LogsHoldFactor(tt.logs, "0042"); got != tt.want {
			t.Errorf("LogsHoldFactor(%q) = %v, want %v", tt.logs, got, tt.want)
		}
	}
}
