package larkpost

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
)

// The fake Lark Post's fixture: a parcel whose notes carry the personal
// data that real carriers' remarks do.
const (
	fakeNumber = "LP2026060100017"
	fakePhone  = "8000"
	fakeKey    = "test-api-key"
	retryAfter = 90 * time.Second
	slowAnswer = 2 * time.Second // the harness's timeout is far shorter
)

var fakePII = []string{"王小明", "13912345678", "wang@example.com"}

const foundJSON = `{"number":"LP2026060100017","scans":[
 {"at":"2026-06-02 10:15:00","zone":"+08:00","state":"delivered","note":"已签收，签收人：王小明","city":"杭州市","country":"CN"},
 {"at":"2026-06-02 08:02:00","zone":"+08:00","state":"out","note":"派件员正在派送，电话13912345678","city":"杭州市","country":"CN"},
 {"at":"2026-06-01 22:40:00","zone":"+08:00","state":"transit","note":"Departed Shanghai hub","city":"Shanghai","country":"CN"},
 {"at":"2026-06-01 09:30:00","zone":"+00:00","state":"created","note":"Label created by wang@example.com"}
]}`

// startFake serves Lark Post's API as scenario s and returns an adapter
// that calls it.
func startFake(t *testing.T, s adaptertest.Scenario) *Source {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case s == adaptertest.BadCredentials || r.Header.Get("X-Api-Key") != fakeKey:
			http.Error(w, `{"error":"invalid api key"}`, http.StatusUnauthorized)
		case s == adaptertest.RateLimited:
			w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter/time.Second)))
			http.Error(w, `{"error":"slow down"}`, http.StatusTooManyRequests)
		case s == adaptertest.ServerError:
			http.Error(w, "upstream failure", http.StatusBadGateway)
		case s == adaptertest.Malformed:
			w.Write([]byte(`<html>maintenance</html>`))
		case s == adaptertest.Slow:
			select {
			case <-time.After(slowAnswer):
			case <-r.Context().Done():
			}
		case s == adaptertest.NotFound || r.URL.Path != "/v1/parcels/"+fakeNumber || r.URL.Query().Get("phone_last4") != fakePhone:
			http.Error(w, `{"error":"no such parcel"}`, http.StatusNotFound)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(foundJSON))
		}
	}))
	t.Cleanup(srv.Close)
	src, err := New(Config{
		APIKey: fakeKey, BaseURL: srv.URL,
		Client: &carrierhttp.Client{Timeout: 200 * time.Millisecond, Attempts: 2, Backoff: time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return src
}
