package redisstore

import (
	"bytes"
	"errors"
	"strings"
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
		{"longest courier id", "a" + strings.Repeat("b", 31), crypto.MaxVersion, 3, time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"before 1970", "sim-global", 1, 1, time.Date(1969, 12, 31, 23, 59, 59, 5, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := storetest.RecordOfBlocks(t, tt.courier, 0, tt.version, tt.expires, tt.blocks)
			value := encodeValue(
				encodeTombstone("sim-first", 9, tt.expires),
				encodeRecord(&r, r.ExpiresAt),
				encodeTombstone("sim-last", tt.version, tt.expires.Add(time.Nanosecond)),
			)
			entries, err := decodeValue(r.Locator, value)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 3 || !entries[0].tombstone || entries[1].tombstone || !entries[2].tombstone {
				t.Fatalf("decoded %d entries %+v, want tombstone, record, tombstone", len(entries), entries)
			}
			got := entries[1].record
			if got.Courier != r.Courier || got.Version != r.Version || !got.ExpiresAt.Equal(r.ExpiresAt) ||
				!bytes.Equal(got.Locator, r.Locator) || !bytes.Equal(got.KeyID, r.KeyID) ||
				!bytes.Equal(got.Nonce, r.Nonce) || !bytes.Equal(got.Ciphertext, r.Ciphertext) {
				t.Fatalf("round trip changed the record:\n got  %+v\n want %+v", got, r)
			}
			last := entries[2].record
			if last.Courier != "sim-last" || last.Version != tt.version || !last.ExpiresAt.Equal(tt.expires.Add(time.Nanosecond)) {
				t.Fatalf("round trip changed the tombstone: %+v", last)
			}
		})
	}
}

func TestDecodeRefusesMalformedValues(t *testing.T) {
	r := storetest.Record(t, "sim-swift", 0, 1, testNow.Add(time.Hour))
	rec := encodeRecord(&r, r.ExpiresAt)
	good := encodeValue(rec)
	change := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	const at = lengthSize // where the first entry begins
	tests := []struct {
		name  string
		value []byte
	}{
		{"empty", nil},
		{"a length alone", good[:lengthSize]},
		{"length beyond the value", change(func(b []byte) []byte { b[0] = 0xff; return b })},
		{"trailing bytes", append(bytes.Clone(good), 0, 0)},
		{"unknown kind", change(func(b []byte) []byte { b[at] = 3; return b })},
		{"header only", encodeValue(rec[:offCourier])},
		{"courier longer than the entry", change(func(b []byte) []byte { b[at+offCourierLen] = 255; return b })},
		{"nanoseconds of a whole second", change(func(b []byte) []byte {
			copy(b[at+offExpiry+8:], []byte{0x3b, 0x9a, 0xca, 0x00})
			return b
		})},
		{"version zero", change(func(b []byte) []byte { clear(b[at+offVersion : at+offExpiry]); return b })},
		{"ciphertext cut short", encodeValue(rec[:len(rec)-1])},
		{"invalid courier id", change(func(b []byte) []byte { b[at+offCourier] = 'X'; return b })},
		{"a tombstone with a body", encodeValue(append(encodeTombstone("sim-swift", 1, testNow), 0))},
		{"two entries of one courier", encodeValue(rec, encodeTombstone("sim-swift", 2, testNow))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeValue(r.Locator, tt.value); !errors.Is(err, errCorrupt) {
				t.Fatalf("decodeValue: err %v, want errCorrupt", err)
			}
			// The public reads check what they serve as strictly.
			var p publicReader
			if err := p.add(r.Locator, tt.value, testNow); !errors.Is(err, errCorrupt) {
				t.Fatalf("public read: err %v, want errCorrupt", err)
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

func TestUsageSlotsEndAfterTheirExpiries(t *testing.T) {
	hour := time.Hour.Milliseconds()
	tests := []struct {
		score, slot int64
	}{
		{0, 1}, {1, 1}, {hour - 1, 1}, {hour, 2}, {-1, 0}, {-hour, 0}, {-hour - 1, -1},
	}
	for _, tt := range tests {
		if got := usageSlot(tt.score); got != tt.slot {
			t.Errorf("usageSlot(%d) = %d, want %d", tt.score, got, tt.slot)
		}
		end := time.UnixMilli(tt.slot * hour)
		if exp := time.UnixMilli(tt.score); !end.After(exp) {
			t.Errorf("slot %d ends at %s, not after the expiry %s", tt.slot, end, exp)
		}
	}
}

func FuzzDecodeValue(f *testing.F) {
	r := storetest.Record(f, "sim-swift", 0, 1, testNow.Add(time.Hour))
	f.Add(encodeValue(encodeRecord(&r, r.ExpiresAt)))
	f.Add(encodeValue(encodeTombstone("sim-panda", 3, testNow), encodeRecord(&r, r.ExpiresAt)))
	f.Add([]byte{0, 0, 0, 1, kindRecord})
	f.Fuzz(func(t *testing.T, value []byte) {
		entries, err := decodeValue(r.Locator, value)
		if err != nil {
			return
		}
		// Whatever decodes is valid entries that encode back to themselves.
		var again [][]byte
		for i := range entries {
			if !entries[i].tombstone {
				if err := entries[i].record.Check(); err != nil {
					t.Fatalf("decoded an invalid record: %v", err)
				}
			}
			again = append(again, encodeEntry(&entries[i]))
		}
		if b := encodeValue(again...); !bytes.Equal(b, value) {
			t.Fatalf("decoded %x but encodes as %x", value, b)
		}
	})
}
