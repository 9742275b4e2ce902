package gateway

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/openapi"
)

// The gateway no longer validates a publish's body against the OpenAPI
// document: api.DecodePublish checks every field as strictly. These tests
// hold it to that: every body the document's schema refuses (checked by
// the validator the gateway used to run on it) is still refused, with 400
// and a problem.

// schemaCheck is the validator with body validation, as the gateway ran
// it on publishes before, on the publish route alone.
type schemaCheck struct {
	engine *gin.Engine
	signer *signing.Signer
}

func newSchemaCheck(t testing.TB, signer *signing.Signer) *schemaCheck {
	t.Helper()
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	v, err := openapi.NewValidator(doc)
	if err != nil {
		t.Fatal(err)
	}
	e := gin.New()
	e.PUT("/v1/couriers/:courier/records", v.Middleware(), func(c *gin.Context) { c.Status(http.StatusOK) })
	return &schemaCheck{engine: e, signer: signer}
}

// refuses reports whether the schema refuses body (with 400, as the
// validator answers every schema failure).
func (s *schemaCheck) refuses(t testing.TB, body []byte) bool {
	t.Helper()
	req := httptest.NewRequest(http.MethodPut, "/v1/couriers/alpha/records", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if err := s.signer.Sign(req, body); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.engine.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
		t.Fatalf("the schema check answered %d: %s", rec.Code, rec.Body)
	}
	return rec.Code == http.StatusBadRequest
}

// schemaRefusals are publish bodies the schema refuses, each made from a
// valid one by one change.
func schemaRefusals(t testing.TB, good crypto.SealedRecord) map[string][]byte {
	t.Helper()
	base, err := json.Marshal(api.Records{Records: []crypto.SealedRecord{good}})
	if err != nil {
		t.Fatal(err)
	}
	field := func(name string) string { // `"name":value` as encoded
		var m map[string]json.RawMessage
		_ = json.Unmarshal(mustJSON(t, good), &m)
		return `"` + name + `":` + string(m[name])
	}
	with := func(name, value string) []byte {
		return bytes.Replace(base, []byte(field(name)), []byte(`"`+name+`":`+value), 1)
	}
	without := func(name string) []byte {
		return bytes.Replace(base, []byte(field(name)), []byte(`"x`+name+`":0`), 1)
	}
	locator := `"` + crypto.EncodeB64(good.Locator) + `"`
	out := map[string][]byte{
		"not JSON":                      []byte(`{"records":[`),
		"trailing data":                 append(bytes.Clone(base), " {}"...),
		"top level null":                []byte(`null`),
		"top level array":               []byte(`[]`),
		"top level string":              []byte(`"records"`),
		"records null":                  []byte(`{"records":null}`),
		"extend null":                   []byte(`{"extend":null}`),
		"withdraw null":                 []byte(`{"withdraw":null}`),
		"records an object":             []byte(`{"records":{}}`),
		"a record null":                 []byte(`{"records":[null]}`),
		"a record a number":             []byte(`{"records":[1]}`),
		"courier upper-case":            with("courier", `"ALPHA"`),
		"courier of one character":      with("courier", `"a"`),
		"courier of 33 characters":      with("courier", `"`+strings.Repeat("a", 33)+`"`),
		"courier a number":              with("courier", `7`),
		"courier null":                  with("courier", `null`),
		"locator of 15 bytes":           with("locator", `"`+crypto.EncodeB64(good.Locator[:15])+`"`),
		"locator of 17 bytes":           with("locator", `"`+crypto.EncodeB64(append(bytes.Clone(good.Locator), 1))+`"`),
		"locator padded":                with("locator", locator[:len(locator)-1]+`=="`),
		"locator with '+'":              with("locator", `"+`+locator[2:]),
		"locator null":                  with("locator", `null`),
		"kid of 7 bytes":                with("kid", `"`+crypto.EncodeB64(good.KeyID[:7])+`"`),
		"kid null":                      with("kid", `null`),
		"nonce of 13 bytes":             with("nonce", `"`+crypto.EncodeB64(append(bytes.Clone(good.Nonce), 1))+`"`),
		"nonce with a line break":       with("nonce", `"`+crypto.EncodeB64(good.Nonce)[:8]+`\n`+crypto.EncodeB64(good.Nonce)[8:]+`"`),
		"ciphertext under a block":      with("ciphertext", `"`+crypto.EncodeB64(good.Ciphertext[:crypto.BlockSize-3])+`"`),
		"ciphertext with '/'":           with("ciphertext", `"/`+crypto.EncodeB64(good.Ciphertext)[1:]+`"`),
		"ciphertext empty":              with("ciphertext", `""`),
		"version 0":                     with("version", `0`),
		"version -1":                    with("version", `-1`),
		"version 2^53":                  with("version", `9007199254740992`),
		"version a string":              with("version", `"1"`),
		"version null":                  with("version", `null`),
		"expires_at a date":             with("expires_at", `"2026-12-04"`),
		"expires_at without offset":     with("expires_at", `"2026-12-04T10:00:00"`),
		"expires_at lower-case z":       with("expires_at", `"2026-12-04T10:00:00z"`),
		"expires_at hour 24":            with("expires_at", `"2026-12-04T24:00:00Z"`),
		"expires_at a number":           with("expires_at", `1764842400`),
		"expires_at null":               with("expires_at", `null`),
		"extension without version":     []byte(`{"extend":[{"locator":` + locator + `,"expires_at":"2026-12-04T10:00:00Z"}]}`),
		"extension without expiry":      []byte(`{"extend":[{"locator":` + locator + `,"version":2}]}`),
		"extension without locator":     []byte(`{"extend":[{"version":2,"expires_at":"2026-12-04T10:00:00Z"}]}`),
		"extension of version 0":        []byte(`{"extend":[{"locator":` + locator + `,"version":0,"expires_at":"2026-12-04T10:00:00Z"}]}`),
		"withdrawal without version":    []byte(`{"withdraw":[{"locator":` + locator + `}]}`),
		"withdrawal without locator":    []byte(`{"withdraw":[{"version":2}]}`),
		"withdrawal of a short locator": []byte(`{"withdraw":[{"locator":"AAAA","version":2}]}`),
		"1001 withdrawals": []byte(`{"withdraw":[` + strings.Repeat(`{"locator":`+locator+`,"version":1},`, 1000) +
			`{"locator":` + locator + `,"version":1}]}`),
	}
	for _, name := range []string{"courier", "locator", "kid", "version", "nonce", "ciphertext", "expires_at"} {
		out["record without "+name] = without(name)
	}
	return out
}

