package web_test

import (
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/browsertest"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
	"github.com/trackgate/trackgate/gateway/web"
)

// keyLogPage has the widget in a page, and the API of a fake gateway
// whose key log a test turns dishonest, on the same origin.
const keyLogPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>key log</title><link rel="icon" href="data:,">
<script type="module" src="/widget/trackgate-tracker.js"></script></head>
<body><trackgate-tracker lang="en"></trackgate-tracker></body></html>`

// TestBrowserKeyLog: a shopper's browser keeps what it saw of the
// gateway's key log in localStorage; when the gateway then shows it
// another history, the widget says the security check failed, in English
// and in Chinese, and sends no lookup.
func TestBrowserKeyLog(t *testing.T) {
	g := clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{
		{ID: "sim-east", Name: "Sim East", Patterns: []api.Pattern{{Regex: `^SE[0-9]{10}$`}}},
	}})
	g.AddParcel(t, "sim-east", "SE1234567890", "", clienttest.View("sim-east", "SE1234567890",
		clienttest.Event("2026-11-21T14:03:00+08:00", adapters.StatusInTransit, "Departed facility", "Shenzhen", "Guangdong", "CN")))
	origin := serveKeyLogPage(t, g.URL)

	p := openPage(t, browsertest.Options{})
	p.navigate(origin + "/keylog")
	tracker := widget(0)
	p.waitState(tracker, "idle")
	p.typeInto(tracker, "#tg-number", "SE1234567890\r")
	if got := p.waitState(tracker, "result", "not-found", "unavailable", "error", "invalid", "key-log"); got != "result" {
		t.Fatalf("state %q with an honest log, want result", got)
	}
	var kept string
	p.eval(`localStorage.getItem('trackgate:keylog:`+origin+`') ?? ""`, &kept)
	if !strings.Contains(kept, `"key":"`+clienttest.LogVerifierKey()+`"`) || !strings.Contains(kept, `"checkpoint":"trackgate.example/log\n2\n`) {
		t.Fatalf("localStorage keeps %q, want the log's key and its checkpoint", kept)
	}

	// Another session, another history.
	g.ForkKeyLog(t)
	evaluations := g.Hits(clienttest.RouteEvaluate)
	p.navigate(origin + "/keylog")
	p.waitState(tracker, "idle")
	p.typeInto(tracker, "#tg-number", "SE1234567890\r")
	if got := p.waitState(tracker, "result", "not-found", "unavailable", "error", "invalid", "key-log"); got != "key-log" {
		t.Fatalf("state %q with a forked log, want key-log", got)
	}
	notice := func() string { return p.text(in(tracker, ".notice") + `?.textContent.trim() ?? ""`) }
	if got := notice(); !strings.Contains(got, "Security check failed") || !strings.Contains(got, "did not use them") {
		t.Errorf("notice %q, want the security check named", got)
	}
	p.screenshot("key-log")
	p.text(`(() => { ` + tracker + `.setAttribute('lang', 'zh-CN'); return '' })()`)
	p.poll(`(() => /安全校验未通过/.test(` + in(tracker, ".notice") + `?.textContent ?? ""))()`)
	p.screenshot("key-log-chinese")
	if n := g.Hits(clienttest.RouteEvaluate); n != evaluations {
		t.Errorf("%d evaluations sent after the fork", n-evaluations)
	}
	p.eval(`localStorage.getItem('trackgate:keylog:`+origin+`') ?? ""`, &kept)
	if !strings.Contains(kept, `"checkpoint":"trackgate.example/log\n2\n`) {
		t.Errorf("localStorage now keeps %q, want the honest checkpoint still", kept)
	}
	p.neverSent("SE1234567890")
	p.noConsoleErrors()
}

// serveKeyLogPage serves the widget, the page and, by proxy, the fake
// gateway's API on one loopback origin, which it returns.
func serveKeyLogPage(t *testing.T, gatewayURL string) string {
	t.Helper()
	gin.SetMode(gin.TestMode)
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse(gatewayURL)
	if err != nil {
		t.Fatal(err)
	}
	e := gin.New()
	site.Register(e)
	e.GET("/keylog", func(c *gin.Context) { c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(keyLogPage)) })
	e.Any("/v1/*path", gin.WrapH(httputil.NewSingleHostReverseProxy(target)))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String()
}
