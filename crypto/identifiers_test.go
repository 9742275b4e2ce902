package crypto

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeTrackingNumberCanonicalizesTypedInput(t *testing.T) {
	tests := []struct {
		name, typed, want string
	}{
		{"already normal", "SE1234567890", "SE1234567890"},
		{"lower case", "se1234567890", "SE1234567890"},
		{"mixed case", "sE12a4", "SE12A4"},
		{"spaces", " SE 1234 5678 90 ", "SE1234567890"},
		{"dashes", "SE-1234-5678-90", "SE1234567890"},
		{"dots", "SE.1234.5678.90", "SE1234567890"},
		{"all separators", "-. se 12.34-56 .-", "SE123456"},
		{"digits only", "000000", "000000"},
		{"shortest", "ABC123", "ABC123"},
		{"longest", strings.Repeat("A1", 20), strings.Repeat("A1", 20)},
		{"longest after removing separators", strings.Repeat("a1-", 20), strings.Repeat("A1", 20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeTrackingNumber(tt.typed)
			if err != nil {
				t.Fatalf("NormalizeTrackingNumber(%q): %v", tt.typed, err)
			}
			if got != tt.want {
				t.Errorf("NormalizeTrackingNumber(%q) = %q, want %q", tt.typed, got, tt.want)
			}
		})
	}
}

func TestNormalizeTrackingNumberRejectsBadInput(t *testing.T) {
	tests := []struct {
		name, typed string
	}{
		{"empty", ""},
		{"only separators", " -.- "},
		{"too short", "AB123"},
		{"too short after removing separators", "AB-12-3"},
		{"too long", strings.Repeat("A", 41)},
		{"too long with separators", strings.Repeat("A", 20) + " " + strings.Repeat("B", 21)},
		{"underscore", "SE_1234567890"},
		{"slash", "SE/1234567890"},
		{"tab", "SE\t1234567890"},
		{"newline", "SE1234567890\n"},
		{"NUL", "SE12345\x0067890"},
		{"plus", "+SE1234567890"},
		{"Kelvin sign upper-cases to K", "\u212aP1234567890"},
		{"dotless i upper-cases to I", "\u0131D1234567890"},
		{"long s upper-cases to S", "\u017fE1234567890"},
		{"fullwidth digits", "SE\uff11\uff12\uff13\uff14\uff15\uff16"},
		{"non-breaking space", "SE\u00a01234567890"},
		{"invalid UTF-8", "SE123456\xff"},
		{"accented letter", "SÉ1234567890"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeTrackingNumber(tt.typed)
			if !errors.Is(err, ErrInvalidTrackingNumber) {
				t.Fatalf("NormalizeTrackingNumber(%q) = %q, %v; want ErrInvalidTrackingNumber", tt.typed, got, err)
			}
			if got != "" {
				t.Errorf("rejected input still returned %q", got)
			}
		})
	}
}

func TestCheckCourierID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"sim-east", true},
		{"ab", true},
		{"0courier", true},
		{"a-", true},
		{"a" + strings.Repeat("b", 31), true},
		{"", false},
		{"a", false},
		{"a" + strings.Repeat("b", 32), false},
		{"-abc", false},
		{"Sim-east", false},
		{"sim_east", false},
		{"sim.east", false},
		{"sim east", false},
		{"sim-east\n", false},
		{"\u212aelvin", false},
		{"gateway/x", false},
	}
	for _, tt := range tests {
		err := CheckCourierID(tt.id)
		if tt.ok && err != nil {
			t.Errorf("CheckCourierID(%q) = %v, want ok", tt.id, err)
		}
		if !tt.ok && !errors.Is(err, ErrInvalidCourierID) {
			t.Errorf("CheckCourierID(%q) = %v, want ErrInvalidCourierID", tt.id, err)
		}
	}
}

func TestCheckFactor(t *testing.T) {
	tests := []struct {
		kind, factor string
		ok           bool
	}{
		{FactorNone, "", true},
		{FactorPhoneLast4, "0042", true},
		{FactorPhoneLast4, "9999", true},
		{FactorNone, "0042", false},
		{FactorNone, " ", false},
		{FactorPhoneLast4, "", false},
		{FactorPhoneLast4, "123", false},
		{FactorPhoneLast4, "12345", false},
		{FactorPhoneLast4, "12a4", false},
		{FactorPhoneLast4, "12 4", false},
		{FactorPhoneLast4, "-123", false},
		{FactorPhoneLast4, "١٢٣٤", false}, // Arabic-Indic digits are not ASCII
		{FactorPhoneLast4, "１２３４", false}, // fullwidth digits
		{"", "", false},
		{"None", "", false},
		{"phone_last6", "123456", false},
	}
	for _, tt := range tests {
		err := CheckFactor(tt.kind, tt.factor)
		if tt.ok && err != nil {
			t.Errorf("CheckFactor(%q, %q) = %v, want ok", tt.kind, tt.factor, err)
		}
		if !tt.ok && !errors.Is(err, ErrInvalidFactor) {
			t.Errorf("CheckFactor(%q, %q) = %v, want ErrInvalidFactor", tt.kind, tt.factor, err)
		}
	}
}

func TestInputSeparatesFieldsWithZeroBytes(t *testing.T) {
	tests := []struct {
		courier, tn, factor, want string
	}{
		{"sim-east", "SE1234567890", "", "tg1\x00sim-east\x00SE1234567890\x00"},
		{"sim-east", "SE1234567890", "0042", "tg1\x00sim-east\x00SE1234567890\x000042"},
	}
	for _, tt := range tests {
		if got := string(Input(tt.courier, tt.tn, tt.factor)); got != tt.want {
			t.Errorf("Input(%q, %q, %q) = %q, want %q", tt.courier, tt.tn, tt.factor, got, tt.want)
		}
	}
	// The zero bytes keep field boundaries apart: digits that move from one
	// field to the next must change x.
	if string(Input("ab1", "234567", "")) == string(Input("ab", "1234567", "")) {
		t.Error("courier/number splits of the same characters give the same input")
	}
	if string(Input("ab", "1234567890", "")) == string(Input("ab", "123456", "7890")) {
		t.Error("number/factor splits of the same characters give the same input")
	}
}
