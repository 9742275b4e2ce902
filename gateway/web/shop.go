package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"

	"github.com/trackgate/trackgate/gateway/secheaders"
	"github.com/trackgate/trackgate/gateway/static"
)

// Shop is a marketplace's order page on its own origin, embedding the
// widget from the gateway with the marketplace's publishable key: what a
// marketplace builds, served by `trackgate serve --shop` so that the
// cross-origin path (CORS, the tenant's key and quota, the widget under
// the shop's own Content-Security-Policy) can be seen and tested.
type Shop struct {
	// GatewayURL is the gateway's origin, e.g. http://127.0.0.1:8080.
	GatewayURL string
	// APIKey is the shop's publishable key; empty calls the gateway
	// under the per-client limit.
	APIKey string
	Orders []ShopOrder
}

// ShopOrder is one order on the page and the parcel it was shipped in.
type ShopOrder struct {
	ID, Item       string
	Courier        string // the courier id the shop shipped with
	CourierName    string
	TrackingNumber string
}

var shopTemplate = template.Must(template.ParseFS(files, "shop/index.html.tmpl"))

// Handler serves the order page at / and its stylesheet at /shop.css.
func (s Shop) Handler() (http.Handler, error) {
	gw, err := url.Parse(s.GatewayURL)
	if err != nil || (gw.Scheme != "http" && gw.Scheme != "https") || gw.Host == "" || gw.Path != "" {
		return nil, fmt.Errorf("web: shop: gateway URL %q must be an origin such as http://127.0.0.1:8080", s.GatewayURL)
	}
	var page bytes.Buffer
	if err := shopTemplate.Execute(&page, s); err != nil {
		return nil, fmt.Errorf("web: render the shop page: %w", err)
	}
	css, err := fs.ReadFile(files, "shop/shop.css")
	if err != nil {
		return nil, fmt.Errorf("web: embedded shop stylesheet: %w", err)
	}
	styles, err := static.NewFile("shop.css", css)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	set := static.Set{"shop.css": styles}
	// The shop's own policy lets the gateway's widget script run and
	// talk to the gateway, and nothing else from anywhere.
	policy := secheaders.Strict.
		With("script-src", s.GatewayURL).
		With("connect-src", s.GatewayURL)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		secheaders.Set(w.Header(), policy)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page.Bytes())
	})
	mux.HandleFunc("GET /shop.css", func(w http.ResponseWriter, r *http.Request) {
		set.Serve(w, r, "shop.css", pageCaching)
	})
	return mux, nil
}
