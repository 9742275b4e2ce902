package courierhost

import (
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/openapi"
)

// TestServedRoutesEqualTheOpenAPIDocument fails when the host serves a
// route the document lacks, or the document lists one it does not serve.
func TestServedRoutesEqualTheOpenAPIDocument(t *testing.T) {
	f := newHTTPFixture(t, nil)
	engine, ok := f.handler.(*gin.Engine)
	if !ok {
		t.Fatalf("Handler is a %T, not a gin engine", f.handler)
	}
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	undocumented, unserved := openapi.RouteDiff(doc, "courier-host", engine.Routes())
	if len(undocumented) > 0 || len(unserved) > 0 {
		t.Fatalf("served but not documented: %v; documented but not served: %v", undocumented, unserved)
	}
}
