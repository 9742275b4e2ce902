package openapi

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
	"testing/fstest"
)

func TestAssetsAreCachedAndCompressed(t *testing.T) {
	engine, v := newDocsEngine(t)
	for name, a := range viewerAssets() {
		t.Run(name, func(t *testing.T) {
			plain := get(t, engine, v, "/docs/assets/"+name, nil)
			gz := get(t, engine, v, "/docs/assets/"+name, http.Header{"Accept-Encoding": {"br;q=1, gzip;q=0.8"}})
			for _, rec := range []*httptest.ResponseRecorder{plain, gz} {
				h := rec.Header()
				if h.Get("ETag") != a.etag || h.Get("Cache-Control") != "public, max-age=3600" ||
					h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Vary") != "Accept-Encoding" {
					t.Errorf("headers %v, want the ETag %s, an hour's public caching, nosniff and Vary", h, a.etag)
				}
			}
			if plain.Header().Get("Content-Encoding") != "" || !bytes.Equal(plain.Body.Bytes(), a.body) {
				t.Error("without Accept-Encoding the file must come as it is")
			}
			if a.gzipped == nil {
				return
			}
			if gz.Header().Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, gz.Body.Bytes()), a.body) {
				t.Error("with Accept-Encoding: gzip the file must come gzipped")
			}
		})
	}
	bundle := viewerAssets()["swagger-ui-bundle.js"]
	if bundle == nil || bundle.gzipped == nil || len(bundle.gzipped) > len(bundle.body)/2 {
		t.Error("Swagger UI's bundle should be served gzipped to less than half its size")
	}
}

func TestEveryFileOfTheViewerBuildIsServed(t *testing.T) {
	assets := viewerAssets()
	for _, name := range []string{"swagger-ui-bundle.js", "swagger-ui.css", "viewer.js", "docs.css",
		"swagger-ui-LICENSE.txt", "swagger-ui-NOTICE.txt", "swagger-ui-bundle.js.LICENSE.txt"} {
		a := assets[name]
		if a == nil || len(a.body) == 0 || a.contentType != assetTypes[path.Ext(name)] {
			t.Errorf("viewer/dist/%s: %+v, want it served with its type", name, a)
		}
	}
}

func TestMatchesETag(t *testing.T) {
	const etag = `W/"abc"`
	tests := []struct {
		ifNoneMatch string
		want        bool
	}{
		{`W/"abc"`, true},
		{`"abc"`, true}, // weak comparison
		{`"x", W/"abc"`, true},
		{`*`, true},
		{`"abcd"`, false},
		{``, false},
	}
	for _, tt := range tests {
		if got := matchesETag(tt.ifNoneMatch, etag); got != tt.want {
			t.Errorf("matchesETag(%q) = %v, want %v", tt.ifNoneMatch, got, tt.want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		acceptEncoding string
		want           bool
	}{
		{"gzip", true},
		{"gzip, deflate, br, zstd", true},
		{"br;q=1.0, GZIP;q=0.5", true},
		{"*", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"br", false},
		{"", false},
		{"identity", false},
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.acceptEncoding); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.acceptEncoding, got, tt.want)
		}
	}
}

func TestLoadAssetsRefusesFilesOfUnknownKinds(t *testing.T) {
	files := fstest.MapFS{"viewer.js": {Data: []byte("ok")}, "logo.png": {Data: []byte("?")}}
	if _, err := loadAssets(files); err == nil || !strings.Contains(err.Error(), "logo.png") {
		t.Errorf("loadAssets = %v, want an error naming logo.png", err)
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
