package web

import (
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/secheaders"
)

func newEngine(t *testing.T) (*gin.Engine, *Site) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	site, err := New()
	if err != nil {
		t.Fatal(err)
	}
	e := gin.New()
	// As the gateway does: a path no route takes is a problem too.
	e.NoRoute(func(c *gin.Context) { problem.Abort(c, http.StatusNotFound, "There is no such resource.") })
	site.Register(e)
	return e, site
}

func get(e http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func TestTrackingPageHasSecurityHeaders(t *testing.T) {
	e, _ := newEngine(t)
	rec := get(e, "/")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	for name, want := range map[string]string{
		"Content-Security-Policy": secheaders.Strict.String(),
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "no-store",
	} {
		if got := rec.Header().Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// TestPageRefersOnlyToServedFiles: every local script, stylesheet, icon
// and image the page names is served, with the type its tag expects, and
// the page names nothing on another origin and has no inline code (the
// CSP would block it).
func TestPageRefersOnlyToServedFiles(t *testing.T) {
	e, _ := newEngine(t)
	page := get(e, "/").Body.String()
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	wantType := map[string]string{".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
	checked := 0
	for _, m := range refs {
		ref := m[1]
		if strings.Contains(ref, "//") {
			t.Errorf("the page refers to another origin: %s", ref)
			continue
		}
		want, isFile := wantType[path.Ext(ref)]
		if !isFile {
			continue // a link to a page, e.g. /docs
		}
		rec := get(e, ref)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), want) {
			t.Errorf("GET %s = %d %q, want 200 %s", ref, rec.Code, rec.Header().Get("Content-Type"), want)
		}
		checked++
	}
	if checked < 4 {
		t.Errorf("checked %d files the page loads, want the widget, the page's script, stylesheet and icon", checked)
	}
	inline := regexp.MustCompile(`<script[^>]*>\s*[^<\s]|<style|\sstyle=|\son[a-z]+=`)
	if m := inline.FindString(page); m != "" {
		t.Errorf("the page has inline code (%q), which its Content-Security-Policy blocks", m)
	}
}

func TestWidgetBundles(t *testing.T) {
	e, site := newEngine(t)
	for _, name := range []string{"tg1.js", "trackgate-tracker.js"} {
		t.Run(name, func(t *testing.T) {
			rec := get(e, "/widget/"+name)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET = %d", rec.Code)
			}
			a := site.Widget(name)
			if rec.Body.String() != string(a.Body) || len(a.Body) == 0 {
				t.Error("the body is not the embedded bundle")
			}
			for header, want := range map[string]string{
				"Content-Type":                 "text/javascript; charset=utf-8",
				"Cache-Control":                "public, max-age=300",
				"Access-Control-Allow-Origin":  "*",
				"Cross-Origin-Resource-Policy": "cross-origin",
				"ETag":                         a.ETag,
				"X-Content-Type-Options":       "nosniff",
			} {
				if got := rec.Header().Get(header); got != want {
					t.Errorf("%s = %q, want %q", header, got, want)
				}
			}
			if !strings.HasPrefix(a.Integrity, "sha384-") {
				t.Errorf("Integrity %q", a.Integrity)
			}
			if again := get(e, "/widget/"+name, "If-None-Match", a.ETag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
				t.Errorf("revalidation = %d with %d bytes, want 304 and none", again.Code, again.Body.Len())
			}
		})
	}
}

func TestFiles(t *testing.T) {
	e, _ := newEngine(t)
	tests := []struct {
		path       string
		status     int
		corsHeader string
	}{
		{"/assets/page.css", http.StatusOK, ""},
		{"/assets/page.js", http.StatusOK, ""},
		{"/assets/favicon.svg", http.StatusOK, ""},
		{"/assets/index.html", http.StatusNotFound, ""}, // the page is only at /
		{"/assets/trackgate-tracker.js", http.StatusNotFound, ""},
		{"/widget/page.js", http.StatusNotFound, ""},
		{"/widget/..%2fweb.go", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := get(e, tt.path)
			if rec.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, rec.Code, tt.status)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tt.corsHeader {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q: the page's own files are same-origin", got, tt.corsHeader)
			}
			if strings.Contains(rec.Body.String(), "package web") {
				t.Error("served a Go source file")
			}
			if tt.status == http.StatusNotFound && rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("404 as %q, want problem+json", rec.Header().Get("Content-Type"))
			}
		})
	}
}
