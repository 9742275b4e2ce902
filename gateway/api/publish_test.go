package api

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// publishBody is a valid publish of n records (of blocks blocks each), an
// extension and a withdrawal.
func publishBody(t testing.TB, n, blocks int) Records {
	t.Helper()
	expires := time.Date(2026, 12, 4, 10, 0, 0, 123000000, time.FixedZone("", 8*3600))
	out := Records{
		Extend:   []Extension{{Locator: bytes.Repeat([]byte{0xfb}, crypto.LocatorSize), Version: 9, ExpiresAt: expires}},
		Withdraw: []Withdrawal{{Locator: bytes.Repeat([]byte{0xbf}, crypto.LocatorSize), Version: crypto.MaxVersion}},
	}
	for i := range n {
		r := crypto.SealedRecord{Courier: "sim-swift", Locator: make([]byte, crypto.LocatorSize), KeyID: make([]byte, crypto.KeyIDSize),
			Version: uint64(i + 1), Nonce: make([]byte, crypto.NonceSize), Ciphertext: make([]byte, blocks*crypto.BlockSize), ExpiresAt: expires}
		for _, b := range [][]byte{r.Locator, r.KeyID, r.Nonce, r.Ciphertext} {
			if _, err := rand.Read(b); err != nil {
				t.Fatal(err)
			}
		}
		out.Records = append(out.Records, r)
	}
	return out
}

// decodeBoth decodes body with DecodePublish and with encoding/json.
func decodeBoth(t *testing.T, body []byte) (fast, slow Records, fastErr, slowErr error) {
	t.Helper()
	fast, fastErr = DecodePublish(body)
	slowErr = Decode(bytes.NewReader(body), &slow)
	return fast, slow, fastErr, slowErr
}

// DecodePublish reads what encoding/json reads, whatever the JSON looks
// like around the values: white space, member order, members it does not
// know (of every JSON type), escapes, repeated members.
func TestDecodePublishReadsWhatEncodingJSONReads(t *testing.T) {
	doc := publishBody(t, 3, 2)
	compact, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	indented, _ := json.MarshalIndent(doc, "\t", "  ")
	loc := crypto.EncodeB64(doc.Records[0].Locator)
	bodies := map[string][]byte{
		"compact":  compact,
		"indented": indented,
		"unknown members of every type": bytes.Replace(compact, []byte(`"courier":`),
			[]byte(`"future":{"a":[1,-2.5e-3,true,false,null,"\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t",{}],"b":[]},"courier":`), 1),
		"unknown top-level members": append([]byte(`{"z":"\ud800","records":`), compact[len(`{"records":`):]...),
		"escapes in base64":         bytes.Replace(compact, []byte(loc[:2]), []byte(`\u00`+hexOf(loc[0])+loc[1:2]), 1),
		"repeated members, the last kept": bytes.Replace(compact, []byte(`"version":1,`),
			[]byte(`"version":7,"version":1,`), 1),
		"empty arrays": []byte(`{"records":[],"extend":[],"withdraw":[]}`),
		"nothing":      []byte(` {} `),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			fast, slow, fastErr, slowErr := decodeBoth(t, body)
			if fastErr != nil || slowErr != nil {
				t.Fatalf("DecodePublish: %v; encoding/json: %v", fastErr, slowErr)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("DecodePublish read\n%+v\nencoding/json read\n%+v", fast, slow)
			}
		})
	}
}

func hexOf(c byte) string {
	return strings.ToLower(string("0123456789ABCDEF"[c>>4]) + string("0123456789ABCDEF"[c&15]))
}

