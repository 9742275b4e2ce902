package gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

func TestDirectoryListsCouriersWithTheirKeysAndETag(t *testing.T) {
	h := newHarness(t)
	status, header, body := h.do(http.MethodGet, "/v1/couriers", nil, nil)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	sum := sha256.Sum256(body)
	if want := `"` + crypto.EncodeB64(sum[:]) + `"`; header.Get("ETag") != want {
		t.Fatalf("ETag %q, want %q (b64 SHA-256 of the body)", header.Get("ETag"), want)
	}
	var dir api.Directory
	if err := json.Unmarshal(body, &dir); err != nil {
		t.Fatal(err)
	}
	if dir.Protocol != "tg1" || dir.Suite != "ristretto255-SHA512" || dir.BucketBits != testBucketBits || len(dir.Couriers) != 3 {
		t.Fatalf("directory %+v", dir)
	}
	if !bytes.Contains(body, []byte(`"record_size":6144`)) || dir.RecordSize != crypto.DefaultRecordSize {
		t.Errorf("directory %s lacks the default record_size 6144", body)
	}
	for _, c := range dir.Couriers {
		if len(c.Keys) != 1 || c.Keys[0].KeyID != h.kid(c.ID) || crypto.KeyID(c.Keys[0].PublicKey) != c.Keys[0].KeyID {
			t.Fatalf("%s: keys %+v", c.ID, c.Keys)
		}
	}
}

func TestDirectoryAnswers304ToAMatchingIfNoneMatch(t *testing.T) {
	h := newHarness(t)
	_, header, _ := h.do(http.MethodGet, "/v1/couriers", nil, nil)
	etag := header.Get("ETag")
	for _, inm := range []string{etag, `"other", ` + etag, "W/" + etag, "*"} {
		status, _, body := h.do(http.MethodGet, "/v1/couriers", nil, http.Header{"If-None-Match": {inm}})
		if status != http.StatusNotModified || len(body) != 0 {
			t.Fatalf("If-None-Match %s: status %d, body %d bytes", inm, status, len(body))
		}
	}
	if status, _, _ := h.do(http.MethodGet, "/v1/couriers", nil, http.Header{"If-None-Match": {`"stale"`}}); status != http.StatusOK {
		t.Fatalf("stale ETag: status %d, want 200", status)
	}
}

func TestReadinessAndDemoRoutes(t *testing.T) {
	h := newHarness(t)
	if status, _, _ := h.do(http.MethodGet, "/readyz", nil, nil); status != http.StatusOK {
		t.Fatalf("readyz: %d", status)
	}
	if status, _, _ := h.do(http.MethodGet, "/healthz", nil, nil); status != http.StatusOK {
		t.Fatalf("healthz: %d", status)
	}
	status, header, body := h.do(http.MethodGet, "/v1/demo/parcels", nil, nil)
	if status != http.StatusNotFound {
		t.Fatalf("demo without simulators: %d", status)
	}
	assertProblem(t, header, body, status)

	demo := newHarness(t, func(c *Config) {
		c.Demo = func() []api.DemoParcel { return []api.DemoParcel{{Courier: "alpha", TrackingNumber: "ABC123456"}} }
	})
	status, _, body = demo.do(http.MethodGet, "/v1/demo/parcels", nil, nil)
	if status != http.StatusOK || string(body) != `{"parcels":[{"courier":"alpha","tracking_number":"ABC123456","factor":""}]}` {
		t.Fatalf("demo: %d %s", status, body)
	}
}

func TestUnknownRoutesAndMethodsAnswerProblems(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/v2/couriers", http.StatusNotFound},
		{http.MethodDelete, "/v1/couriers", http.StatusMethodNotAllowed},
	} {
		status, header, body := h.do(c.method, c.path, nil, nil)
		if status != c.status {
			t.Fatalf("%s %s: %d, want %d", c.method, c.path, status, c.status)
		}
		assertProblem(t, header, body, status)
	}
}
