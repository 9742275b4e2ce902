package web

import (
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/gateway/secheaders"
	"github.com/trackgate/trackgate/gateway/static"
)

// Site is the browser side of one gateway: the widget bundles and the
// tracking page.
type Site struct {
	widgets    static.Set
	pageAssets static.Set
	index      []byte
}

// New returns the site of the embedded files; it fails only if a bundle
// is missing from the build. The files are read, hashed and compressed
// once per process: every gateway of the process shares them, read-only.
func New() (*Site, error) { return loadSite() }

var loadSite = sync.OnceValues(func() (*Site, error) {
	widgets, err := static.Load(files, "dist", widgetNames...)
	if err != nil {
		return nil, fmt.Errorf("web: %w (run `npm run build` in gateway/web)", err)
	}
	pageAssets, err := static.Load(files, "page", pageAssetNames...)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	index, err := fs.ReadFile(files, "page/index.html")
	if err != nil {
		return nil, fmt.Errorf("web: embedded tracking page: %w", err)
	}
	return &Site{widgets: widgets, pageAssets: pageAssets, index: index}, nil
})

// Widget returns the bundle served at /widget/{name}, or nil.
func (s *Site) Widget(name string) *static.File { return s.widgets[name] }

// Register adds the site's routes to r, each after the handlers in
// before (the gateway's request validation):
//
//	GET /                the tracking page
//	GET /widget/{file}   tg1.js, trackgate-tracker.js, loadable from any origin
//	GET /assets/{file}   the page's stylesheet, script and icon
func (s *Site) Register(r gin.IRouter, before ...gin.HandlerFunc) {
	r.GET("/", slices.Concat(before, []gin.HandlerFunc{secheaders.HTML(secheaders.Strict), s.handleIndex})...)
	r.GET("/widget/:file", slices.Concat(before, []gin.HandlerFunc{serveFiles(s.widgets, widgetCaching)})...)
	r.GET("/assets/:file", slices.Concat(before, []gin.HandlerFunc{serveFiles(s.pageAssets, pageCaching)})...)
}

func (s *Site) handleIndex(c *gin.Context) {
	c.Data(http.StatusOK, "text/html; charset=utf-8", s.index)
}

func serveFiles(set static.Set, p static.Policy) gin.HandlerFunc {
	return func(c *gin.Context) { set.Serve(c.Writer, c.Request, c.Param("file"), p) }
}