// Every refusal is ErrMalformed with a detail naming the place and the
// rule, never the value sent.
func TestDecodePublishRefusesWithADetailThatQuotesNothing(t *testing.T) {
	doc := publishBody(t, 1, 1)
	good, _ := json.Marshal(doc)
	edit := func(old, new string) []byte { return bytes.Replace(good, []byte(old), []byte(new), 1) }
	locator := `"` + crypto.EncodeB64(doc.Records[0].Locator) + `"`
	nonce := `"` + crypto.EncodeB64(doc.Records[0].Nonce) + `"`
	tests := []struct {
		name   string
		body   []byte
		detail string
	}{
		{"empty", nil, "empty"},
		{"not an object", []byte(`["records"]`), "must be a JSON object"},
		{"trailing data", append(bytes.Clone(good), `{}`...), "data after"},
		{"truncated", good[:len(good)/2], "ends too early"},
		{"a stray byte", append([]byte(`{"records":[]`), '#', '}'), "invalid JSON at byte 13"},
		{"records null", []byte(`{"records":null}`), "records must be an array"},
		{"a record null", []byte(`{"records":[null]}`), "records[0] must be an object"},
		{"missing kid", edit(`"kid":`, `"kidd":`), "records[0].kid is required"},
		{"short locator", edit(locator, `"AAAA"`), "records[0].locator must be 16 bytes"},
		{"padded nonce", edit(nonce, nonce[:len(nonce)-1]+`=="`), "records[0].nonce must be 12 bytes"},
		{"version as a string", edit(`"version":1`, `"version":"1"`), "records[0].version must be a number"},
		{"version 0", edit(`"version":1`, `"version":0`), "records[0].version must be an integer from 1"},
		{"version 2^53", edit(`"version":1`, `"version":9007199254740992`), "records[0].version must be an integer from 1"},
		{"fractional version", edit(`"version":1`, `"version":1.0`), "records[0].version must be an integer"},
		{"upper-case courier", edit(`"courier":"sim-swift"`, `"courier":"SIM-SWIFT"`), "records[0].courier must be a courier id"},
		{"date only", edit(`"expires_at":"2026-12-04T10:00:00.123+08:00"`, `"expires_at":"2026-12-04"`), "records[0].expires_at must be an RFC 3339"},
		{"one-digit hour", edit(`"expires_at":"2026-12-04T10:00:00.123+08:00"`, `"expires_at":"2026-12-04T1:00:00Z"`), "records[0].expires_at must be an RFC 3339"},
		{"extension without expiry", []byte(`{"extend":[{"locator":` + locator + `,"version":1}]}`), "extend[0].expires_at is required"},
		{"withdrawal without version", []byte(`{"withdraw":[{"locator":` + locator + `}]}`), "withdraw[0].version is required"},
		{"1001 withdrawals", []byte(`{"withdraw":[` + strings.Repeat(`{"locator":`+locator+`,"version":1},`, 1000) + `{"locator":` + locator + `,"version":1}]}`), "withdraw holds more than 1000 items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodePublish(tt.body)
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.detail) {
				t.Fatalf("DecodePublish: %v, want ErrMalformed saying %q", err, tt.detail)
			}
			if strings.Contains(err.Error(), locator[1:12]) || strings.Contains(err.Error(), nonce[1:12]) {
				t.Fatalf("the detail quotes a submitted value: %v", err)
			}
		})
	}
}

func TestDateTimeShapeIsTheSchemasFormat(t *testing.T) {
	for s, want := range map[string]bool{
		"2026-12-04T10:00:00Z": true, "2026-12-04T10:00:00.5+05:30": true, "2026-12-04T23:59:60-00:00": true,
		"2026-02-30T10:00:00Z": true, // the calendar is time.Parse's
		"2026-12-04T10:00:00z": false, "2026-12-04t10:00:00Z": false, "2026-12-04T10:00:00,5Z": false,
		"2026-12-04T1:00:00Z": false, "2026-12-04T24:00:00Z": false, "2026-12-04T10:00:00+24:00": false,
		"2026-12-04T10:00:00+05:60": false, "2026-12-04T10:00:00.Z": false, "2026-13-04T10:00:00Z": false,
		"2026-12-00T10:00:00Z": false, "2026-12-04T10:00:00": false, "2026-12-04T10:00:00+0500": false,
		"02026-12-04T10:00:00Z": false, "2026-12-04 10:00:00Z": false, "": false,
	} {
		if got := dateTimeShape([]byte(s)); got != want {
			t.Errorf("dateTimeShape(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzDecodePublish: DecodePublish never reads what encoding/json would
// not, reads nothing else when it succeeds, and refuses what is not JSON.
// (gateway's TestPublishRefusesWhatTheSchemaRefuses holds it to the
// schema.)
func FuzzDecodePublish(f *testing.F) {
	good, _ := json.Marshal(publishBody(f, 1, 1))
	f.Add(good)
	f.Add([]byte(`{"records":[{"courier":"a\u0062","version":1e0}],"extend":null}`))
	f.Add([]byte(`{"withdraw":[{"locator":"AAAAAAAAAAAAAAAAAAAAAA","version":1,"expires_at":[]}]}`))
	f.Add([]byte("{}\x00")) // a NUL after the value once passed for the end
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, fastErr := DecodePublish(body)
		if fastErr != nil {
			if !errors.Is(fastErr, ErrMalformed) {
				t.Fatalf("an error that is not ErrMalformed: %v", fastErr)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatal("DecodePublish read a body that is not JSON")
		}
		var slow Records
		if err := Decode(bytes.NewReader(body), &slow); err != nil {
			t.Fatalf("DecodePublish read a body encoding/json refuses: %v", err)
		}
		if foldedMember(body) {
			return // encoding/json also takes "Records" for "records"
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("DecodePublish read\n%+v\nencoding/json read\n%+v", fast, slow)
		}
	})
}

// foldedMember reports whether body has a member named like one of a
// publish's in another case, which encoding/json matches and DecodePublish
// does not.
func foldedMember(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	names := append([]string{"records", "extend", "withdraw"}, recordMembers...)
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		s, ok := tok.(string)
		if !ok {
			continue
		}
		for _, n := range names {
			if s != n && strings.EqualFold(s, n) {
				return true
			}
		}
	}
}
