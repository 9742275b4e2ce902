package redisstore

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

func TestEncodingRoundTrips(t *testing.T) {
	tests := []struct {
		name    string
		courier string
		version uint64
		blocks  int
		expires time.Time
	}{
		{"typical", "sim-swift", 7, 1, testNow.Add(30 * 24 * time.Hour)},
		{"nanoseconds and an offset", "sim-panda", 1, 2, time.Date(2027, 1, 2, 3, 4, 5, 999999999, time.FixedZone("x", 3600))},
		{"longest courier id", "a" + string(bytes.Repeat([]byte("b"), 31)), 1<<64 - 1, 3, time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"before 1970", "sim-global", 1, 1, time.Date(1969, 12, 31, 23, 59, 59, 5, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := storetest.Record(t, tt.courier, 0, tt.version, tt.expires)
			r.Ciphertext = bytes.Repeat([]byte{0xa5}, tt.blocks*crypto.PadBlock+crypto.TagSize)
			got, err := decodeRecord(r.Locator, encodeRecord(&r))
			if err != nil {
				t.Fatal(err)
			}
			if got.Courier != r.Courier || got.Version != r.Version || !got.ExpiresAt.Equal(r.ExpiresAt) ||
				!bytes.Equal(got.Locator, r.Locator) || !bytes.Equal(got.KeyID, r.KeyID) ||
				!bytes.Equal(got.Nonce, r.Nonce) || !bytes.Equal(got.Ciphertext, r.Ciphertext) {
				t.Fatalf("round trip changed the record:\n got  %+v\n want %+v", got, r)
			}
		})
	}
}

func TestDecodeRefusesMalformedValues(t *testing.T) {
	r := storetest.Record(t, "sim-swift", 0, 1, testNow.Add(time.Hour))
	good := encodeRecord(&r)
	change := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	tests := []struct {
		name  string
		value []byte
	}{
		{"empty", nil},
		{"unknown format", change(func(b []byte) []byte { b[0] = 2; return b })},
		{"header only", good[:offCourier]},
		{"courier longer than the value", change(func(b []byte) []byte { b[offCourierLen] = 255; return b })},
		{"nanoseconds of a whole second", change(func(b []byte) []byte {
			copy(b[offExpiry+8:], []byte{0x3b, 0x9a, 0xca, 0x00})
			return b
		})},
		{"version zero", change(func(b []byte) []byte { clear(b[offVersion:offExpiry]); return b })},
		{"ciphertext cut short", good[:len(good)-1]},
		{"invalid courier id", change(func(b []byte) []byte { b[offCourier] = 'X'; return b })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeRecord(r.Locator, tt.value); !errors.Is(err, errCorrupt) {
				t.Fatalf("err %v, want errCorrupt", err)
			}
		})
	}
}

func TestExpiryKeysSortAsTheirTimes(t *testing.T) {
	times := []time.Time{
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(-1, 999999999),
		time.Unix(0, 0),
		time.Unix(0, 1),
		testNow,
		testNow.Add(time.Nanosecond),
		testNow.Add(time.Second - time.Nanosecond),
		testNow.Add(time.Second),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
	}
	for i, a := range times {
		for _, b := range times[i:] {
			if got, want := bytes.Compare(appendExpiryKey(nil, a), appendExpiryKey(nil, b)), a.Compare(b); got != want {
				t.Errorf("keys of %s and %s compare %d, times %d", a, b, got, want)
			}
		}
	}
}

func FuzzDecodeRecord(f *testing.F) {
	r := storetest.Record(f, "sim-swift", 0, 1, testNow.Add(time.Hour))
	f.Add(encodeRecord(&r))
	f.Add([]byte{formatV1})
	f.Fuzz(func(t *testing.T, value []byte) {
		got, err := decodeRecord(r.Locator, value)
		if err != nil {
			return
		}
		// Whatever decodes is a valid record that encodes back to itself.
		if again := encodeRecord(&got); !bytes.Equal(again, value) {
			t.Fatalf("decoded %x but encodes as %x", value, again)
		}
	})
}
