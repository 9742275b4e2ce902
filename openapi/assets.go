package openapi

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/trackgate/trackgate/gateway/problem"
)

// viewerDist is openapi/viewer/dist: Swagger UI and our files around it,
// built by openapi/viewer/build.mjs and committed.
//
//go:embed viewer/dist
var viewerDist embed.FS

// assetTypes are the Content-Types of the files in viewerDist, by
// extension; a file of another kind is a build mistake the tests catch.
var assetTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".txt": "text/plain; charset=utf-8",
}

// asset is one file served at /docs/assets/{name}.
type asset struct {
	contentType string
	etag        string // weak: the plain and the gzip body share it
	body        []byte
	gzipped     []byte // body compressed, when that makes it smaller
}

// assetSet serves the files of viewerDist by name.
type assetSet map[string]*asset

// viewerAssets reads, hashes and compresses viewerDist once per process.
// It panics when viewerDist holds a file of an unknown kind, which the
// tests would catch first.
var viewerAssets = sync.OnceValue(func() assetSet {
	files, err := fs.Sub(viewerDist, "viewer/dist")
	if err != nil {
		panic(fmt.Sprintf("openapi: viewer/dist: %v", err))
	}
	set, err := loadAssets(files)
	if err != nil {
		panic(fmt.Sprintf("openapi: %v", err))
	}
	return set
})

// loadAssets builds the asset set of the files at the top of files.
func loadAssets(files fs.FS) (assetSet, error) {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, fmt.Errorf("list the viewer's files: %w", err)
	}
	set := assetSet{}
	for _, e := range entries {
		name := e.Name()
		contentType, known := assetTypes[path.Ext(name)]
		if !known || e.IsDir() {
			return nil, fmt.Errorf("viewer/dist/%s: not a kind of file the docs pages serve", name)
		}
		body, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, fmt.Errorf("read viewer/dist/%s: %w", name, err)
		}
		sum := sha256.Sum256(body)
		a := &asset{contentType: contentType, body: body,
			etag: `W/"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // the level is valid
		_, _ = zw.Write(body)                                   // a bytes.Buffer does not fail
		_ = zw.Close()
		if gz.Len() < len(body) {
			a.gzipped = gz.Bytes()
		}
		set[name] = a
	}
	return set, nil
}

// serve answers GET /docs/assets/{name}: the file, cacheable for an hour
// and revalidated by its ETag, gzip-compressed when the client accepts it.
func (s assetSet) serve(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := s[name]
	if !ok {
		problem.Write(w, http.StatusNotFound, "The reference pages have no such file.")
		return
	}
	h := w.Header()
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept-Encoding")
	if matchesETag(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", a.contentType)
	body := a.body
	if a.gzipped != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = a.gzipped
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	_, _ = w.Write(body)
}

// matchesETag reports whether an If-None-Match header names etag, by the
// weak comparison RFC 9110 §13.1.2 prescribes for it.
func matchesETag(ifNoneMatch, etag string) bool {
	if strings.TrimSpace(ifNoneMatch) == "*" {
		return true
	}
	opaque := strings.TrimPrefix(etag, "W/")
	for _, tag := range strings.Split(ifNoneMatch, ",") {
		if strings.TrimPrefix(strings.TrimSpace(tag), "W/") == opaque {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip: it
// names gzip (or *) without q=0.
func acceptsGzip(acceptEncoding string) bool {
	for _, part := range strings.Split(acceptEncoding, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q, hasQ := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		return !hasQ || strings.Trim(q, "0.") != ""
	}
	return false
}
