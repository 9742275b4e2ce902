package gateway

import (
	"slices"
	"testing"

	"github.com/trackgate/trackgate/openapi"
)

// TestServedRoutesEqualTheOpenAPIDocument fails when the gateway serves a
// route the document lacks, or the document lists one the gateway does
// not serve.
func TestServedRoutesEqualTheOpenAPIDocument(t *testing.T) {
	h := newHarness(t)
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	var documented, served []string
	for _, r := range openapi.Operations(doc, "gateway") {
		documented = append(documented, r.Method+" "+r.Path)
	}
	for _, r := range h.gw.engine.Routes() {
		served = append(served, r.Method+" "+r.Path)
	}
	slices.Sort(documented)
	slices.Sort(served)
	for _, r := range served {
		if !slices.Contains(documented, r) {
			t.Errorf("served but not documented: %s", r)
		}
	}
	for _, r := range documented {
		if !slices.Contains(served, r) {
			t.Errorf("documented but not served: %s", r)
		}
	}
}
