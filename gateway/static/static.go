// Package static serves files embedded in the binary: the widget's
// bundles, the tracking page's files and the API reference's viewer. Each
// file is read, hashed and compressed once; answers carry a weak ETag
// (the plain and the gzip body share it) for cheap revalidation, a public
// cache lifetime, nosniff, and gzip when the client accepts it.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/trackgate/trackgate/gateway/problem"
)

// Types are the Content-Types of the kinds of files served, by extension;
// a file of another kind is a build mistake Load reports.
var Types = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
	".txt": "text/plain; charset=utf-8",
}

// File is one embedded file.
type File struct {
	Name        string
	ContentType string
	Body        []byte
	Gzipped     []byte // Body compressed, when that makes it smaller
	ETag        string // W/"…": weak, since the plain and the gzip body share it
	// Integrity is the Subresource Integrity value of Body (sha384-…),
	// for a page that pins a version of a script.
	Integrity string
}

// NewFile hashes and compresses body; the name's extension must be one of
// Types.
func NewFile(name string, body []byte) (*File, error) {
	contentType, known := Types[path.Ext(name)]
	if !known {
		return nil, fmt.Errorf("%s: not a kind of file served (want one of .js, .css, .svg, .txt)", name)
	}
	sum := sha256.Sum256(body)
	sri := sha512.Sum384(body)
	f := &File{
		Name:        name,
		ContentType: contentType,
		Body:        body,
		ETag:        `W/"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`,
		Integrity:   "sha384-" + base64.StdEncoding.EncodeToString(sri[:]),
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // the level is valid
	_, _ = zw.Write(body)                                   // a bytes.Buffer does not fail
	_ = zw.Close()
	if gz.Len() < len(body) {
		f.Gzipped = gz.Bytes()
	}
	return f, nil
}

// Set is files by name.
type Set map[string]*File

// Load reads the named files of dir in fsys, or every file directly in
// dir when no name is given.
func Load(fsys fs.FS, dir string, names ...string) (Set, error) {
	if len(names) == 0 {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", dir, err)
		}
		for _, e := range entries {
			if e.IsDir() {
				return nil, fmt.Errorf("%s/%s: a directory among the files", dir, e.Name())
			}
			names = append(names, e.Name())
		}
	}
	set := Set{}
	for _, name := range names {
		body, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read %s/%s: %w", dir, name, err)
		}
		f, err := NewFile(name, body)
		if err != nil {
			return nil, fmt.Errorf("%s/%w", dir, err)
		}
		set[name] = f
	}
	return set, nil
}

// Policy says how caches and other origins may use the files of a route.
type Policy struct {
	MaxAge time.Duration // how long any cache may keep a file before revalidating
	// CrossOrigin lets every origin load the files (module scripts are
	// fetched in CORS mode); otherwise only the gateway's own pages may.
	CrossOrigin bool
}

// Serve answers a GET of the file name: 304 when If-None-Match names its
// ETag, else the file, gzipped when the client accepts it; a 404 problem
// when there is no such file.
func (s Set) Serve(w http.ResponseWriter, r *http.Request, name string, p Policy) {
	f, ok := s[name]
	if !ok {
		problem.Write(w, http.StatusNotFound, "There is no such file.")
		return
	}
	h := w.Header()
	h.Set("ETag", f.ETag)
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(p.MaxAge.Seconds())))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept-Encoding")
	if p.CrossOrigin {
		// The files hold no secret and are the same for everyone.
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	} else {
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
	}
	if matchesETag(r.Header.Get("If-None-Match"), f.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", f.ContentType)
	body := f.Body
	if f.Gzipped != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = f.Gzipped
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
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
