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

// The fast encoder writes what encoding/base64 writes, for every length
// and every byte value, after whatever dst held.
func TestAppendB64IsBase64url(t *testing.T) {
	src := make([]byte, 600)
	for i := range src {
		src[i] = byte(i*151 + i>>3)
	}
	for n := range len(src) {
		want := "prefix" + EncodeB64(src[:n])
		if got := appendB64([]byte("prefix"), src[:n]); string(got) != want {
			t.Fatalf("%d bytes: %q, want %q", n, got, want)
		}
	}
}

func FuzzAppendB64(f *testing.F) {
	f.Add([]byte{0xfb, 0xff, 0x00, 0x3e, 0x3f, 0xbf, 0xfe, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07})
	f.Fuzz(func(t *testing.T, src []byte) {
		if got := appendB64(nil, src); string(got) != EncodeB64(src) {
			t.Fatalf("appendB64 = %q, want %q", got, EncodeB64(src))
		}
	})
}

func BenchmarkAppendB64(b *testing.B) {
	src := bytes.Repeat([]byte{0x5a, 0xc3, 0x96}, DefaultRecordSize/3)
	dst := make([]byte, 0, 2*DefaultRecordSize)
	b.SetBytes(int64(len(src)))
	b.Run("stdlib", func(b *testing.B) {
		for b.Loop() {
			dst = b64.AppendEncode(dst[:0], src)
		}
	})
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			dst = appendB64(dst[:0], src)
		}
	})
}