func TestPublishRefusesWhatTheSchemaRefuses(t *testing.T) {
	h := newHarness(t)
	schema := newSchemaCheck(t, h.signers["alpha"])
	good := h.sealedFor("alpha", 1)
	if body := mustJSON(t, api.Records{Records: []crypto.SealedRecord{good}}); schema.refuses(t, body) {
		t.Fatal("the schema refuses a valid publish: the test would prove nothing")
	}
	for name, body := range schemaRefusals(t, good) {
		t.Run(name, func(t *testing.T) {
			if !schema.refuses(t, body) {
				t.Fatal("the schema accepts this body: it does not belong in the test")
			}
			status, answer := h.publish(h.signers["alpha"], "alpha", body)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400 as the schema answered: %s", status, answer)
			}
			assertProblem(t, http.Header{"Content-Type": {"application/problem+json"}}, answer, http.StatusBadRequest)
			if n := h.store.Len(); n != 0 {
				t.Fatalf("a refused publish changed the store: %d records", n)
			}
		})
	}
}

// The body's framing is still the validator's: a publish of another
// Content-Type, or without a body, is 400 as before.
func TestPublishChecksContentTypeAndPresence(t *testing.T) {
	h := newHarness(t)
	body := mustJSON(t, api.Records{Records: []crypto.SealedRecord{h.sealedFor("alpha", 1)}})
	for _, tt := range []struct {
		name, contentType string
		body              []byte
		detail            string
	}{
		{"text/plain", "text/plain", body, "Content-Type application/json"},
		{"no Content-Type", "", body, "Content-Type application/json"},
		{"no body", "application/json", nil, "request body is required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPut, h.srv.URL+"/v1/couriers/alpha/records", bytes.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if err := h.signers["alpha"].Sign(req, tt.body); err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var answer bytes.Buffer
			answer.ReadFrom(resp.Body)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(answer.String(), tt.detail) {
				t.Fatalf("status %d %s, want 400 saying %q", resp.StatusCode, answer.Bytes(), tt.detail)
			}
			assertProblem(t, resp.Header, answer.Bytes(), http.StatusBadRequest)
		})
	}
}

// FuzzPublishRefusesWhatTheSchemaRefuses: whatever the body, when the
// schema refused it the gateway still refuses it (DecodePublish, or the
// empty batch after it); when encoding/json refused it, or both accepted
// it and DecodePublish reads the same batch — unless a member name
// differs from the protocol's only in case, which encoding/json matched
// and the schema never checked (the protocol's names are exact).
func FuzzPublishRefusesWhatTheSchemaRefuses(f *testing.F) {
	h := newHarness(f)
	schema := newSchemaCheck(f, h.signers["alpha"])
	good := h.sealedFor("alpha", 1)
	good.Ciphertext = good.Ciphertext[:crypto.BlockSize] // small inputs fuzz faster
	f.Add(mustJSON(f, api.Records{Records: []crypto.SealedRecord{good},
		Extend:   []api.Extension{{Locator: good.Locator, Version: 1, ExpiresAt: time.Now().UTC()}},
		Withdraw: []api.Withdrawal{{Locator: good.Locator, Version: 2}}}))
	// encoding/json takes "reCords" for "records"; the gateway does not,
	// and refuses the empty batch it then reads.
	f.Add([]byte(`{"reCords":[{"0000000":0,"loCAtor":"0000 0000000000"}]}`))
	for _, body := range schemaRefusals(f, good) {
		if len(body) < 4096 {
			f.Add(body)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, fastErr := api.DecodePublish(body)
		// An empty batch is refused next, with 400 (Publish).
		refused := fastErr != nil || fast.Items() == 0
		var slow api.Records
		slowErr := api.Decode(bytes.NewReader(body), &slow)
		folded := foldedMemberName(body)
		switch {
		case schema.refuses(t, body):
			if !refused {
				t.Fatal("the gateway accepts a body the schema refuses")
			}
			return
		case folded:
			return
		case slowErr != nil:
			if !refused {
				t.Fatalf("the gateway accepts a body encoding/json refused: %v", slowErr)
			}
			return
		}
		if fastErr != nil {
			t.Fatalf("DecodePublish refuses a body the schema and encoding/json accept: %v", fastErr)
		}
		if !equalRecords(fast, slow) {
			t.Fatalf("DecodePublish read\n%+v\nencoding/json read\n%+v", fast, slow)
		}
	})
}

// foldedMemberName reports whether body names a member like one of a
// publish's but in another case.
func foldedMemberName(body []byte) bool {
	names := []string{"records", "extend", "withdraw", "courier", "locator", "kid", "version", "nonce", "ciphertext", "expires_at"}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if s, ok := tok.(string); ok {
			for _, n := range names {
				if s != n && strings.EqualFold(s, n) {
					return true
				}
			}
		}
	}
}

// equalRecords compares two decoded publishes, nil and empty slices alike.
func equalRecords(a, b api.Records) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}
