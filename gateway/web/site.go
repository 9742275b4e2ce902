package web

import (
	"fmt"
	"io/fs"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/secheaders"
)

// Site is the browser side of one gateway: the widget bundles and the
// tracking page.
type Site struct {
	widgets    map[string]*Asset
	pageAssets map[string]*Asset
	index      []byte
}

// New loads the embedded files; it fails only if a bundle is missing from
// the build.
func New() (*Site, error) {
	widgets, err := loadAssets("dist", widgetNames)
	if err != nil {
		return nil, err
	}
	pageAssets, err := loadAssets("page", pageAssetNames)
	if err != nil {
		return nil, err
	}
	index, err := fs.ReadFile(files, "page/index.html")
	if err != nil {
		return nil, fmt.Errorf("web: embedded tracking page: %w", err)
	}
	return &Site{widgets: widgets, pageAssets: pageAssets, index: index}, nil
}

// Widget returns the bundle served at /widget/{name}, or nil.
func (s *Site) Widget(name string) *Asset { return s.widgets[name] }

// Register adds the site's routes to r, each after the handlers in
// before (the gateway's request validation):
//
//	GET /                the tracking page
//	GET /widget/{file}   tg1.js, trackgate-tracker.js, loadable from any origin
//	GET /assets/{file}   the page's stylesheet, script and icon
func (s *Site) Register(r gin.IRouter, before ...gin.HandlerFunc) {
	r.GET("/", slices.Concat(before, []gin.HandlerFunc{secheaders.HTML(secheaders.Strict), s.handleIndex})...)
	r.GET("/widget/:file", slices.Concat(before, []gin.HandlerFunc{s.handleFile(s.widgets, true)})...)
	r.GET("/assets/:file", slices.Concat(before, []gin.HandlerFunc{s.handleFile(s.pageAssets, false)})...)
}

func (s *Site) handleIndex(c *gin.Context) {
	c.Data(http.StatusOK, "text/html; charset=utf-8", s.index)
}

func (s *Site) handleFile(assets map[string]*Asset, crossOrigin bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		a, ok := assets[c.Param("file")]
		if !ok {
			problem.Abort(c, http.StatusNotFound, "There is no such file.")
			return
		}
		serveAsset(c.Writer, c.Request, a, crossOrigin)
	}
}
