package openapi

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
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

// docsCSP allows the page nothing but its own inline styles: no scripts,
// fonts, images or frames, from anywhere.
const docsCSP = "default-src 'none'; style-src 'unsafe-inline'"

//go:embed docs.html.tmpl
var docsTemplateText string

var docsTemplate = template.Must(template.New("docs").Parse(docsTemplateText))

// DocsHandler serves a self-contained HTML reference of doc at /docs,
// rendered once, here, on the server: every operation with its parameters,
// request and response bodies, and every schema as a table of fields. It
// panics if the page cannot be rendered, which only a broken template can
// cause (the tests render it).
func DocsHandler(doc *openapi3.T) http.Handler {
	var page bytes.Buffer
	if err := docsTemplate.Execute(&page, newDocsPage(doc)); err != nil {
		panic(fmt.Sprintf("openapi: render docs page: %v", err))
	}
	body := page.Bytes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", docsCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		_, _ = w.Write(body)
	})
}
