package benchmark

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// TestBodyTemplateSetsEveryVersion checks that a body cut from a
// template is the batch it was made from, at the new version.
func TestBodyTemplateSetsEveryVersion(t *testing.T) {
	records := make([]crypto.SealedRecord, 3)
	for i := range records {
		records[i] = crypto.SealedRecord{Courier: "bench-load", Locator: random(t, 16), KeyID: random(t, 8), Version: 1,
			Nonce: random(t, 12), Ciphertext: random(t, crypto.MinRecordSize), ExpiresAt: time.Unix(1e9, 0).UTC()}
	}
	want := append([]crypto.SealedRecord(nil), records...)
	tmpl, err := newBodyTemplate(records)
	if err != nil {
		t.Fatal(err)
	}
	var got api.Records
	if err := json.Unmarshal(tmpl.body(123456), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Records) != len(want) {
		t.Fatalf("%d records, want %d", len(got.Records), len(want))
	}
	for i, r := range got.Records {
		if r.Version != 123456 || !bytes.Equal(r.Locator, want[i].Locator) || !bytes.Equal(r.Ciphertext, want[i].Ciphertext) {
			t.Errorf("record %d: version %d, or not the record templated", i, r.Version)
		}
	}
}

func random(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}
