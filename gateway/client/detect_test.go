package client

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/trackgate/trackgate/adapters/detect"
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

func TestBuiltInChecksumsAreRegistered(t *testing.T) {
	for _, name := range detect.ChecksumNames() {
		if _, ok := lookupChecksum(name); !ok {
			t.Errorf("checksum %q of adapters/detect is not registered", name)
		}
	}
}

// builtInDirectory publishes every built-in rule as its courier's
// directory patterns, couriers in the order of their first rule.
func builtInDirectory() *api.Directory {
	dir := &api.Directory{}
	for _, r := range detect.Rules() {
		if slices.ContainsFunc(dir.Couriers, func(e api.CourierEntry) bool { return e.ID == r.Courier }) {
			continue
		}
		dir.Couriers = append(dir.Couriers, api.CourierEntry{
			ID: r.Courier, Name: r.Courier, Factor: crypto.FactorNone, Mode: api.ModePush, Patterns: detect.Patterns(r.Courier),
		})
	}
	return dir
}

func TestDetectOnBuiltInPatternsAgreesWithAdaptersDetect(t *testing.T) {
	dir := builtInDirectory()
	for _, n := range []string{
		"1Z999AA10123456784", "1Z999AA10123456785", "986578788855", "771234567890", "771234567891",
		"773123456789011", "9611020987654312345672", "61299998820821171811", "03071790000523483741",
		"9400111201080805483016", "3318810025", "EE123456785CN", "RA123456785CN", "RB123456785GB",
		"RB123456785XX", "SF1234567890123", "JDVA12345678901", "YT1234567890123", "78123456789012",
		"4612345678901", "431234567890123", "ABC123",
	} {
		fromDirectory, err := Detect(dir, n)
		if err != nil {
			t.Fatal(err)
		}
		builtIn, err := detect.Detect(n)
		if err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, c := range fromDirectory {
			got = append(got, c.Courier.ID+" "+c.Pattern.Regex)
		}
		for _, m := range builtIn {
			want = append(want, m.Courier+" "+m.Regex)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the SDK on the built-in patterns finds %v, adapters/detect %v", n, got, want)
		}
	}
}
