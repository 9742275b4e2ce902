package embedded

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/trackgate/trackgate/gateway/transparency"
)

// TestReportKeyReadsTheReportAndOnlyItsOwn: each start makes a reader key
// of its own, which opens this deployment's report.
func TestReportKeyReadsTheReportAndOnlyItsOwn(t *testing.T) {
	d, err := Build(Config{ParcelsPerCourier: 20})
	if err != nil {
		t.Fatal(err)
	}
	other, err := Build(Config{ParcelsPerCourier: 20})
	if err != nil {
		t.Fatal(err)
	}
	if !transparency.WellFormedReaderKey(d.ReportKey) || d.ReportKey == other.ReportKey {
		t.Fatalf("report keys %q and %q: want two well-formed keys", d.ReportKey, other.ReportKey)
	}
	srv := httptest.NewServer(d.Gateway.Handler())
	defer srv.Close()
	for key, want := range map[string]int{d.ReportKey: http.StatusOK, other.ReportKey: http.StatusUnauthorized} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/transparency?from=2026-12-01&to=2026-12-04", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("report with a key: %d, want %d", resp.StatusCode, want)
		}
	}
}
