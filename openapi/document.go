package openapi

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

//go:embed tg1.yaml
var document []byte

// Document returns the raw bytes of tg1.yaml. The caller must not modify
// them.
func Document() []byte { return document }

// Load parses the embedded document and validates it against the OpenAPI 3
// rules (including its examples against their schemas). Each call returns a
// fresh *openapi3.T.
func Load() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	// Origins give the docs page the document's own order of operations.
	loader.IncludeOrigin = true
	doc, err := loader.LoadFromData(document)
	if err != nil {
		return nil, fmt.Errorf("load tg1.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate tg1.yaml: %w", err)
	}
	return doc, nil
}

// Route is one operation of the document: an HTTP method and a path in
// gin's syntax (/v1/buckets/:bucket), as gin's engine.Routes() lists them.
type Route struct {
	Method string
	Path   string
}

// Operations lists the operations tagged tag (every operation when tag is
// ""), sorted by path then method.
func Operations(doc *openapi3.T, tag string) []Route {
	var routes []Route
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if tag == "" || slices.Contains(op.Tags, tag) {
				routes = append(routes, Route{Method: method, Path: ginPath(path)})
			}
		}
	}
	slices.SortFunc(routes, func(a, b Route) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	return routes
}

// ginPath turns an OpenAPI path template (/v1/buckets/{bucket}) into gin's
// syntax (/v1/buckets/:bucket).
func ginPath(template string) string {
	segments := strings.Split(template, "/")
	for i, s := range segments {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segments[i] = ":" + s[1:len(s)-1]
		}
	}
	return strings.Join(segments, "/")
}

// knownMethods are the methods an OpenAPI 3.0 path item can hold, in the
// order an Allow header lists them.
var knownMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodTrace,
}

// RouteDiff compares the routes an engine serves with the operations
// tagged tag: undocumented are served but not in the document, unserved
// the other way round. Both empty means the two agree.
func RouteDiff(doc *openapi3.T, tag string, served gin.RoutesInfo) (undocumented, unserved []string) {
	documented := map[string]bool{}
	for _, r := range Operations(doc, tag) {
		documented[r.Method+" "+r.Path] = true
	}
	servedSet := map[string]bool{}
	for _, r := range served {
		key := r.Method + " " + r.Path
		servedSet[key] = true
		if !documented[key] {
			undocumented = append(undocumented, key)
		}
	}
	for key := range documented {
		if !servedSet[key] {
			unserved = append(unserved, key)
		}
	}
	slices.Sort(undocumented)
	slices.Sort(unserved)
	return undocumented, unserved
}
