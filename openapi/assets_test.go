package openapi

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"testing"

	"github.com/trackgate/trackgate/gateway/static"
)

func TestAssetsAreCachedAndCompressed(t *testing.T) {
	engine, v := newDocsEngine(t)
	for name, a := range viewerAssets() {
		t.Run(name, func(t *testing.T) {
			plain := get(t, engine, v, "/docs/assets/"+name, nil)
			gz := get(t, engine, v, "/docs/assets/"+name, http.Header{"Accept-Encoding": {"br;q=1, gzip;q=0.8"}})
			for _, rec := range []*httptest.ResponseRecorder{plain, gz} {
				h := rec.Header()
				if h.Get("ETag") != a.ETag || h.Get("Cache-Control") != "public, max-age=3600" ||
					h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Vary") != "Accept-Encoding" {
					t.Errorf("headers %v, want the ETag %s, an hour's public caching, nosniff and Vary", h, a.ETag)
				}
			}
			if plain.Header().Get("Content-Encoding") != "" || !bytes.Equal(plain.Body.Bytes(), a.Body) {
				t.Error("without Accept-Encoding the file must come as it is")
			}
			if a.Gzipped == nil {
				return
			}
			if gz.Header().Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, gz.Body.Bytes()), a.Body) {
				t.Error("with Accept-Encoding: gzip the file must come gzipped")
			}
		})
	}
	bundle := viewerAssets()["swagger-ui-bundle.js"]
	if bundle == nil || bundle.Gzipped == nil || len(bundle.Gzipped) > len(bundle.Body)/2 {
		t.Error("Swagger UI's bundle should be served gzipped to less than half its size")
	}
}

func TestEveryFileOfTheViewerBuildIsServed(t *testing.T) {
	assets := viewerAssets()
	for _, name := range []string{"swagger-ui-bundle.js", "swagger-ui.css", "viewer.js", "docs.css",
		"swagger-ui-LICENSE.txt", "swagger-ui-NOTICE.txt", "swagger-ui-bundle.js.LICENSE.txt"} {
		a := assets[name]
		if a == nil || len(a.Body) == 0 || a.ContentType != static.Types[path.Ext(name)] {
			t.Errorf("viewer/dist/%s: %+v, want it served with its type", name, a)
		}
	}
}

func gunzip(t testing.TB, body []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return plain
}
