package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestServe(t *testing.T) {
	big := strings.Repeat("console.log('trackgate');\n", 200)
	set, err := Load(fstest.MapFS{
		"files/app.js":   {Data: []byte(big)},
		"files/tiny.css": {Data: []byte("a{}")},
	}, "files")
	if err != nil {
		t.Fatal(err)
	}
	serve := func(name string, p Policy, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/"+name, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		set.Serve(rec, req, name, p)
		return rec
	}
	app := set["app.js"]
	tests := []struct {
		name       string
		file       string
		policy     Policy
		header     []string
		status     int
		encoding   string
		body       []byte
		corsOrigin string
	}{
		{"plain", "app.js", Policy{MaxAge: time.Hour}, nil, 200, "", app.Body, ""},
		{"gzip", "app.js", Policy{MaxAge: time.Hour}, []string{"Accept-Encoding", "br;q=1, gzip;q=0.8"}, 200, "gzip", app.Gzipped, ""},
		{"gzip refused", "app.js", Policy{MaxAge: time.Hour}, []string{"Accept-Encoding", "gzip;q=0"}, 200, "", app.Body, ""},
		{"revalidated", "app.js", Policy{MaxAge: time.Hour}, []string{"If-None-Match", app.ETag}, 304, "", nil, ""},
		{"cross origin", "app.js", Policy{MaxAge: 5 * time.Minute, CrossOrigin: true}, nil, 200, "", app.Body, "*"},
		{"not smaller gzipped", "tiny.css", Policy{}, []string{"Accept-Encoding", "gzip"}, 200, "", []byte("a{}"), ""},
		{"missing", "nope.js", Policy{}, nil, 404, "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(tt.file, tt.policy, tt.header...)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.status == 404 {
				if rec.Header().Get("Content-Type") != "application/problem+json" {
					t.Errorf("404 as %q, want a problem", rec.Header().Get("Content-Type"))
				}
				return
			}
			h := rec.Header()
			if got := h.Get("Content-Encoding"); got != tt.encoding {
				t.Errorf("Content-Encoding %q, want %q", got, tt.encoding)
			}
			if tt.body != nil && !bytes.Equal(rec.Body.Bytes(), tt.body) {
				t.Error("wrong body")
			}
			if tt.status == 304 && rec.Body.Len() != 0 {
				t.Error("a 304 with a body")
			}
			wantCache := "public, max-age=" + map[time.Duration]string{time.Hour: "3600", 5 * time.Minute: "300", 0: "0"}[tt.policy.MaxAge]
			if h.Get("Cache-Control") != wantCache || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Vary") != "Accept-Encoding" {
				t.Errorf("headers %v", h)
			}
			if got := h.Get("Access-Control-Allow-Origin"); got != tt.corsOrigin {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tt.corsOrigin)
			}
		})
	}
	if plain := gunzip(t, app.Gzipped); !bytes.Equal(plain, app.Body) {
		t.Error("the gzipped body is not the file")
	}
	if !strings.HasPrefix(app.Integrity, "sha384-") || !strings.HasPrefix(app.ETag, `W/"`) {
		t.Errorf("Integrity %q, ETag %q", app.Integrity, app.ETag)
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

func TestLoadRefusesFilesOfUnknownKinds(t *testing.T) {
	files := fstest.MapFS{"d/viewer.js": {Data: []byte("ok")}, "d/logo.png": {Data: []byte("?")}}
	if _, err := Load(files, "d"); err == nil || !strings.Contains(err.Error(), "logo.png") {
		t.Errorf("Load = %v, want an error naming logo.png", err)
	}
	if _, err := Load(files, "d", "missing.js"); err == nil {
		t.Error("Load of a missing file succeeded")
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
