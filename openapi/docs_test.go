package openapi

import (
	"bytes"
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDocsPageRendersTheWholeDocument(t *testing.T) {
	doc := mustLoad(t)
	rec := httptest.NewRecorder()
	DocsHandler(doc).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/docs", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	h := rec.Header()
	if got := h.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	if got := h.Get("Content-Security-Policy"); got != docsCSP {
		t.Errorf("Content-Security-Policy %q, want %q", got, docsCSP)
	}
	page := rec.Body.String()
	var want []string
	for path, item := range doc.Paths.Map() {
		want = append(want, "<code>"+path+"</code>")
		for _, op := range item.Operations() {
			want = append(want, template.HTMLEscapeString(op.Summary))
		}
	}
	for name := range doc.Components.Schemas {
		want = append(want, `id="schema-`+name+`"`)
	}
	want = append(want,
		"<h1>"+template.HTMLEscapeString(doc.Info.Title)+"</h1>",
		// A field table row, a parameter constraint and a response header.
		"<code>bucket_bits</code>",
		"pattern ^(0|[1-9a-f][0-9a-f]{0,7})$",
		"Header <code>Retry-After</code>",
		// Nested inline objects are flattened into their parent's table.
		"<code>eta.from</code>", "<code>handoffs[].tracking_number</code>",
		// SealedRecord's description points readers at the plaintext.
		`<a href="#schema-TrackingView">TrackingView</a>`,
	)
	for _, s := range want {
		if !strings.Contains(page, s) {
			t.Errorf("the page lacks %q", s)
		}
	}
	for _, external := range []string{"<script", "src=", `href="http`, "@import", "url("} {
		if strings.Contains(page, external) {
			t.Errorf("the page must be self-contained but has %q", external)
		}
	}
}

func TestDocsPageFollowsTheDocumentOrder(t *testing.T) {
	rec := httptest.NewRecorder()
	DocsHandler(mustLoad(t)).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/docs", nil))
	page := rec.Body.String()
	first, last := strings.Index(page, `id="gateway-getDirectory"`), strings.Index(page, `id="gateway-getDocs"`)
	if first < 0 || last < 0 || first > last {
		t.Errorf("getDirectory (at %d) should come before getDocs (at %d), as in tg1.yaml", first, last)
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

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name, in string
		want     template.HTML
	}{
		{"paragraphs", "one\ntwo\n\nthree", "<p>one two</p>\n<p>three</p>\n"},
		{"escapes HTML", `<script>alert("x")</script> & more`, "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more</p>\n"},
		{"code spans", "use `If-None-Match` <b>", "<p>use <code>If-None-Match</code> &lt;b&gt;</p>\n"},
		{"nothing marked up inside code", "`**x** <y>`", "<p><code>**x** &lt;y&gt;</code></p>\n"},
		{"strong and emphasis", "a **bold** and *light* word", "<p>a <strong>bold</strong> and <em>light</em> word</p>\n"},
		{"lists with continuation lines", "* one\n  more\n* two", "<ul><li>one more</li><li>two</li></ul>\n"},
		{"indented code blocks", "    a ‖ <b>\n    c", "<pre><code>a ‖ &lt;b&gt;\nc</code></pre>\n"},
		{"links to anchors of the page", "see [Key](#schema-Key)", `<p>see <a href="#schema-Key">Key</a></p>` + "\n"},
		{"no links elsewhere", `[x](https://example.com) [y](#a"onclick)`, "<p>[x](https://example.com) [y](#a&#34;onclick)</p>\n"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderMarkdown(tt.in); got != tt.want {
				t.Errorf("renderMarkdown(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}
