package declarative

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
)

// The description of Lark Post that docs/adapters.md teaches with, and
// the fake Lark Post of adapters/example/larkpost, which it passes as the
// Go example does.

const larkPostFile = "testdata/lark-post.yaml"

func TestDocsShowTheLarkPostDescriptionVerbatim(t *testing.T) {
	doc, err := os.ReadFile("../../docs/adapters.md")
	if err != nil {
		t.Fatal(err)
	}
	desc, err := os.ReadFile(larkPostFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "```yaml\n"+string(desc)+"```\n") {
		t.Errorf("docs/adapters.md does not show %s as it is; copy the file into its code block", larkPostFile)
	}
}

const (
	larkNumber = "LP2026060100017"
	larkPhone  = "8000"
	larkKey    = "test-api-key"
)

var larkPII = []string{"王小明", "13912345678", "wang@example.com"}

const larkFound = `{"number":"LP2026060100017","scans":[
 {"at":"2026-06-02 10:15:00","zone":"+08:00","state":"delivered","note":"已签收，签收人：王小明","city":"杭州市","country":"CN"},
 {"at":"2026-06-02 08:02:00","zone":"+08:00","state":"out","note":"派件员正在派送，电话13912345678","city":"杭州市","country":"CN"},
 {"at":"2026-06-01 22:40:00","zone":"+08:00","state":"transit","note":"Departed Shanghai hub","city":"Shanghai","country":"CN"},
 {"at":"2026-06-01 09:30:00","zone":"+00:00","state":"created","note":"Label created by wang@example.com"}
]}`

// startLarkPost serves Lark Post's API as scenario s and opens the
// description against it.
func startLarkPost(t *testing.T, s adaptertest.Scenario) adapters.Source {
	t.Helper()
	const retryAfter = 90 * time.Second
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case s == adaptertest.BadCredentials || r.Header.Get("X-Api-Key") != larkKey:
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
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		case s == adaptertest.NotFound || r.URL.Path != "/v1/parcels/"+larkNumber || r.URL.Query().Get("phone_last4") != larkPhone:
			http.Error(w, `{"error":"no such parcel"}`, http.StatusNotFound)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(larkFound))
		}
	}))
	t.Cleanup(srv.Close)
	d, err := LoadFile(larkPostFile)
	if err != nil {
		t.Fatal(err)
	}
	src, err := New(d, Config{Options: map[string]string{"api_key": larkKey}, BaseURL: srv.URL,
		Client: &carrierhttp.Client{Timeout: 200 * time.Millisecond, Attempts: 2, Backoff: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestLarkPostDescriptionConformance(t *testing.T) {
	adaptertest.Run(t, adaptertest.Harness{
		Courier:    "lark-post",
		Ref:        adapters.ParcelRef{TrackingNumber: "LP 2026 0601 00017", Factors: []string{larkPhone}},
		Open:       startLarkPost,
		PII:        larkPII,
		RetryAfter: 90 * time.Second,
		EventTimes: []string{"2026-06-01T09:30:00Z", "2026-06-01T22:40:00+08:00",
			"2026-06-02T08:02:00+08:00", "2026-06-02T10:15:00+08:00"},
		Status: adapters.StatusDelivered,
	})
}
