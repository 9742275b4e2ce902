package config

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

const testPaddingSecretHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

// recordsOpts reads the padding secret variables of these tests, and the
// fixture's others.
func recordsOpts(f *fixture) loadOptions {
	return loadOptions{now: time.Now, getenv: func(name string) string {
		switch name {
		case "TEST_PADDING_SECRET":
			return testPaddingSecretHex
		case "TEST_PADDING_SHORT":
			return "0001"
		case "TEST_PADDING_NOT_HEX":
			return strings.Repeat("zz", 32)
		}
		return f.getenv(name)
	}}
}

func TestRecordsSectionErrorsNameTheirField(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, path string
		value      any
		wantField  string
		wantText   string
	}{
		{"ttl too short", "records.max_record_ttl", "10m", "records.max_record_ttl", "at least 1h"},
		{"record size not whole blocks", "records.record_size", 6000, "records.record_size", "not a multiple of 384"},
		{"record size above 64 blocks", "records.record_size", 24960, "records.record_size", "from 384 to 24576"},
		{"negative record size", "records.record_size", -384, "records.record_size", "the same as every courier host's record_size"},
		{"the old max_ciphertext_bytes", "records.max_ciphertext_bytes", 24576, "records.max_ciphertext_bytes", "record_size"},
		{"no records allowed", "records.courier_records", -1, "records.courier_records", "positive"},
		{"courier bytes below a record", "records.courier_bytes", 100, "records.courier_bytes", "at least records.record_size"},
		{"bucket bytes below a record", "records.courier_bucket_bytes", 100, "records.courier_bucket_bytes", "at least records.record_size"},
		{"padding secret unset", "records.padding_secret_env", "NOT_SET_ANYWHERE", "records.padding_secret_env", "openssl rand -hex 32"},
		{"padding secret short", "records.padding_secret_env", "TEST_PADDING_SHORT", "records.padding_secret_env", "32 bytes in hex"},
		{"padding secret not hex", "records.padding_secret_env", "TEST_PADDING_NOT_HEX", "records.padding_secret_env", "32 bytes in hex"},
		{"unknown field", "records.padding_secret", "x", "records.padding_secret", "padding_secret_env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := f.gatewayDoc()
			edit(t, doc, tt.path, tt.value)
			_, err := parseGateway(marshal(t, doc), f.dir, recordsOpts(f))
			if err == nil {
				t.Fatal("accepted")
			}
			fe := fieldOf(t, err)
			if fe.Field != tt.wantField || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q: want field %s and %q", err, tt.wantField, tt.wantText)
			}
			if strings.Contains(err.Error(), strings.Repeat("zz", 32)) {
				t.Error("the error repeats the secret's value")
			}
		})
	}
}

func TestRecordsSectionDefaultsAndPaddingSecret(t *testing.T) {
	f := newFixture(t)
	doc := f.gatewayDoc()
	delete(doc, "records")
	g, err := parseGateway(marshal(t, doc), f.dir, recordsOpts(f))
	if err != nil {
		t.Fatal(err)
	}
	want := store.Limits{BucketBits: g.BucketBits, MaxCiphertextBytes: crypto.DefaultRecordSize}.WithDefaults()
	if got := g.Records.limits(g.BucketBits); got != want || g.paddingSecret != nil || g.Records.RecordSize != crypto.DefaultRecordSize {
		t.Errorf("limits %+v, record size %d (secret %v), want the store's defaults %+v, the largest record of record_size, and no secret",
			got, g.Records.RecordSize, g.paddingSecret != nil, want)
	}

	edit(t, doc, "records", map[string]any{"max_record_ttl": "30d", "courier_bucket_bytes": 65536, "record_size": 1536, "padding_secret_env": "TEST_PADDING_SECRET"})
	g, err = parseGateway(marshal(t, doc), f.dir, recordsOpts(f))
	if err != nil {
		t.Fatal(err)
	}
	got := g.Records.limits(g.BucketBits)
	if got.MaxRecordTTL != 30*24*time.Hour || got.CourierBucketBytes != 65536 || got.MaxCiphertextBytes != 1536 || g.Records.RecordSize != 1536 {
		t.Errorf("limits %+v: want the file's values and defaults for the rest", got)
	}
	if len(g.paddingSecret) != 32 || g.paddingSecret[31] != 0x1f || !bytes.Equal(g.paddingSecret[:2], []byte{0, 1}) {
		t.Errorf("padding secret %x, want the variable's 32 bytes", g.paddingSecret)
	}
}
