package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/gateway/browsertest"
)

// TestBrowserMarketplacePage: a tenant's page on another origin embeds the
// widget with its key, under its own Content-Security-Policy; the order
// shipped with a handoff shows the onward leg's customs hold; the order
// of a courier that asks for digits asks for them.
func TestBrowserMarketplacePage(t *testing.T) {
	s := startSite(t)
	p := openPage(t, browsertest.Options{Width: 1024})
	p.navigate(s.taoShop + "/")
	first, second := widget(0), widget(1)
	if got := p.waitState(first, "result", "not-found", "unavailable", "rate-limited", "error"); got != "result" {
		t.Fatalf("the first order's widget shows %q, want its parcel", got)
	}
	if code, _ := p.headline(first); code != "customs_hold" {
		t.Errorf("headline %q, want customs_hold", code)
	}
	p.poll(`!` + in(second, ".field-factor") + `.hidden`)
	p.typeInto(second, "#tg-factor", "1234\r")
	if got := p.waitState(second, "result", "not-found", "unavailable", "rate-limited", "error"); got != "result" {
		t.Fatalf("the second order's widget shows %q after the digits", got)
	}
	p.screenshot("marketplace-page")
	p.neverSent("SW100000000002", "7700000000001", "1234")
	p.noConsoleErrors()
}

// TestBrowserTenantQuota: a second tenant's quota is its own: its page is
// rate-limited (its fetch quota is smaller than one lookup) and says so,
// while the first tenant's page still tracks.
func TestBrowserTenantQuota(t *testing.T) {
	s := startSite(t)
	// Spend the tenant's one fetch first: otherwise the lookup's one
	// allowed fetch may be the very one that finds the parcel.
	req, _ := http.NewRequest(http.MethodGet, s.gatewayURL+"/v1/buckets/0", nil)
	req.Header.Set("TG-Api-Key", s.jdKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	p := openPage(t, browsertest.Options{Width: 1024})
	p.navigate(s.jdShop + "/")
	if got := p.waitState(widget(0), "result", "not-found", "unavailable", "rate-limited", "error"); got != "rate-limited" {
		t.Fatalf("over its tenant's quota the widget shows %q, want rate-limited", got)
	}
	msg := p.text(in(widget(0), "[part~=message]") + `.textContent`)
	if msg == "" {
		t.Error("no message in the rate-limited state")
	}
	p.screenshot("tenant-over-quota")

	p.navigate(s.taoShop + "/")
	if got := p.waitState(widget(0), "result", "not-found", "unavailable", "rate-limited", "error"); got != "result" {
		t.Errorf("the other tenant's page shows %q, want its parcel: quotas are per tenant", got)
	}
}

// TestBrowserRefusedOrigin: a page on an origin no tenant lists, even with
// a tenant's key, cannot call the gateway; the widget says the tracking
// service cannot be reached, and nothing breaks.
func TestBrowserRefusedOrigin(t *testing.T) {
	s := startSite(t)
	p := openPage(t, browsertest.Options{Width: 1024})
	p.navigate(s.strangerShop + "/")
	if got := p.waitState(widget(0), "result", "not-found", "unavailable", "rate-limited", "error"); got != "error" {
		t.Fatalf("a refused origin's widget shows %q, want error", got)
	}
	if n := p.count(widget(0), "ol.timeline li"); n != 0 {
		t.Errorf("%d events shown to a refused origin", n)
	}
	msg := p.text(in(widget(0), "[part~=message]") + `.textContent`)
	if msg == "" || strings.Contains(msg, "TypeError") || strings.Contains(msg, "fetch") {
		t.Errorf("message %q: want a plain sentence, not the browser's error", msg)
	}
	p.screenshot("refused-origin")
	// The browser logs the CORS refusal itself; nothing else may fail.
	for _, e := range browsertestErrors(p) {
		if strings.Contains(e, "exception") || strings.Contains(e, "Uncaught") {
			t.Errorf("uncaught: %s", e)
		}
	}
}

func browsertestErrors(p *page) []string { return browsertest.ConsoleErrors(p.tab) }
