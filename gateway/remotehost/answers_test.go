package remotehost

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/problem"
)

// clientAnswering is a Client whose host always gives one answer.
func clientAnswering(t testing.TB, a fixedAnswer) *Client {
	return New("http://courier.invalid", gatewaySigner(t), testAnswerPub, &http.Client{Transport: a})
}

func jsonBody(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sealedRecord is a well-formed record at locator.
func sealedRecord(t testing.TB, locator []byte) crypto.SealedRecord {
	t.Helper()
	r := crypto.SealedRecord{
		Courier: testCourier, Locator: locator, KeyID: make([]byte, crypto.KeyIDSize),
		Version: 1, ExpiresAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	if err := crypto.Seal(make([]byte, crypto.RecordKeySize), &r, []byte(`{}`), crypto.DefaultRecordSize, strings.NewReader(strings.Repeat("n", 12))); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMalformedEvaluateAnswersAreUnavailable(t *testing.T) {
	element := mustElement(t)
	proof := make([]byte, crypto.ProofSize)
	ok := func(evaluated [][]byte, proof []byte) []byte {
		res := api.HostEvaluateResponse{Proof: proof}
		for _, e := range evaluated {
			res.Evaluated = append(res.Evaluated, e)
		}
		return jsonBody(t, res)
	}
	tests := []struct {
		name   string
		answer fixedAnswer
		want   error
	}{
		{"not JSON", fixedAnswer{200, "application/json", []byte("<html>")}, api.ErrUnavailable},
		{"trailing data", fixedAnswer{200, "application/json", append(ok([][]byte{element}, proof), "{}"...)}, api.ErrUnavailable},
		{"one element short", fixedAnswer{200, "application/json", ok(nil, proof)}, api.ErrUnavailable},
		{"one element too many", fixedAnswer{200, "application/json", ok([][]byte{element, element}, proof)}, api.ErrUnavailable},
		{"identity element", fixedAnswer{200, "application/json", ok([][]byte{make([]byte, 32)}, proof)}, api.ErrUnavailable},
		{"short proof", fixedAnswer{200, "application/json", ok([][]byte{element}, proof[:63])}, api.ErrUnavailable},
		{"too large", fixedAnswer{200, "application/json", bytes.Repeat([]byte(" "), MaxAnswerBytes+1)}, api.ErrUnavailable},
		{"server error", fixedAnswer{500, problem.ContentType, problemBody("about:blank", 500)}, api.ErrUnavailable},
		{"signature refused", fixedAnswer{401, problem.ContentType, problemBody("about:blank", 401)}, api.ErrUnavailable},
		{"redirect", fixedAnswer{302, "", nil}, api.ErrUnavailable},
		{"no such route", fixedAnswer{404, problem.ContentType, problemBody("about:blank", 404)}, api.ErrUnavailable},
		{"rate limited", fixedAnswer{429, problem.ContentType, problemBody("about:blank", 429)}, api.ErrRateLimited},
		{"unknown kid", fixedAnswer{422, problem.ContentType, problemBody(courierhost.ProblemUnknownKey, 422)}, api.ErrUnknownKey},
		{"invalid element", fixedAnswer{422, problem.ContentType, problemBody(courierhost.ProblemInvalidElement, 422)}, api.ErrInvalidInput},
		{"plain 422", fixedAnswer{422, "text/plain", []byte("no")}, api.ErrInvalidInput},
		{"bad request", fixedAnswer{400, problem.ContentType, problemBody("about:blank", 400)}, api.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, pr, err := clientAnswering(t, tt.answer).Evaluate(t.Context(), "AAAAAAAAAAA", [][]byte{element})
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if ev != nil || pr != nil {
				t.Error("an error came with an evaluation")
			}
		})
	}
	if _, _, err := clientAnswering(t, fixedAnswer{200, "application/json", ok([][]byte{element}, proof)}).Evaluate(t.Context(), "AAAAAAAAAAA", [][]byte{element}); err != nil {
		t.Errorf("a well-formed answer was refused: %v", err)
	}
}

func TestMalformedRecordAnswersAreUnavailable(t *testing.T) {
	locator := bytes.Repeat([]byte{7}, crypto.LocatorSize)
	good := sealedRecord(t, locator)
	other := sealedRecord(t, bytes.Repeat([]byte{8}, crypto.LocatorSize))
	noExpiry := good
	noExpiry.ExpiresAt = time.Time{}
	shortNonce := good
	shortNonce.Nonce = good.Nonce[:11]
	tests := []struct {
		name   string
		answer fixedAnswer
		want   error
	}{
		{"record of another locator", fixedAnswer{200, "application/json", jsonBody(t, other)}, api.ErrUnavailable},
		{"record without expiry", fixedAnswer{200, "application/json", jsonBody(t, noExpiry)}, api.ErrUnavailable},
		{"record with a short nonce", fixedAnswer{200, "application/json", jsonBody(t, shortNonce)}, api.ErrUnavailable},
		{"not JSON", fixedAnswer{200, "application/json", []byte("null null")}, api.ErrUnavailable},
		{"bad gateway", fixedAnswer{502, "text/html", []byte("<html>")}, api.ErrUnavailable},
		{"not pull mode", fixedAnswer{404, problem.ContentType, problemBody(courierhost.ProblemNotPullMode, 404)}, api.ErrNotPullMode},
		{"plain 404", fixedAnswer{404, "text/plain", []byte("not found")}, api.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := clientAnswering(t, tt.answer).Record(t.Context(), locator); !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
	rec, err := clientAnswering(t, fixedAnswer{200, "application/json", jsonBody(t, good)}).Record(t.Context(), locator)
	if err != nil || !bytes.Equal(rec.Ciphertext, good.Ciphertext) {
		t.Errorf("a well-formed record was refused: %v", err)
	}
}

func TestMalformedBucketAndKeyAnswersAreUnavailable(t *testing.T) {
	good := sealedRecord(t, bytes.Repeat([]byte{7}, crypto.LocatorSize))
	bad := good
	bad.Version = 0
	key, err := crypto.GenerateKey(strings.NewReader(strings.Repeat("k", 64)))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	keyDoc := func(kid string, pk []byte, from, to time.Time) []byte {
		return jsonBody(t, api.KeysResponse{Keys: []api.Key{{KeyID: kid, PublicKey: pk, NotBefore: from, NotAfter: to}}})
	}
	kid, pk := key.Public().KeyID(), key.Public().Bytes()

	bucketTests := []struct {
		name   string
		answer fixedAnswer
		want   error
	}{
		{"one bad record", fixedAnswer{200, "application/json", jsonBody(t, api.Records{Records: []crypto.SealedRecord{good, bad}})}, api.ErrUnavailable},
		{"records not a list", fixedAnswer{200, "application/json", []byte(`{"records":{}}`)}, api.ErrUnavailable},
		{"too large", fixedAnswer{200, "application/json", bytes.Repeat([]byte(" "), MaxBucketBytes+1)}, api.ErrUnavailable},
		{"not pull mode", fixedAnswer{404, "", nil}, api.ErrNotPullMode},
	}
	for _, tt := range bucketTests {
		if _, err := clientAnswering(t, tt.answer).Bucket(t.Context(), 3); !errors.Is(err, tt.want) {
			t.Errorf("bucket, %s: error %v, want %v", tt.name, err, tt.want)
		}
	}
	recs, err := clientAnswering(t, fixedAnswer{200, "application/json", []byte(`{"records":null}`)}).Bucket(t.Context(), 3)
	if err != nil || recs == nil || len(recs) != 0 {
		t.Errorf("an empty bucket: %v, %v", recs, err)
	}

	keyTests := []struct {
		name string
		body []byte
	}{
		{"kid of another key", keyDoc("AAAAAAAAAAA", pk, now, now.Add(time.Hour))},
		{"identity public key", keyDoc(crypto.KeyID(make([]byte, 32)), make([]byte, 32), now, now.Add(time.Hour))},
		{"window backwards", keyDoc(kid, pk, now, now.Add(-time.Hour))},
		{"no window", keyDoc(kid, pk, time.Time{}, time.Time{})},
	}
	for _, tt := range keyTests {
		if _, err := clientAnswering(t, fixedAnswer{200, "application/json", tt.body}).Keys(t.Context()); !errors.Is(err, api.ErrUnavailable) {
			t.Errorf("keys, %s: error %v, want ErrUnavailable", tt.name, err)
		}
	}
	keys, err := clientAnswering(t, fixedAnswer{200, "application/json", keyDoc(kid, pk, now, now.Add(time.Hour))}).Keys(t.Context())
	if err != nil || len(keys) != 1 || keys[0].KeyID != kid {
		t.Errorf("well-formed keys refused: %v %v", keys, err)
	}
}

func FuzzEvaluateAnswer(f *testing.F) {
	element := mustElement(f)
	good := jsonBody(f, api.HostEvaluateResponse{Evaluated: []crypto.B64{element}, Proof: make([]byte, 64)})
	f.Add(200, good)
	f.Add(200, []byte(`{"evaluated":[],"proof":""}`))
	f.Add(422, problemBody(courierhost.ProblemUnknownKey, 422))
	f.Add(429, []byte{})
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		c := clientAnswering(t, fixedAnswer{status, problem.ContentType, body})
		ev, proof, err := c.Evaluate(t.Context(), "AAAAAAAAAAA", [][]byte{element})
		if err != nil {
			for _, known := range []error{api.ErrUnavailable, api.ErrRateLimited, api.ErrUnknownKey, api.ErrInvalidInput} {
				if errors.Is(err, known) {
					return
				}
			}
			t.Fatalf("error %v maps to no api error", err)
		}
		if status != 200 || len(ev) != 1 || crypto.ValidateElement(ev[0]) != nil || len(proof) != crypto.ProofSize {
			t.Fatalf("accepted a bad answer (status %d)", status)
		}
	})
}
