package embedded

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trackgate/trackgate/gateway/browsertest"
	"github.com/trackgate/trackgate/openapi"
)

// TestDocsInABrowserOnAPhone opens the API reference of the embedded
// default in Chromium at phone width: Swagger UI must render every
// operation of the document, its try-it console must get the gateway's
// answers to GET /v1/couriers and GET /v1/demo/parcels, the protocol page
// must open from the navigation, and no page may log a console error
// (the browser reports a Content-Security-Policy violation as one).
func TestDocsInABrowserOnAPhone(t *testing.T) {
	_, srv := startRunning(t, Config{ParcelsPerCourier: 5})
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	// Swagger UI lists an operation under each of its tags.
	operations := 0
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			operations += len(op.Tags)
		}
	}

	tab := browsertest.New(t, browsertest.Options{Width: browsertest.Phone, Height: 800})
	if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/docs")); err != nil {
		t.Fatal(err)
	}
	if width, err := chromedp.Run(tab, chromedp.Evaluate[int](`window.innerWidth`)); err != nil || width != browsertest.Phone {
		t.Fatalf("the page is %d pixels wide (%v), want a phone's %d", width, err, browsertest.Phone)
	}
	rendered, err := chromedp.Run(tab, chromedp.PollFunction[int](
		`(want) => { const n = document.querySelectorAll('.opblock').length; return n >= want && n; }`,
		chromedp.WithPollingArgs(operations), chromedp.WithPollingInterval(100*time.Millisecond),
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("Swagger UI did not render the document's %d operations: %v (console errors: %q)", operations, err, browsertest.ConsoleErrors(tab))
	}
	if rendered != operations {
		t.Errorf("Swagger UI shows %d operations, the document lists %d", rendered, operations)
	}
	if wide, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || wide {
		t.Errorf("the reference is wider than the phone's screen (%v)", err)
	}
	browsertest.Screenshot(t, tab, "docs-phone")

	for _, op := range []struct{ id, want string }{
		{"operations-gateway-getDirectory", `"protocol": "tg1"`},
		{"operations-gateway-getDemoParcels", `"tracking_number"`},
	} {
		status, body := tryIt(t, tab, op.id)
		if status != "200" || !strings.Contains(body, op.want) {
			t.Errorf("%s through the try-it console: status %q, body %.200q; want 200 with %s", op.id, status, body, op.want)
		}
	}
	browsertest.Screenshot(t, tab, "docs-phone-try-it")

	// The signed publish is documented too (the console would need a
	// courier's signature for it).
	if shown, err := chromedp.Run(tab, chromedp.Evaluate[bool](
		`!!document.querySelector('#operations-gateway-publishRecords')`)); err != nil || !shown {
		t.Errorf("the signed publish operation is not shown (%v)", err)
	}

	if err := chromedp.Do(tab, chromedp.Click(`header.site a[href="/docs/protocol"]`),
		chromedp.WaitVisible(`[id="76-tenants-and-cors"]`)); err != nil {
		t.Fatalf("open the protocol page from the navigation: %v", err)
	}
	heading, err := chromedp.Run(tab, chromedp.Text(`[id="76-tenants-and-cors"]`))
	if err != nil || heading != "7.6 Tenants and CORS" {
		t.Errorf("the protocol page's §7.6 heading: %q, %v", heading, err)
	}
	if wide, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || wide {
		t.Errorf("the protocol page is wider than the phone's screen (%v)", err)
	}
	browsertest.Screenshot(t, tab, "protocol-phone")

	// The same pages on a desktop's screen, for the eye.
	desktop := chromedp.EmulateViewport(1280, 900)
	if err := chromedp.Do(tab, desktop, chromedp.Navigate(srv.URL+"/docs#/gateway/getDirectory")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`!!document.querySelector('#operations-gateway-getDirectory .try-out__btn')`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the desktop page did not open the linked operation: %v", err)
	}
	browsertest.Screenshot(t, tab, "docs-desktop")

	if errs := browsertest.ConsoleErrors(tab); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// tryIt sends an operation's request through Swagger UI's try-it
// console, as a reader would (open the operation, "Try it out",
// "Execute"), and returns the status and body the console shows.
func tryIt(t *testing.T, tab context.Context, operationID string) (status, body string) {
	t.Helper()
	root := "#" + operationID
	for _, step := range []string{root + " .opblock-summary-control", root + " .try-out__btn", root + " .execute"} {
		if _, err := chromedp.Run(tab, chromedp.PollFunction[bool](
			`(sel) => { const e = document.querySelector(sel); if (!e) return false; e.scrollIntoView(); e.click(); return true; }`,
			chromedp.WithPollingArgs(step), chromedp.WithPollingInterval(100*time.Millisecond),
			chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			t.Fatalf("try %s: no %s to click: %v", operationID, step, err)
		}
	}
	type answer struct {
		Status string `json:"status"`
		Body   string `json:"body"`
	}
	got, err := chromedp.Run(tab, chromedp.PollFunction[answer](`(root) => {
		const status = document.querySelector(root + ' .live-responses-table .response .response-col_status');
		const body = document.querySelector(root + ' .live-responses-table .response .response-col_description pre');
		return status && body && { status: status.textContent.trim(), body: body.textContent };
	}`, chromedp.WithPollingArgs(root), chromedp.WithPollingInterval(100*time.Millisecond),
		chromedp.WithPollingTimeout(15*time.Second)))
	if err != nil {
		t.Fatalf("try %s: the console showed no answer: %v", operationID, err)
	}
	return got.Status, got.Body
}
