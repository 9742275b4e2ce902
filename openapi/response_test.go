package openapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/problem"
)

func TestValidateResponse(t *testing.T) {
	f := newFixture(t)
	v, err := NewValidator(mustLoad(t))
	if err != nil {
		t.Fatal(err)
	}
	directory := api.Directory{
		Protocol: api.Protocol, Revision: api.Revision, Suite: crypto.Suite, BucketBits: 12, RecordSize: crypto.DefaultRecordSize,
		Couriers: []api.CourierEntry{{
			ID: "yunda-sim", Name: "Yunda (simulated)", Factor: crypto.FactorNone, Mode: api.ModePush,
			Keys: []api.Key{{
				KeyID: f.kid(), PublicKey: f.key.Public().Bytes(),
				NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2027, 1, 1, 0, 0, 0, 0, time.FixedZone("", 8*3600)),
			}},
			Patterns: []api.Pattern{{Regex: `^YD[0-9]{10}$`}},
		}},
	}
	goodDirectory := mustJSON(t, directory)
	logged := f.keyLog(t)
	withLog := directory
	withLog.KeyLog = &logged.info
	withLog.Couriers = []api.CourierEntry{directory.Couriers[0]}
	withLog.Couriers[0].Log = &logged.courier
	hostKeys := mustJSON(t, api.KeysResponse{Keys: directory.Couriers[0].Keys, Statements: []string{logged.courier.Keys[0].Statement},
		SigningKeys: []string{logged.courier.SigningKeys[0].Statement}})
	textHeader := http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
	var withoutProtocol map[string]any
	if err := json.Unmarshal([]byte(goodDirectory), &withoutProtocol); err != nil {
		t.Fatal(err)
	}
	delete(withoutProtocol, "protocol")
	etag := `"` + strings.Repeat("A", 43) + `"`
	jsonHeader := http.Header{"Content-Type": {jsonType}}
	directoryHeader := http.Header{"Content-Type": {jsonType}, "Etag": {etag}}
	problemHeader := http.Header{"Content-Type": {problem.ContentType}}
	problemBody := func(status int) string { return mustJSON(t, problem.New(status, "Something specific.")) }
	evaluated := mustJSON(t, api.EvaluateResponse{Results: []api.EvaluateResult{
		{Courier: "yunda-sim", KeyID: f.kid(), Status: api.StatusOK, Evaluated: b64s(f.evaluated), Proof: f.proof},
		{Courier: "other-post", KeyID: "AAAA", Status: api.StatusInvalid},
		{Courier: "slow-post", KeyID: f.kid(), Status: api.StatusTimeout},
	}})
	locator := crypto.EncodeB64(f.record.Locator)
	retryHeader := http.Header{"Content-Type": {problem.ContentType}, "Retry-After": {"2"}}
	hostHeader := http.Header{"Content-Type": {jsonType}, "Tg-Signature": {strings.Repeat("A", 86)}}

	tests := []struct {
		name         string
		method, path string
		status       int
		header       http.Header
		body         string
		wantErr      bool
	}{
		{"a good directory", http.MethodGet, "/v1/couriers", 200, directoryHeader, goodDirectory, false},
		{"a directory without protocol", http.MethodGet, "/v1/couriers", 200, directoryHeader, mustJSON(t, withoutProtocol), true},
		{"a directory of another protocol", http.MethodGet, "/v1/couriers", 200, directoryHeader, strings.Replace(goodDirectory, `"tg1"`, `"tg2"`, 1), true},
		{"a directory without its ETag", http.MethodGet, "/v1/couriers", 200, jsonHeader, goodDirectory, true},
		{"not modified", http.MethodGet, "/v1/couriers", 304, http.Header{"Etag": {etag}}, "", false},
		{"directory being assembled", http.MethodGet, "/v1/couriers", 503, retryHeader, problemBody(503), false},
		{"503 without Retry-After", http.MethodGet, "/v1/couriers", 503, problemHeader, problemBody(503), true},
		{"an evaluation", http.MethodPost, "/v1/evaluate", 200, jsonHeader, evaluated, false},
		{"an evaluation with an unknown status", http.MethodPost, "/v1/evaluate", 200, jsonHeader, strings.Replace(evaluated, `"timeout"`, `"late"`, 1), true},
		{"a rate-limited evaluation", http.MethodPost, "/v1/evaluate", 429, retryHeader, problemBody(429), false},
		{"a 400 problem", http.MethodPost, "/v1/evaluate", 400, problemHeader, problemBody(400), false},
		{"a 400 as plain JSON", http.MethodPost, "/v1/evaluate", 400, jsonHeader, problemBody(400), true},
		{"a problem without a title", http.MethodPost, "/v1/evaluate", 400, problemHeader, `{"type":"about:blank","status":400}`, true},
		{"an undocumented status", http.MethodPost, "/v1/evaluate", http.StatusTeapot, problemHeader, problemBody(418), true},
		{"a bucket", http.MethodGet, "/v1/buckets/e", 200, jsonHeader, mustJSON(t, api.PublicRecords{Records: []crypto.PublicRecord{f.record.Public()}, Missing: []string{"slow-post"}}), false},
		{"an empty bucket", http.MethodGet, "/v1/buckets/e", 200, jsonHeader, `{"records":[],"missing":[]}`, false},
		{"a bucket without missing", http.MethodGet, "/v1/buckets/e", 200, jsonHeader, `{"records":[]}`, true},
		{"a bucket of courier records", http.MethodGet, "/v1/buckets/e", 200, jsonHeader, mustJSON(t, api.PublicRecords{Records: nil, Missing: []string{}}), true},
		{"a record", http.MethodGet, "/v1/records/" + locator, 200, jsonHeader, mustJSON(t, api.PublicRecords{Records: []crypto.PublicRecord{f.record.Public()}, Missing: []string{}}), false},
		{"a record with a partial block", http.MethodGet, "/v1/records/" + locator, 200, jsonHeader, `{"records":[{"locator":"` + locator + `","nonce":"AAAAAAAAAAAAAAAA","ciphertext":"AAAA"}],"missing":[]}`, true},
		{"no record at the locator", http.MethodGet, "/v1/records/" + locator, 200, jsonHeader, `{"records":[],"missing":[]}`, false},
		{"no such record as 404", http.MethodGet, "/v1/records/" + locator, 404, problemHeader, problemBody(404), true},
		{"a publish answer", http.MethodPut, "/v1/couriers/yunda-sim/records", 200, jsonHeader, mustJSON(t, api.PublishResponse{Stored: 1, Stale: 1, Refused: 1, Results: []api.ItemResult{
			{Status: api.ItemStored}, {Status: api.ItemStale}, {Status: api.ItemRefused, Limit: "courier_bytes", Detail: "The courier's records hold 64 GiB."}}}), false},
		{"a publish answer with an unknown limit", http.MethodPut, "/v1/couriers/yunda-sim/records", 200, jsonHeader, mustJSON(t, api.PublishResponse{Refused: 1, Results: []api.ItemResult{
			{Status: api.ItemRefused, Limit: "patience"}}}), true},
		{"demo parcels", http.MethodGet, "/v1/demo/parcels", 200, jsonHeader, mustJSON(t, api.DemoParcels{Parcels: []api.DemoParcel{{Courier: "yunda-sim", TrackingNumber: "YD1234567890", Factor: ""}, {Courier: "sf-sim", TrackingNumber: "SF1234567890123", Factor: "1234"}}}), false},
		{"a directory with its key log", http.MethodGet, "/v1/couriers", 200, directoryHeader, mustJSON(t, withLog), false},
		{"a directory with a hex proof", http.MethodGet, "/v1/couriers", 200, directoryHeader,
			strings.Replace(mustJSON(t, withLog), `"proof":["`, `"proof":["00`, 1), true},
		{"a checkpoint", http.MethodGet, "/v1/log/checkpoint", 200, textHeader, logged.info.Checkpoint, false},
		{"a checkpoint as JSON", http.MethodGet, "/v1/log/checkpoint", 200, jsonHeader, mustJSON(t, logged.info), true},
		{"no witnessed checkpoint", http.MethodGet, "/v1/log/checkpoint?witnessed=1", 404, problemHeader, problemBody(404), false},
		{"a consistency proof", http.MethodGet, "/v1/log/consistency?old=1&new=2", 200, jsonHeader, mustJSON(t, api.LogProof{Proof: logged.courier.Keys[0].Proof}), false},
		{"an empty proof", http.MethodGet, "/v1/log/consistency?old=0&new=2", 200, jsonHeader, `{"proof":[]}`, false},
		{"a proof of short hashes", http.MethodGet, "/v1/log/inclusion?index=0&size=2", 200, jsonHeader, `{"proof":["AAAA"]}`, true},
		{"entries", http.MethodGet, "/v1/log/entries?start=0&end=1", 200, jsonHeader,
			mustJSON(t, api.LogEntries{Entries: []crypto.B64{[]byte(logged.courier.SigningKeys[0].Statement)}}), false},
		{"a cosignature kept", http.MethodPost, "/v1/log/cosignatures", 204, http.Header{}, "", false},
		{"a cosignature refused", http.MethodPost, "/v1/log/cosignatures", 422, problemHeader, problemBody(422), false},
		{"host keys", http.MethodGet, "/tg1/keys", 200, hostHeader, hostKeys, false},
		{"host keys without statements", http.MethodGet, "/tg1/keys", 200, hostHeader, mustJSON(t, map[string]any{"keys": directory.Couriers[0].Keys}), true},
		{"host keys without the answer signature", http.MethodGet, "/tg1/keys", 200, jsonHeader, hostKeys, true},
		{"host evaluation", http.MethodPost, "/tg1/evaluate", 200, hostHeader, mustJSON(t, api.HostEvaluateResponse{Evaluated: b64s(f.evaluated), Proof: f.proof}), false},
		{"host evaluation without a proof", http.MethodPost, "/tg1/evaluate", 200, hostHeader, mustJSON(t, api.HostEvaluateResponse{Evaluated: b64s(f.evaluated)}), true},
		{"health", http.MethodGet, "/healthz", 200, jsonHeader, `{"status":"ok"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			err := v.ValidateResponse(req, tt.status, tt.header, []byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Errorf("ValidateResponse = %v, want error: %v", err, tt.wantErr)
			}
		})
	}
}

func TestValidateResponseRefusesAnUndocumentedRoute(t *testing.T) {
	v, err := NewValidator(mustLoad(t))
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/v1/nothing", nil)
	if err := v.ValidateResponse(req, 200, http.Header{}, nil); err == nil {
		t.Error("ValidateResponse accepted a response to an undocumented route")
	}
}
