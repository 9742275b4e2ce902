package openapi

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/secheaders"
)

// YAMLHandler serves the embedded document at /openapi.yaml as
// application/yaml.
func YAMLHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(document)
	})
}

//go:embed docs.html.tmpl
var pageTemplatesText string

var pageTemplates = template.Must(template.New("docs").Parse(pageTemplatesText))

// DocsHandler serves the gateway's documentation for readers, by the
// request's path:
//
//   - /docs: the API reference, an HTML page on which Swagger UI renders
//     /openapi.yaml (the embedded document, which doc is parsed from), with
//     a try-it console that calls this gateway;
//   - /docs/{page}: the protocol documents of package docs, rendered from
//     Markdown once, here (see docPages);
//   - /docs/assets/{asset}: the scripts and style sheets the pages load
//     (openapi/viewer/dist, embedded).
//
// Route all three paths to it. Each page is rendered once, when the handler
// is built; DocsHandler panics if one cannot be, which only a broken
// template or document can cause (the tests render them all).
func DocsHandler(doc *openapi3.T) http.Handler {
	var reference bytes.Buffer
	view := pageView{Title: doc.Info.Title + " — API reference", Pages: docPages}
	if err := pageTemplates.ExecuteTemplate(&reference, "reference", view); err != nil {
		panic(fmt.Sprintf("openapi: render the API reference page: %v", err))
	}
	pages, err := renderedPages()
	if err != nil {
		panic(fmt.Sprintf("openapi: %v", err))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/docs" {
			writePage(w, reference.Bytes())
			return
		}
		if name, ok := strings.CutPrefix(r.URL.Path, "/docs/assets/"); ok {
			// Loaded on the first request for a file, not for every
			// gateway built.
			viewerAssets().Serve(w, r, name, viewerCaching)
			return
		}
		name, _ := strings.CutPrefix(r.URL.Path, "/docs/")
		page, ok := pages[name]
		if !ok {
			problem.Write(w, http.StatusNotFound, "There is no such document; the API reference at /docs links to every one.")
			return
		}
		writePage(w, page)
	})
}

// writePage answers an HTML page under the strict policy of the gateway's
// pages: the reference page's Swagger UI needs nothing more, since its
// script and style sheet are files of the gateway (no inline code, no
// eval), it sets styles only through the DOM, its icons are data: images,
// and the try-it console calls only this gateway.
func writePage(w http.ResponseWriter, page []byte) {
	h := w.Header()
	secheaders.Set(h, secheaders.Strict)
	h.Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(page)
}
