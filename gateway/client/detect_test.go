package client

import (
	"errors"
	"regexp/syntax"
	"strings"
	"sync"
	"testing"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

var registerTestChecksums sync.Once

// lastDigitEven is a toy check-digit algorithm for these tests.
func lastDigitEven(tn string) bool { return (tn[len(tn)-1]-'0')%2 == 0 }

func TestDetectRanksAndFilters(t *testing.T) {
	registerTestChecksums.Do(func() { RegisterChecksum("test-last-digit-even", lastDigitEven) })
	entry := func(id string, patterns ...api.Pattern) api.CourierEntry {
		return api.CourierEntry{ID: id, Name: id, Factor: "none", Mode: "push", Patterns: patterns}
	}
	dir := &api.Directory{Couriers: []api.CourierEntry{
		entry("broad", api.Pattern{Regex: `^[A-Z0-9]{6,40}$`}),
		entry("prefix", api.Pattern{Regex: `^1Z`}, api.Pattern{Regex: `^1Z[0-9A-Z]{16}$`}),
		entry("checked", api.Pattern{Regex: `^1Z[0-9A-Z]{16}$`, Checksum: "test-last-digit-even"}),
		entry("unknown-sum", api.Pattern{Regex: `^1Z[0-9A-Z]{16}$`, Checksum: "no-such-algorithm"}),
		entry("lookahead", api.Pattern{Regex: `^(?=1Z)[0-9A-Z]{18}$`}), // JS-only syntax: RE2 cannot compile it
		entry("other", api.Pattern{Regex: `^SF[0-9]{12}$`}),
	}}
	tests := []struct {
		number string
		want   string // courier ids, best first
	}{
		{"1z 9999 9999 9999 9990", "checked,prefix,broad"},
		{"1Z9999999999999991", "prefix,broad"}, // odd check digit: "checked" does not match
		{"SF123456789012", "other,broad"},
		{"ABC123", "broad"},
	}
	for _, tt := range tests {
		got, err := Detect(dir, tt.number)
		if err != nil {
			t.Fatalf("%s: %v", tt.number, err)
		}
		var ids []string
		for _, c := range got {
			ids = append(ids, c.Courier.ID)
		}
		if strings.Join(ids, ",") != tt.want {
			t.Errorf("Detect(%q) = %v, want %s", tt.number, ids, tt.want)
		}
	}
	got, _ := Detect(dir, "1Z9999999999999990")
	if got[1].Pattern.Regex != `^1Z[0-9A-Z]{16}$` {
		t.Errorf("prefix courier matched by %q, want its more specific pattern", got[1].Pattern.Regex)
	}
	if _, err := Detect(dir, "1Z?"); !errors.Is(err, crypto.ErrInvalidTrackingNumber) {
		t.Errorf("bad shape: err = %v, want ErrInvalidTrackingNumber", err)
	}
}

func TestRegisterChecksumRefusesMistakes(t *testing.T) {
	registerTestChecksums.Do(func() { RegisterChecksum("test-last-digit-even", lastDigitEven) })
	tests := []struct {
		name  string
		label string
		check func(string) bool
	}{
		{"empty name", "", lastDigitEven},
		{"nil check", "test-nil", nil},
		{"taken name", "test-last-digit-even", lastDigitEven},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("RegisterChecksum did not panic")
				}
			}()
			RegisterChecksum(tt.label, tt.check)
		})
	}
}

func TestLiteralRunesCountsWhatEveryMatchFixes(t *testing.T) {
	tests := []struct {
		regex string
		want  int
	}{
		{`^[A-Z0-9]{6,40}$`, 0},
		{`^1Z[0-9A-Z]{16}$`, 2},
		{`^(SF|JD)[0-9]{12}$`, 2},
		{`^(SF|J)[0-9]{12}$`, 1},
		{`^(?:AB)+[0-9]+$`, 2},
		{`^X{3}[0-9]*$`, 3},
		{`^(?:LP)?[0-9]{14}$`, 0},
	}
	for _, tt := range tests {
		re, err := syntax.Parse(tt.regex, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := literalRunes(re.Simplify()); got != tt.want {
			t.Errorf("literalRunes(%s) = %d, want %d", tt.regex, got, tt.want)
		}
	}
}
