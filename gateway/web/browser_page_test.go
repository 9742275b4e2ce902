package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/trackgate/trackgate/gateway/browsertest"
)

// TestBrowserTrackingPage: a shopper types a sample number on the
// tracking page and sees its timeline; the permalink is in the fragment;
// the number went out only blinded.
func TestBrowserTrackingPage(t *testing.T) {
	s := startSite(t)
	p := openPage(t, browsertest.Options{})
	p.navigate(s.gatewayURL + "/")
	tracker := widget(0)
	p.waitState(tracker, "idle")
	p.poll(`document.querySelectorAll('#sample-list button').length >= 5`)

	p.typeInto(tracker, "#tg-number", "SW100000000001\r")
	if got := p.waitState(tracker, "result", "not-found", "unavailable", "rate-limited", "error", "invalid"); got != "result" {
		t.Fatalf("state %q, want result", got)
	}
	if code, text := p.headline(tracker); code != "in_transit" || text == "" {
		t.Errorf("headline %q %q, want in_transit", code, text)
	}
	if eta := p.text(in(tracker, ".eta") + `?.textContent.trim() ?? ""`); eta == "" {
		t.Error("no ETA shown for a parcel with one")
	}
	if n := p.count(tracker, "ol.timeline li.event"); n < 2 {
		t.Errorf("%d events in the timeline, want several", n)
	}
	if v := p.text(in(tracker, "[role=progressbar]") + `.getAttribute("aria-valuenow") ?? ""`); v == "" || v == "0" {
		t.Errorf("progress bar aria-valuenow %q, want the stage reached", v)
	}
	p.poll(`!document.getElementById('permalink').hidden`)
	if hash := p.text(`location.hash`); hash != "#track=SW100000000001&courier=sim-swift" {
		t.Errorf("permalink fragment %q", hash)
	}
	p.screenshot("tracking-page")

	// A sample one click away: a parcel handed to another courier, held
	// by customs on the onward leg.
	p.do(chromedp.Click(`#sample-list button[data-number="SW100000000002"]`))
	p.poll(`(() => { const h = ` + in(tracker, "#tg-headline") + `; return h && h.dataset.code === "customs_hold" })()`)
	if n := p.count(tracker, "ol.timeline li.handoff"); n != 1 {
		t.Errorf("%d handoff markers, want 1 (the legs merged)", n)
	}
	p.screenshot("tracking-page-customs-hold")

	// The permalink, opened afresh, tracks by itself.
	permalink := p.text(`document.getElementById('permalink-url').value`)
	if !strings.HasPrefix(permalink, s.gatewayURL+"/#track=SW100000000002") {
		t.Fatalf("permalink %q", permalink)
	}
	p.navigate("about:blank")
	p.navigate(permalink)
	if got := p.waitState(tracker, "result", "not-found", "unavailable", "error"); got != "result" {
		t.Errorf("the permalink shows %q, want the result", got)
	}
	p.neverSent("SW100000000001", "SW100000000002", "GP000000014CN")
	p.noConsoleErrors()
}

// TestBrowserFactorCourierOnAPhone: at 360 px, a number of a courier that
// asks for phone digits brings up the digits field; wrong digits show
// not found, and say why it cannot tell; the right ones show the parcel.
func TestBrowserFactorCourierOnAPhone(t *testing.T) {
	s := startSite(t)
	p := openPage(t, browsertest.Options{Width: browsertest.Phone, Height: 780})
	p.navigate(s.gatewayURL + "/")
	tracker := widget(0)
	p.waitState(tracker, "idle")
	if hidden := p.text(`String(` + in(tracker, ".field-factor") + `.hidden)`); hidden != "true" {
		t.Errorf("digits field shown before a number needs it")
	}
	p.typeInto(tracker, "#tg-number", "7700000000001")
	p.poll(`!` + in(tracker, ".field-factor") + `.hidden`)

	p.typeInto(tracker, "#tg-factor", "9999\r")
	if got := p.waitState(tracker, "not-found", "result", "unavailable", "error"); got != "not-found" {
		t.Fatalf("wrong digits: state %q, want not-found", got)
	}
	msg := p.text(in(tracker, "[part~=message]") + `.textContent`)
	if !strings.Contains(strings.ToLower(msg), "digits") {
		t.Errorf("the not-found message %q does not say wrong digits look the same", msg)
	}
	p.screenshot("phone-wrong-digits")

	p.typeInto(tracker, "#tg-factor", "1234\r")
	if got := p.waitState(tracker, "result", "not-found", "unavailable", "error"); got != "result" {
		t.Fatalf("right digits: state %q, want result", got)
	}
	if code, _ := p.headline(tracker); code != "available_for_pickup" {
		t.Errorf("headline %q, want available_for_pickup", code)
	}
	var widths struct{ Page, View int }
	p.eval(`({page: document.documentElement.scrollWidth, view: innerWidth})`, &widths)
	if widths.Page > widths.View {
		t.Errorf("the page is %d px wide in a %d px window: it scrolls sideways", widths.Page, widths.View)
	}
	p.screenshot("phone-ready-for-pickup")
	p.neverSent("7700000000001", "9999", "1234")
	p.noConsoleErrors()
}

// TestBrowserChinese: a browser in Chinese gets the page and every label
// of the widget in Chinese; the switch turns them to English without a
// new lookup.
func TestBrowserChinese(t *testing.T) {
	s := startSite(t)
	p := openPage(t, browsertest.Options{Lang: "zh-CN", Dark: true})
	p.navigate(s.gatewayURL + "/")
	tracker := widget(0)
	p.waitState(tracker, "idle")
	p.typeInto(tracker, "#tg-number", "SW100000000003\r")
	if got := p.waitState(tracker, "result", "not-found", "unavailable", "error"); got != "result" {
		t.Fatalf("state %q, want result", got)
	}
	code, zh := p.headline(tracker)
	if code != "returning_to_sender" || !strings.Contains(zh, "退回") {
		t.Errorf("headline %q %q, want returning_to_sender in Chinese", code, zh)
	}
	labels := `(() => [...` + widget(0) + `.shadowRoot.querySelectorAll('label, button, h2, #tg-headline, .event [part~=status], .eta')].map(e => e.textContent.trim()).filter(Boolean))()`
	var zhLabels []string
	p.eval(labels, &zhLabels)
	if len(zhLabels) < 4 {
		t.Fatalf("found %d labels: %q", len(zhLabels), zhLabels)
	}
	for _, l := range zhLabels {
		if !hasHan(l) {
			t.Errorf("label %q is not in Chinese", l)
		}
	}
	if h1 := p.text(`document.querySelector('h1').textContent`); !hasHan(h1) {
		t.Errorf("page title %q is not in Chinese", h1)
	}
	p.screenshot("chinese-dark")

	requests := func() int { p.mu.Lock(); defer p.mu.Unlock(); return len(p.sent) }
	before := requests()
	p.do(chromedp.Click(`#lang-toggle`))
	p.poll(`(() => { const h = ` + in(tracker, "#tg-headline") + `; return h && /Returning/.test(h.textContent) })()`)
	if after := requests(); after != before {
		t.Errorf("switching the language made %d requests, want none", after-before)
	}
	var enLabels []string
	p.eval(labels, &enLabels)
	for _, l := range enLabels {
		if hasHan(l) {
			t.Errorf("label %q still in Chinese after the switch", l)
		}
	}
	p.screenshot("english-dark")
	p.noConsoleErrors()
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
