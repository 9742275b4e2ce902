package web

import (
	"embed"
	"time"

	"github.com/trackgate/trackgate/gateway/static"
)

//go:embed dist/*.js page shop
var files embed.FS

// widgetNames are the bundles other origins load (/widget/{name}): the
// tg1 client and the <trackgate-tracker> widget, built by build.mjs.
var widgetNames = []string{"tg1.js", "trackgate-tracker.js"}

// pageAssetNames are the tracking page's own files (/assets/{name}).
var pageAssetNames = []string{"page.css", "page.js", "favicon.svg"}

// Caches keep the widget and the page's files for five minutes, then
// revalidate them by ETag: a gateway's upgrade reaches pages soon.
var (
	widgetCaching = static.Policy{MaxAge: 5 * time.Minute, CrossOrigin: true}
	pageCaching   = static.Policy{MaxAge: 5 * time.Minute}
)
