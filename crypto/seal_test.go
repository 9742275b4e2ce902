package crypto

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

var testExpiry = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// sealedForTest seals view under a fresh record key and returns both.
func sealedForTest(t testing.TB, view []byte) ([]byte, *SealedRecord) {
	t.Helper()
	key := make([]byte, RecordKeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	r := &SealedRecord{
		Courier:   "sim-east",
		Locator:   bytes.Repeat([]byte{0x11}, LocatorSize),
		KeyID:     bytes.Repeat([]byte{0x22}, KeyIDSize),
		Version:   7,
		ExpiresAt: testExpiry,
	}
	if err := Seal(key, r, view, DefaultRecordSize, rand.Reader); err != nil {
		t.Fatal(err)
	}
	return key, r
}

func cloneRecord(r *SealedRecord) *SealedRecord {
	c := *r
	c.Locator = slices.Clone(r.Locator)
	c.KeyID = slices.Clone(r.KeyID)
	c.Nonce = slices.Clone(r.Nonce)
	c.Ciphertext = slices.Clone(r.Ciphertext)
	return &c
}

func TestPadFillsTheRecordSizeWithSpaces(t *testing.T) {
	tests := []struct{ in, size int }{
		{0, 384}, {1, 384}, {368, 384}, {0, 1536}, {369, 1536}, {1520, 1536}, {6000, DefaultRecordSize}, {0, MaxRecordSize},
	}
	for _, tt := range tests {
		in := bytes.Repeat([]byte{'x'}, tt.in)
		got, err := Pad(in, tt.size)
		if err != nil {
			t.Fatalf("Pad(%d bytes, %d): %v", tt.in, tt.size, err)
		}
		if len(got) != tt.size-TagSize {
			t.Errorf("Pad(%d bytes, %d) is %d bytes, want %d", tt.in, tt.size, len(got), tt.size-TagSize)
			continue
		}
		if !bytes.Equal(got[:tt.in], in) || strings.Trim(string(got[tt.in:]), " ") != "" {
			t.Errorf("Pad(%d bytes, %d) changed the content or padded with something other than spaces", tt.in, tt.size)
		}
	}
}

func TestPadRefusesAViewLongerThanTheRecordSize(t *testing.T) {
	for _, tt := range []struct{ in, size int }{{369, 384}, {1521, 1536}, {DefaultRecordSize, DefaultRecordSize}} {
		if _, err := Pad(make([]byte, tt.in), tt.size); !errors.Is(err, ErrViewTooLarge) {
			t.Errorf("Pad(%d bytes, %d) error = %v, want ErrViewTooLarge", tt.in, tt.size, err)
		}
	}
	r := &SealedRecord{Courier: "sim-east", Locator: make([]byte, LocatorSize)}
	if err := Seal(make([]byte, RecordKeySize), r, make([]byte, 1521), 1536, rand.Reader); !errors.Is(err, ErrViewTooLarge) {
		t.Errorf("Seal of a view too large = %v, want ErrViewTooLarge", err)
	}
}

func TestCheckRecordSize(t *testing.T) {
	for _, size := range []int{384, 768, 1536, DefaultRecordSize, MaxRecordSize} {
		if err := CheckRecordSize(size); err != nil {
			t.Errorf("CheckRecordSize(%d) = %v, want nil", size, err)
		}
	}
	for _, size := range []int{-384, 0, 383, 385, 6000, MaxRecordSize + BlockSize} {
		if err := CheckRecordSize(size); !errors.Is(err, ErrInvalidRecordSize) {
			t.Errorf("CheckRecordSize(%d) = %v, want ErrInvalidRecordSize", size, err)
		}
		if _, err := Pad(nil, size); !errors.Is(err, ErrInvalidRecordSize) {
			t.Errorf("Pad(nil, %d) = %v, want ErrInvalidRecordSize", size, err)
		}
	}
}

func TestSealHidesViewSize(t *testing.T) {
	for _, size := range []int{0, 1, 367, 369, 753, 3000, MaxViewBytes(DefaultRecordSize)} {
		view := bytes.Repeat([]byte{'v'}, size)
		key, r := sealedForTest(t, view)
		if len(r.Ciphertext) != DefaultRecordSize {
			t.Errorf("%d-byte view sealed to %d bytes, want %d", size, len(r.Ciphertext), DefaultRecordSize)
		}
		if n := len(EncodeB64(r.Ciphertext)); n != DefaultRecordSize/3*4 {
			t.Errorf("%d-byte view: ciphertext is %d base64url characters, want %d", size, n, DefaultRecordSize/3*4)
		}
		got, err := Open(key, r)
		if err != nil {
			t.Fatalf("Open(%d-byte view): %v", size, err)
		}
		if !bytes.Equal(got, view) {
			t.Errorf("Open returned %d bytes, sealed %d", len(got), size)
		}
	}
}

func TestSealedRecordJSONRoundTrip(t *testing.T) {
	view := []byte(`{"courier":"sim-east","tracking_number":"SE1234567890","status":"delivered"}`)
	key, r := sealedForTest(t, view)
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(maps.Keys(fields))
	if want := []string{"ciphertext", "courier", "expires_at", "kid", "locator", "nonce", "version"}; !slices.Equal(keys, want) {
		t.Errorf("sealed record JSON fields %v, want %v", keys, want)
	}
	var back SealedRecord
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	got, err := Open(key, &back)
	if err != nil || !bytes.Equal(got, view) {
		t.Fatalf("Open after JSON round trip = %q, %v", got, err)
	}
	bad := strings.Replace(string(raw), EncodeB64(r.Nonce), EncodeB64(r.Nonce)+"==", 1)
	if err := json.Unmarshal([]byte(bad), &back); !errors.Is(err, ErrBadBase64) {
		t.Errorf("padded nonce in JSON: %v, want ErrBadBase64", err)
	}
}

func TestCheckRejectsEachMalformedField(t *testing.T) {
	_, good := sealedForTest(t, []byte(`{}`))
	if err := good.Check(); err != nil {
		t.Fatalf("a freshly sealed record fails Check: %v", err)
	}
	tests := []struct {
		name   string
		mutate func(r *SealedRecord)
	}{
		{"empty courier", func(r *SealedRecord) { r.Courier = "" }},
		{"upper-case courier", func(r *SealedRecord) { r.Courier = "Sim-east" }},
		{"courier too long", func(r *SealedRecord) { r.Courier = strings.Repeat("a", 33) }},
		{"no locator", func(r *SealedRecord) { r.Locator = nil }},
		{"15-byte locator", func(r *SealedRecord) { r.Locator = r.Locator[:15] }},
		{"17-byte locator", func(r *SealedRecord) { r.Locator = append(r.Locator, 0) }},
		{"no kid", func(r *SealedRecord) { r.KeyID = nil }},
		{"7-byte kid", func(r *SealedRecord) { r.KeyID = r.KeyID[:7] }},
		{"9-byte kid", func(r *SealedRecord) { r.KeyID = append(r.KeyID, 0) }},
		{"version 0", func(r *SealedRecord) { r.Version = 0 }},
		{"version 2^53", func(r *SealedRecord) { r.Version = MaxVersion + 1 }},
		{"version 2^64-1", func(r *SealedRecord) { r.Version = 1<<64 - 1 }},
		{"no nonce", func(r *SealedRecord) { r.Nonce = nil }},
		{"11-byte nonce", func(r *SealedRecord) { r.Nonce = r.Nonce[:11] }},
		{"13-byte nonce", func(r *SealedRecord) { r.Nonce = append(r.Nonce, 0) }},
		{"no ciphertext", func(r *SealedRecord) { r.Ciphertext = nil }},
		{"tag only", func(r *SealedRecord) { r.Ciphertext = r.Ciphertext[:TagSize] }},
		{"one byte short of a block", func(r *SealedRecord) { r.Ciphertext = r.Ciphertext[:BlockSize-1] }},
		{"one byte over a block", func(r *SealedRecord) { r.Ciphertext = append(r.Ciphertext, 0) }},
		{"revision-1 size, 512 bytes and a tag", func(r *SealedRecord) { r.Ciphertext = make([]byte, 512+TagSize) }},
		{"no expiry", func(r *SealedRecord) { r.ExpiresAt = time.Time{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cloneRecord(good)
			tt.mutate(r)
			if err := r.Check(); !errors.Is(err, ErrInvalidRecord) {
				t.Errorf("Check = %v, want ErrInvalidRecord", err)
			}
			if _, err := Open(make([]byte, RecordKeySize), r); !errors.Is(err, ErrInvalidRecord) {
				t.Errorf("Open = %v, want ErrInvalidRecord before any decryption", err)
			}
		})
	}
}

func TestOpenRejectsWrongKeyAndTampering(t *testing.T) {
	key, good := sealedForTest(t, bytes.Repeat([]byte{'v'}, 700))
	wrongKey := slices.Clone(key)
	wrongKey[0] ^= 1
	tests := []struct {
		name   string
		key    []byte
		mutate func(r *SealedRecord)
		want   error
	}{
		{"wrong key", wrongKey, nil, ErrOpenRecord},
		{"short key", key[:16], nil, ErrInvalidKey},
		{"no key", nil, nil, ErrInvalidKey},
		{"other courier in AAD", key, func(r *SealedRecord) { r.Courier = "sim-west" }, ErrOpenRecord},
		{"other locator in AAD", key, func(r *SealedRecord) { r.Locator[15] ^= 1 }, ErrOpenRecord},
		{"other nonce", key, func(r *SealedRecord) { r.Nonce[0] ^= 1 }, ErrOpenRecord},
		{"ciphertext bit flipped", key, func(r *SealedRecord) { r.Ciphertext[100] ^= 1 }, ErrOpenRecord},
		{"tag bit flipped", key, func(r *SealedRecord) { r.Ciphertext[len(r.Ciphertext)-1] ^= 1 }, ErrOpenRecord},
		{"last block dropped", key, func(r *SealedRecord) {
			r.Ciphertext = r.Ciphertext[:BlockSize]
		}, ErrOpenRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cloneRecord(good)
			if tt.mutate != nil {
				tt.mutate(r)
			}
			got, err := Open(tt.key, r)
			if !errors.Is(err, tt.want) {
				t.Errorf("Open = %v, want %v", err, tt.want)
			}
			if got != nil {
				t.Error("a refused record still returned plaintext")
			}
		})
	}
	if _, err := Open(key, good); err != nil {
		t.Errorf("the untouched record no longer opens: %v", err)
	}
}

func TestAADLayout(t *testing.T) {
	locator := bytes.Repeat([]byte{0xaa}, LocatorSize)
	want := "tg1r2 record\x00sim-east\x00" + string(locator)
	if got := string(AAD("sim-east", locator)); got != want {
		t.Errorf("AAD = %q, want %q", got, want)
	}
}

// Kid and version left the AAD in revision 2: public answers carry
// neither, so a client must open a record without them.
func TestOpenIgnoresKidAndVersion(t *testing.T) {
	key, r := sealedForTest(t, []byte(`{"v":1}`))
	r.KeyID[0] ^= 1
	r.Version++
	if _, err := Open(key, r); err != nil {
		t.Errorf("Open after changing kid and version: %v", err)
	}
}

func TestOpenPublicOpensOnlyWithTheCourierAsked(t *testing.T) {
	view := []byte(`{"courier":"sim-east"}`)
	key, r := sealedForTest(t, view)
	pub := r.Public()
	got, err := OpenPublic(key, r.Courier, &pub)
	if err != nil || !bytes.Equal(got, view) {
		t.Fatalf("OpenPublic = %q, %v; want the view", got, err)
	}
	if _, err := OpenPublic(key, "sim-west", &pub); !errors.Is(err, ErrOpenRecord) {
		t.Errorf("OpenPublic with another courier = %v, want ErrOpenRecord", err)
	}
	bad := pub
	bad.Ciphertext = bad.Ciphertext[:BlockSize-1]
	if _, err := OpenPublic(key, r.Courier, &bad); !errors.Is(err, ErrInvalidRecord) {
		t.Errorf("OpenPublic of a partial block = %v, want ErrInvalidRecord", err)
	}
}

func TestPublicRecordJSONHasExactlyThreeFieldsInOrder(t *testing.T) {
	_, r := sealedForTest(t, []byte(`{}`))
	got, err := json.Marshal(r.Public())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"locator":"` + EncodeB64(r.Locator) + `","nonce":"` + EncodeB64(r.Nonce) + `","ciphertext":"` + EncodeB64(r.Ciphertext) + `"}`
	if string(got) != want {
		t.Errorf("public record = %s, want %s", got, want)
	}
}

func TestSealFailsWithoutRandomnessOrWithABadKey(t *testing.T) {
	r := &SealedRecord{Courier: "sim-east", Locator: make([]byte, LocatorSize), KeyID: make([]byte, KeyIDSize), Version: 1, ExpiresAt: testExpiry}
	if err := Seal(make([]byte, RecordKeySize), r, []byte("{}"), DefaultRecordSize, iotest.ErrReader(errors.New("no entropy"))); err == nil {
		t.Error("Seal succeeded without a nonce")
	}
	if err := Seal(make([]byte, RecordKeySize), r, []byte("{}"), DefaultRecordSize, bytes.NewReader(make([]byte, NonceSize-1))); err == nil {
		t.Error("Seal succeeded with a short nonce")
	}
	if err := Seal(make([]byte, 16), r, []byte("{}"), DefaultRecordSize, rand.Reader); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Seal with a 16-byte key = %v, want ErrInvalidKey", err)
	}
}
