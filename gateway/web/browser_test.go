package web_test

// Browser tests: the tracking page and a marketplace's page on another
// origin, in real headless Chromium against a real gateway with its
// simulated couriers (the embedded default) on loopback. Each test saves
// screenshots as test artifacts (make test keeps them).

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/browsertest"
	"github.com/trackgate/trackgate/gateway/embedded"
	"github.com/trackgate/trackgate/gateway/tenant"
	"github.com/trackgate/trackgate/gateway/web"
)

// site is one gateway and the marketplaces' pages around it, shared by the
// browser tests (building the simulated world is the slow part).
type site struct {
	gatewayURL string
	// taoShop and jdShop are tenants' pages on their own origins; jdShop's
	// tenant has a fetch quota too small for one lookup. strangerShop
	// uses the taoShop's key from an origin no tenant lists.
	taoShop, jdShop, strangerShop string
	jdKey                         string
}

var (
	sharedSite     *site
	sharedSiteErr  error
	sharedSiteOnce sync.Once
)

func startSite(t *testing.T) *site {
	t.Helper()
	sharedSiteOnce.Do(func() { sharedSite, sharedSiteErr = buildSite() })
	if sharedSiteErr != nil {
		t.Fatal(sharedSiteErr)
	}
	return sharedSite
}

func listen() (net.Listener, string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return l, port, nil
}

// buildSite starts the gateway and three shops. The shops are on
// localhost, the gateway on 127.0.0.1: other sites to the browser, and
// still secure contexts, so WebCrypto runs on plain HTTP.
func buildSite() (*site, error) {
	gwListener, gwPort, err := listen()
	if err != nil {
		return nil, err
	}
	var shopListeners [3]net.Listener
	var shopOrigins [3]string
	for i := range shopListeners {
		l, port, err := listen()
		if err != nil {
			return nil, err
		}
		shopListeners[i], shopOrigins[i] = l, "http://localhost:"+port
	}
	taoKey, _ := tenant.NewKey(rand.Reader)
	jdKey, _ := tenant.NewKey(rand.Reader)
	taoHash, _ := tenant.HashKey(taoKey)
	jdHash, _ := tenant.HashKey(jdKey)
	d, err := embedded.Build(embedded.Config{
		ParcelsPerCourier: 200,
		Gateway: func(c *gateway.Config) {
			c.Tenants = []gateway.Tenant{
				{ID: "taoshop", Name: "Tao-like shop", KeyHashes: []tenant.Hash{taoHash}, Origins: []string{shopOrigins[0]}},
				{
					ID: "jdshop", Name: "JD-like shop", KeyHashes: []tenant.Hash{jdHash}, Origins: []string{shopOrigins[1]},
					FetchRate: 0.001, FetchBurst: 1,
				},
			}
		},
	})
	if err != nil {
		return nil, err
	}
	ctx := context.Background() // the site lives as long as the test binary
	go func() { _ = d.Run(ctx) }()
	wait, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := d.WaitReady(wait); err != nil {
		return nil, err
	}
	go func() { _ = http.Serve(gwListener, d.Gateway.Handler()) }()
	gatewayURL := "http://127.0.0.1:" + gwPort

	orders := func() []web.ShopOrder {
		var out []web.ShopOrder
		for _, n := range []string{"SW100000000002", "7700000000001"} {
			for _, p := range simulator.DemoParcels() {
				if p.TrackingNumber == n {
					out = append(out, web.ShopOrder{ID: "1" + n[len(n)-3:], Item: "Order of " + n, Courier: p.Courier, CourierName: p.Courier, TrackingNumber: n})
				}
			}
		}
		return out
	}
	for i, key := range []string{taoKey, jdKey, taoKey} {
		h, err := web.Shop{GatewayURL: gatewayURL, APIKey: key, Orders: orders()}.Handler()
		if err != nil {
			return nil, err
		}
		go func() { _ = http.Serve(shopListeners[i], h) }()
	}
	return &site{gatewayURL: gatewayURL, taoShop: shopOrigins[0], jdShop: shopOrigins[1], strangerShop: shopOrigins[2], jdKey: jdKey}, nil
}

