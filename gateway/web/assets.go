package web

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

//go:embed dist/*.js page shop
var files embed.FS

// Asset is one embedded file served as it is.
type Asset struct {
	Name        string // the file's name in its URL, e.g. "trackgate-tracker.js"
	ContentType string
	Body        []byte
	ETag        string // a strong validator: the SHA-256 of Body
	// Integrity is the Subresource Integrity value of Body (sha384-…),
	// for pages that pin a version of a script.
	Integrity string
}

func newAsset(name string, body []byte) *Asset {
	sum := sha256.Sum256(body)
	sri := sha512.Sum384(body)
	ct := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".js":
		ct = "text/javascript; charset=utf-8"
	case ".svg":
		ct = "image/svg+xml"
	}
	return &Asset{
		Name:        name,
		ContentType: ct,
		Body:        body,
		ETag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
		Integrity:   "sha384-" + base64.StdEncoding.EncodeToString(sri[:]),
	}
}

// Widgets are the bundles other origins load (/widget/{name}): the tg1
// client and the <trackgate-tracker> widget.
var widgetNames = []string{"tg1.js", "trackgate-tracker.js"}

// pageAssetNames are the tracking page's own files (/assets/{name}).
var pageAssetNames = []string{"page.css", "page.js", "favicon.svg"}

// loadAssets reads the named files of dir from the embedded files.
func loadAssets(dir string, names []string) (map[string]*Asset, error) {
	out := make(map[string]*Asset, len(names))
	for _, name := range names {
		body, err := fs.ReadFile(files, dir+"/"+name)
		if err != nil {
			return nil, fmt.Errorf("web: embedded %s/%s: %w (run `npm run build` in gateway/web)", dir, name, err)
		}
		out[name] = newAsset(name, body)
	}
	return out, nil
}

// serveAsset answers a GET or HEAD of a: conditional requests get 304,
// everything else the body. Scripts and styles may be cached for a few
// minutes and then revalidated, so a gateway's upgrade reaches pages
// soon; the ETag makes the revalidation cheap.
func serveAsset(w http.ResponseWriter, r *http.Request, a *Asset, crossOrigin bool) {
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("ETag", a.ETag)
	h.Set("Cache-Control", "public, max-age=300, must-revalidate")
	h.Set("X-Content-Type-Options", "nosniff")
	if crossOrigin {
		// Module scripts are fetched in CORS mode: a marketplace's page
		// can load the widget only with this header. The bundle holds no
		// secret and is the same for everyone.
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	} else {
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
	}
	http.ServeContent(w, r, a.Name, time.Time{}, bytes.NewReader(a.Body))
}
