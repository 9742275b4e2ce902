package openapi

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"golang.org/x/net/html"

	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/secheaders"
)

// newDocsEngine routes the documentation as the gateway does: every
// request checked against the document, then DocsHandler on its three
// paths and YAMLHandler on /openapi.yaml.
func newDocsEngine(t testing.TB) (*gin.Engine, *Validator) {
	t.Helper()
	doc := mustLoad(t)
	v, err := NewValidator(doc)
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	engine := gin.New()
	engine.RedirectTrailingSlash = false
	checked := v.Middleware()
	docs := gin.WrapH(DocsHandler(doc))
	engine.GET("/docs", checked, docs)
	engine.GET("/docs/:page", checked, docs)
	engine.GET("/docs/assets/:asset", checked, docs)
	engine.GET("/openapi.yaml", checked, gin.WrapH(YAMLHandler()))
	return engine, v
}

// get serves a GET through engine, and fails the test when the answer is
// not one the document lists for the operation, with its headers and body.
func get(t *testing.T, engine http.Handler, v *Validator, target string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	engine.ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	if rec.Header().Get("Content-Encoding") == "gzip" {
		body = gunzip(t, body)
	}
	if err := v.ValidateResponse(req, rec.Code, rec.Header(), body); err != nil {
		t.Errorf("GET %s: the answer is not the documented one: %v", target, err)
	}
	return rec
}

func TestDocsAnswersAreTheDocumentedOnes(t *testing.T) {
	engine, v := newDocsEngine(t)
	css := viewerAssets()["docs.css"]
	tests := []struct {
		target      string
		header      http.Header
		status      int
		contentType string
	}{
		{"/docs", nil, http.StatusOK, "text/html; charset=utf-8"},
		{"/docs/protocol", nil, http.StatusOK, "text/html; charset=utf-8"},
		{"/docs/threat-model", nil, http.StatusOK, "text/html; charset=utf-8"},
		{"/docs/adapters", nil, http.StatusNotFound, problem.ContentType},
		{"/docs/Protocol", nil, http.StatusBadRequest, problem.ContentType},
		{"/docs/assets/viewer.js", nil, http.StatusOK, "text/javascript; charset=utf-8"},
		{"/docs/assets/docs.css", nil, http.StatusOK, "text/css; charset=utf-8"},
		{"/docs/assets/swagger-ui-NOTICE.txt", nil, http.StatusOK, "text/plain; charset=utf-8"},
		{"/docs/assets/docs.css", http.Header{"If-None-Match": {css.ETag}}, http.StatusNotModified, ""},
		{"/docs/assets/docs.css", http.Header{"If-None-Match": {`W/"older", ` + css.ETag}}, http.StatusNotModified, ""},
		{"/docs/assets/docs.css", http.Header{"If-None-Match": {`W/"older"`}}, http.StatusOK, "text/css; charset=utf-8"},
		{"/docs/assets/secret.js", nil, http.StatusNotFound, problem.ContentType},
		{"/docs/assets/viewer.js%21", nil, http.StatusBadRequest, problem.ContentType},
		{"/docs/assets/.hidden", nil, http.StatusBadRequest, problem.ContentType},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := get(t, engine, v, tt.target, tt.header)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
		})
	}
}

func TestDocsPagesCarryTheSecurityHeaders(t *testing.T) {
	engine, v := newDocsEngine(t)
	want := http.Header{}
	secheaders.Set(want, secheaders.Strict)
	for _, target := range []string{"/docs", "/docs/protocol", "/docs/threat-model"} {
		t.Run(target, func(t *testing.T) {
			rec := get(t, engine, v, target, nil)
			for name := range want {
				if got := rec.Header().Get(name); got != want.Get(name) {
					t.Errorf("%s: %q, want %q", name, got, want.Get(name))
				}
			}
		})
	}
}

// TestReferencePageLoadsOnlyEmbeddedAssets reads the /docs page as a
// browser would: every script and style sheet it loads must be a file of
// the gateway that is served with its type, and nothing may be inline,
// since the page's policy would block it.
func TestReferencePageLoadsOnlyEmbeddedAssets(t *testing.T) {
	engine, v := newDocsEngine(t)
	page := get(t, engine, v, "/docs", nil).Body.String()
	loads, links := pageReferences(t, page)
	wantTypes := map[string]string{"script": "text/javascript; charset=utf-8", "stylesheet": "text/css; charset=utf-8"}
	kinds := map[string]int{}
	for _, ref := range loads {
		if !strings.HasPrefix(ref.url, "/docs/assets/") {
			t.Errorf("the page loads %s, which is not one of the gateway's assets", ref.url)
			continue
		}
		kinds[ref.kind]++
		rec := get(t, engine, v, ref.url, nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != wantTypes[ref.kind] {
			t.Errorf("%s %s: status %d, Content-Type %q; want 200, %q", ref.kind, ref.url, rec.Code, rec.Header().Get("Content-Type"), wantTypes[ref.kind])
		}
	}
	if kinds["script"] != 2 || kinds["stylesheet"] != 2 {
		t.Errorf("the page loads %v, want Swagger UI and our script, and their two style sheets", kinds)
	}
	for _, link := range links {
		if strings.HasPrefix(link, "https://") {
			continue
		}
		if rec := get(t, engine, v, link, nil); rec.Code != http.StatusOK {
			t.Errorf("the page links to %s, which answers %d", link, rec.Code)
		}
	}
	if len(links) < 5 {
		t.Errorf("the page links to %v, want the other pages, the document and the license texts", links)
	}
	if spec := `data-spec="/openapi.yaml"`; !strings.Contains(page, spec) {
		t.Errorf("the page does not point Swagger UI at the document (%s)", spec)
	}
}

// reference is a file a page loads.
type reference struct{ kind, url string }

// pageReferences lists what an HTML page loads (scripts and style
// sheets) and what it links to, and fails the test on inline code or
// style, which the page's policy would block.
func pageReferences(t *testing.T, page string) (loads []reference, links []string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatalf("parse the page: %v", z.Err())
			}
			return loads, links
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				attrs[a.Key] = a.Val
				if a.Key == "style" || strings.HasPrefix(a.Key, "on") {
					t.Errorf("<%s> has an inline %s attribute", tok.Data, a.Key)
				}
			}
			switch {
			case tok.Data == "script" && attrs["src"] == "":
				t.Error("the page has an inline script")
			case tok.Data == "script":
				loads = append(loads, reference{"script", attrs["src"]})
			case tok.Data == "style":
				t.Error("the page has an inline style sheet")
			case tok.Data == "link" && attrs["rel"] == "stylesheet":
				loads = append(loads, reference{"stylesheet", attrs["href"]})
			case tok.Data == "a":
				links = append(links, attrs["href"])
			}
		}
	}
}

func TestYAMLHandlerServesTheEmbeddedDocument(t *testing.T) {
	rec := httptest.NewRecorder()
	YAMLHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.yaml", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if got := rec.Header().Get("Content-Type"); got != "application/yaml" {
		t.Errorf("Content-Type %q, want application/yaml", got)
	}
	if !bytes.Equal(rec.Body.Bytes(), Document()) {
		t.Error("the body is not the embedded document")
	}
	if !bytes.HasPrefix(Document(), []byte("openapi: 3.0.3\n")) {
		t.Error("the embedded document does not start with its OpenAPI version")
	}
}