// page drives one tab.
type page struct {
	t   *testing.T
	tab context.Context
	// sent are the URLs and bodies of every request the tab made.
	mu   sync.Mutex
	sent []string
}

func openPage(t *testing.T, o browsertest.Options) *page {
	p := &page{t: t, tab: browsertest.New(t, o)}
	if _, err := chromedp.Call(p.tab, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Listen(p.tab, func(ev any) {
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok {
			var body strings.Builder
			for _, e := range ev.Request.PostDataEntries {
				body.Write(e.Bytes)
			}
			p.mu.Lock()
			p.sent = append(p.sent, ev.Request.URL+" "+body.String())
			p.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.tab, actions...); err != nil {
		p.t.Fatal(err)
	}
}

func (p *page) navigate(url string) { p.t.Helper(); p.do(chromedp.Navigate(url)) }

// eval runs a JavaScript expression and decodes its JSON value into out.
func (p *page) eval(js string, out any) {
	p.t.Helper()
	raw, err := chromedp.Run(p.tab, chromedp.Evaluate[[]byte](js))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", js, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		p.t.Fatalf("evaluate %s: %s: %v", js, raw, err)
	}
}

func (p *page) text(js string) string {
	p.t.Helper()
	var s string
	p.eval(js, &s)
	return s
}

// poll waits until the expression is truthy and returns its value as JSON.
func (p *page) poll(js string) string {
	p.t.Helper()
	raw, err := chromedp.Run(p.tab, chromedp.Poll[[]byte](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		p.t.Fatalf("wait for %s: %v", js, err)
	}
	return string(raw)
}

// widget is a JavaScript expression for the n-th <trackgate-tracker>.
func widget(n int) string {
	return fmt.Sprintf("document.querySelectorAll('trackgate-tracker')[%d]", n)
}

// in is a JavaScript expression for the first element matching css in
// the widget's shadow root.
func in(w, css string) string { return fmt.Sprintf("%s.shadowRoot.querySelector(%q)", w, css) }

// waitState waits until the widget shows one of the states and returns it.
func (p *page) waitState(w string, states ...string) string {
	p.t.Helper()
	list, _ := json.Marshal(states)
	var got string
	if err := json.Unmarshal([]byte(p.poll(fmt.Sprintf(`(() => { const s = %s?.dataset.state; return %s.includes(s) ? s : false })()`, w, list))), &got); err != nil {
		p.t.Fatal(err)
	}
	return got
}

// typeInto focuses a field of the widget and types text with key events,
// as a shopper does; "\r" submits.
func (p *page) typeInto(w, css, text string) {
	p.t.Helper()
	p.poll(fmt.Sprintf(`(() => { const f = %s; if (!f || f.closest('[hidden]')) return false; f.focus(); f.select(); return true })()`, in(w, css)))
	p.do(chromedp.KeyEvent(text))
}

// noConsoleErrors fails the test on what the pages wrote to the console as
// errors (CSP violations among them).
func (p *page) noConsoleErrors() {
	p.t.Helper()
	if errs := browsertest.ConsoleErrors(p.tab); len(errs) > 0 {
		p.t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// neverSent fails the test if any request the tab made carries one of the
// secrets in its URL or body.
func (p *page) neverSent(secrets ...string) {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.sent) == 0 {
		p.t.Fatal("no requests seen: the network listener saw nothing")
	}
	for _, req := range p.sent {
		for _, s := range secrets {
			if strings.Contains(req, s) {
				p.t.Errorf("a request carried %q: %.200s", s, req)
			}
		}
	}
}

// headline is the widget's headline code and text.
func (p *page) headline(w string) (code, text string) {
	p.t.Helper()
	var h struct{ Code, Text string }
	p.eval(fmt.Sprintf(`(() => { const h = %s; return { code: h.dataset.code, text: h.textContent.trim() } })()`, in(w, "#tg-headline")), &h)
	return h.Code, h.Text
}

func (p *page) count(w, css string) int {
	p.t.Helper()
	var n int
	p.eval(fmt.Sprintf(`%s.shadowRoot.querySelectorAll(%q).length`, w, css), &n)
	return n
}

func (p *page) screenshot(name string) { p.t.Helper(); browsertest.Screenshot(p.t, p.tab, name) }
