package web_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/trackgate/trackgate/gateway/browsertest"
)

// liveHarness runs before the page's own scripts: it shortens the
// widget's refresh timer, once the test sets refresh="31" (a wait of
// just over 30 s, which nothing else asks for, becomes 300 ms), counts the
// lookups, lets the test hide the onward leg of the first lookup (the
// fetches of its second round answer nothing), fail every request as if
// offline, and make the page hidden; and it records every data-state the
// widget shows and every trackgate:update.
const liveHarness = `(() => {
  const st = window.setTimeout;
  window.setTimeout = (f, ms, ...a) => st(f, ms > 30000 && ms <= 31000 ? 300 : ms, ...a);
  const real = window.fetch.bind(window);
  window.__tg = { evals: 0, hideOnward: true, offline: false, hidden: false, states: [], updates: [] };
  window.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (window.__tg.offline) throw new TypeError('Failed to fetch');
    if (url.includes('/v1/evaluate')) window.__tg.evals++;
    const resp = await real(input, init);
    if (window.__tg.hideOnward && url.includes('/v1/buckets/') && window.__tg.evals % 3 === 2) {
      return new Response('{"records":[],"missing":[]}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    }
    return resp;
  };
  Object.defineProperty(document, 'visibilityState', { get: () => (window.__tg.hidden ? 'hidden' : 'visible') });
  document.addEventListener('trackgate:update', (e) => window.__tg.updates.push(e.detail.headline.code));
  new MutationObserver((records) => {
    for (const r of records) if (r.target.localName === 'trackgate-tracker') window.__tg.states.push(r.target.dataset.state);
  }).observe(document, { subtree: true, attributeFilter: ['data-state'] });
})()`

// TestBrowserWidgetStaysLive: a result on screen refreshes itself. The
// onward leg that a refresh finds appears without the page redrawing
// what was there (the old items are the same nodes, the state never
// leaves "result"), the new headline is announced and trackgate:update
// fires; a failed refresh keeps the result with a note; a hidden page is
// not refreshed, and is refreshed at once when shown; live="off" stops it.
func TestBrowserWidgetStaysLive(t *testing.T) {
	s := startSite(t)
	p := openPage(t, browsertest.Options{})
	if _, err := chromedp.Call(p.tab, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: liveHarness}); err != nil {
		t.Fatal(err)
	}
	p.navigate(s.gatewayURL + "/#track=SW100000000002&courier=sim-swift")
	tracker := widget(0)
	if got := p.waitState(tracker, "result", "not-found", "unavailable", "rate-limited", "error"); got != "result" {
		t.Fatalf("state %q, want result", got)
	}
	if code, _ := p.headline(tracker); code != "in_transit" {
		t.Fatalf("first headline %q, want in_transit (the onward leg hidden)", code)
	}
	p.text(`(() => { ` + tracker + `.setAttribute('refresh', '31'); return '' })()`)
	before := p.count(tracker, "ol.timeline li")
	p.text(`(() => { for (const li of ` + tracker + `.shadowRoot.querySelectorAll('ol.timeline li')) li.__old = true; return '' })()`)

	// The next refresh finds the onward leg: patched in, announced.
	p.text(`(() => { window.__tg.hideOnward = false; window.__tg.states.length = 0; return '' })()`)
	p.poll(`(() => { const h = ` + in(tracker, "#tg-headline") + `; return h && h.dataset.code === "customs_hold" })()`)
	after := p.count(tracker, "ol.timeline li")
	kept := p.count(tracker, "ol.timeline li") - p.countWhere(tracker, "ol.timeline li", "!e.__old")
	if after <= before || kept != before {
		t.Errorf("timeline: %d items before, %d after, %d of them the same nodes; want more, the old ones kept", before, after, kept)
	}
	var states, updates []string
	p.eval(`window.__tg.states`, &states)
	p.eval(`window.__tg.updates`, &updates)
	for _, st := range states {
		if st != "result" {
			t.Errorf("a refresh showed state %q; a result on screen is never blanked", st)
		}
	}
	if len(updates) != 1 || updates[0] != "customs_hold" {
		t.Errorf("trackgate:update fired with %v, want once with customs_hold", updates)
	}
	p.poll(`(` + in(tracker, "[part=live]") + `.textContent.includes("Held by customs"))`)

	// Offline: the result stays, with a note saying how old it is.
	p.text(`(() => { window.__tg.offline = true; return '' })()`)
	p.poll(`!` + in(tracker, "[part=refresh-note]") + `.hidden`)
	if note := p.text(in(tracker, "[part=refresh-note]") + `.textContent`); !strings.HasPrefix(note, "Couldn't refresh; showing the result from ") {
		t.Errorf("refresh note %q", note)
	}
	if n := p.count(tracker, "ol.timeline li"); n != after || p.text(tracker+`.dataset.state`) != "result" {
		t.Errorf("offline: %d items, state %s; want the result kept", n, p.text(tracker+`.dataset.state`))
	}
	p.screenshot("widget-refresh-failed")
	p.text(`(() => { window.__tg.offline = false; return '' })()`)
	p.poll(in(tracker, "[part=refresh-note]") + `.hidden`)

	// Hidden: no lookups; shown again: one at once.
	p.text(`(() => { window.__tg.hidden = true; document.dispatchEvent(new Event('visibilitychange')); return '' })()`)
	time.Sleep(300 * time.Millisecond) // a refresh in flight ends
	var hiddenAt, stillHidden int
	p.eval(`window.__tg.evals`, &hiddenAt)
	time.Sleep(1500 * time.Millisecond) // five intervals
	p.eval(`window.__tg.evals`, &stillHidden)
	if stillHidden != hiddenAt {
		t.Errorf("%d evaluations while the page was hidden, want none", stillHidden-hiddenAt)
	}
	p.text(`(() => { window.__tg.hidden = false; document.dispatchEvent(new Event('visibilitychange')); return '' })()`)
	p.poll(`window.__tg.evals > ` + strconv.Itoa(hiddenAt))

	// live="off": no more lookups.
	p.text(`(() => { ` + tracker + `.setAttribute('live', 'off'); return '' })()`)
	time.Sleep(300 * time.Millisecond)
	var offAt, later int
	p.eval(`window.__tg.evals`, &offAt)
	time.Sleep(1200 * time.Millisecond)
	p.eval(`window.__tg.evals`, &later)
	if later != offAt {
		t.Errorf("%d evaluations after live=off, want none", later-offAt)
	}
	p.noConsoleErrors()
}

// countWhere counts the elements matching css in the widget for which the
// JavaScript condition on e holds.
func (p *page) countWhere(w, css, cond string) int {
	p.t.Helper()
	var n int
	p.eval(fmt.Sprintf(`[...%s.shadowRoot.querySelectorAll(%q)].filter((e) => %s).length`, w, css, cond), &n)
	return n
}
