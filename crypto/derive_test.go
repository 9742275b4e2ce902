package crypto

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestDeriveSeparatesLocatorAndRecordKey(t *testing.T) {
	y := bytes.Repeat([]byte{0x5a}, OutputSize)
	d, err := Derive(y)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Locator) != LocatorSize || len(d.RecordKey) != RecordKeySize {
		t.Fatalf("sizes %d and %d, want %d and %d", len(d.Locator), len(d.RecordKey), LocatorSize, RecordKeySize)
	}
	if bytes.Equal(d.Locator, d.RecordKey[:LocatorSize]) {
		t.Error("locator is a prefix of the record key: the infos do not separate them")
	}
	again, _ := Derive(y)
	if !bytes.Equal(again.Locator, d.Locator) || !bytes.Equal(again.RecordKey, d.RecordKey) {
		t.Error("Derive is not deterministic")
	}
	y[0] ^= 1
	other, _ := Derive(y)
	if bytes.Equal(other.Locator, d.Locator) {
		t.Error("a different y gives the same locator")
	}
}

func TestBucketTakesTheTopBitsOfTheLocator(t *testing.T) {
	locator := append([]byte{0xab, 0xcd, 0xef, 0x12}, make([]byte, 12)...)
	tests := []struct {
		bits int
		want uint32
		url  string
	}{
		{0, 0, "0"},
		{1, 1, "1"},
		{4, 0xa, "a"},
		{12, 0xabc, "abc"},
		{16, 0xabcd, "abcd"},
		{24, 0xabcdef, "abcdef"},
	}
	for _, tt := range tests {
		got := Bucket(locator, tt.bits)
		if got != tt.want {
			t.Errorf("Bucket(bits %d) = %#x, want %#x", tt.bits, got, tt.want)
		}
		if url := FormatBucket(got); url != tt.url {
			t.Errorf("FormatBucket(%#x) = %q, want %q", got, url, tt.url)
		}
		if back, err := ParseBucket(tt.url, tt.bits); err != nil || back != got {
			t.Errorf("ParseBucket(%q, %d) = %#x, %v; want %#x", tt.url, tt.bits, back, err, got)
		}
	}
	low := append([]byte{0x00, 0x0f, 0xff, 0xff}, make([]byte, 12)...)
	if got := FormatBucket(Bucket(low, 24)); got != "fff" {
		t.Errorf("bucket with leading zero nibbles formats as %q, want \"fff\"", got)
	}
}

func TestCheckBucketBits(t *testing.T) {
	for bits := -1; bits <= 33; bits++ {
		err := CheckBucketBits(bits)
		if ok := bits >= 0 && bits <= MaxBucketBits; ok != (err == nil) {
			t.Errorf("CheckBucketBits(%d) = %v", bits, err)
		}
		if err != nil && !errors.Is(err, ErrInvalidBucket) {
			t.Errorf("CheckBucketBits(%d) = %v, want ErrInvalidBucket", bits, err)
		}
	}
}

func TestParseBucketRejectsNonCanonicalAndOutOfRange(t *testing.T) {
	tests := []struct {
		name string
		in   string
		bits int
	}{
		{"empty", "", 12},
		{"uppercase hex", "ABC", 12},
		{"mixed case", "aBc", 12},
		{"leading zero", "0abc", 16},
		{"zero with leading zero", "00", 12},
		{"at 2^bits", "1000", 12},
		{"above 2^bits", "fffff", 12},
		{"above 2^24", "1000000", 24},
		{"9 characters", "100000000", 24},
		{"bits 0 accepts only 0", "1", 0},
		{"not hex", "xyz", 12},
		{"0x prefix", "0x1", 12},
		{"sign", "+1", 12},
		{"negative", "-1", 12},
		{"space", " 1", 12},
		{"trailing slash", "1/", 12},
		{"percent", "%31", 12},
		{"negative bits", "0", -1},
		{"bits above 24", "0", 25},
		{"bits 32", "0", 32},
		{"bits 64", "0", 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ParseBucket(tt.in, tt.bits); !errors.Is(err, ErrInvalidBucket) {
				t.Errorf("ParseBucket(%q, %d) = %d, %v; want ErrInvalidBucket", tt.in, tt.bits, got, err)
			}
		})
	}
}

func TestParseBucketAcceptsEveryBucketOfADeployment(t *testing.T) {
	tests := []struct {
		in   string
		bits int
		want uint32
	}{
		{"0", 0, 0},
		{"0", 12, 0},
		{"1", 1, 1},
		{"fff", 12, 0xfff},
		{"ffffff", 24, 0xffffff},
		{"a0", 8, 0xa0},
	}
	for _, tt := range tests {
		if got, err := ParseBucket(tt.in, tt.bits); err != nil || got != tt.want {
			t.Errorf("ParseBucket(%q, %d) = %#x, %v; want %#x", tt.in, tt.bits, got, err, tt.want)
		}
	}
}

func TestParseLocator(t *testing.T) {
	good := bytes.Repeat([]byte{0xa5}, LocatorSize)
	got, err := ParseLocator(EncodeB64(good))
	if err != nil || !bytes.Equal(got, good) {
		t.Fatalf("ParseLocator(canonical) = %x, %v", got, err)
	}
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"15 bytes", EncodeB64(good[:15])},
		{"17 bytes", EncodeB64(append(good, 0))},
		{"32 bytes", EncodeB64(append(good, good...))},
		{"padded", EncodeB64(good) + "=="},
		{"standard alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(EncodeB64(bytes.Repeat([]byte{0xfb}, LocatorSize)))},
		{"non-canonical trailing bits", EncodeB64(good)[:21] + "B"},
		{"hex instead of b64", "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ParseLocator(tt.in); !errors.Is(err, ErrInvalidLocator) {
				t.Errorf("ParseLocator(%q) = %x, %v; want ErrInvalidLocator", tt.in, got, err)
			}
		})
	}
}
