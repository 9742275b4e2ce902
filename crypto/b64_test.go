package crypto

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func TestDecodeB64AcceptsCanonicalUnpaddedBase64url(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
	}{
		{"", []byte{}},
		{"AA", []byte{0}},
		{"AAA", []byte{0, 0}},
		{"AAAA", []byte{0, 0, 0}},
		{"-_8", []byte{0xfb, 0xff}},
		{"_w", []byte{0xff}},
		{"dGcx", []byte("tg1")},
	}
	for _, tt := range tests {
		got, err := DecodeB64(tt.in)
		if err != nil || !bytes.Equal(got, tt.want) {
			t.Errorf("DecodeB64(%q) = %x, %v; want %x", tt.in, got, err, tt.want)
		}
		if enc := EncodeB64(tt.want); enc != tt.in {
			t.Errorf("EncodeB64(%x) = %q, want %q", tt.want, enc, tt.in)
		}
	}
}

func TestDecodeB64RejectsEveryOtherEncoding(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		{"padding", "AA=="},
		{"single pad", "AAA="},
		{"standard alphabet plus", "+_8"},
		{"standard alphabet slash", "-/8"},
		{"non-zero trailing bits, 1 byte", "AB"},
		{"non-zero trailing bits, 2 bytes", "AAB"},
		{"impossible length", "A"},
		{"impossible length 5", "AAAAA"},
		{"space", "AA AA"},
		{"leading space", " AA"},
		{"tab", "AA\tAA"},
		{"newline", "AA\nAA"},
		{"trailing newline", "AAAA\n"},
		{"carriage return", "AA\rAA"},
		{"CRLF", "AAAA\r\n"},
		{"percent-encoded", "AA%3D"},
		{"non-ASCII", "AAé"},
		{"NUL", "AA\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := DecodeB64(tt.in); !errors.Is(err, ErrBadBase64) {
				t.Errorf("DecodeB64(%q) = %x, %v; want ErrBadBase64", tt.in, got, err)
			}
		})
	}
}

func TestB64JSONRoundTripAndStrictness(t *testing.T) {
	type doc struct {
		V B64 `json:"v"`
	}
	raw, err := json.Marshal(doc{V: B64{0xfb, 0xff, 0x00}})
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"v":"-_8A"}` {
		t.Fatalf("marshal = %s, want {\"v\":\"-_8A\"}", raw)
	}
	var back doc
	if err := json.Unmarshal(raw, &back); err != nil || !bytes.Equal(back.V, []byte{0xfb, 0xff, 0x00}) {
		t.Fatalf("unmarshal = %x, %v", back.V, err)
	}
	for _, bad := range []string{`{"v":"-_8A=="}`, `{"v":"+/8A"}`, `{"v":"AB"}`, `{"v":"AAAA\n"}`} {
		var d doc
		if err := json.Unmarshal([]byte(bad), &d); !errors.Is(err, ErrBadBase64) {
			t.Errorf("unmarshal %s = %v, want ErrBadBase64", bad, err)
		}
	}
}
