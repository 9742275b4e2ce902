package gateway

import (
	"testing"

	"github.com/trackgate/trackgate/openapi"
)

// TestServedRoutesEqualTheOpenAPIDocument fails when the gateway serves a
// route the document lacks, or the document lists one it does not serve.
func TestServedRoutesEqualTheOpenAPIDocument(t *testing.T) {
	h := newHarness(t)
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	undocumented, unserved := openapi.RouteDiff(doc, "gateway", h.gw.engine.Routes())
	if len(undocumented) > 0 || len(unserved) > 0 {
		t.Fatalf("served but not documented: %v; documented but not served: %v", undocumented, unserved)
	}
}
