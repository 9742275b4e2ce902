package browsertest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRunsPage: the browser starts, runs a page's script, reports
// its console errors and takes a screenshot.
func TestBrowserRunsPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><meta name="viewport" content="width=device-width"><title>t</title><p id="out">static</p>
<script>document.getElementById("out").textContent = "ran " + navigator.language + (matchMedia("(prefers-color-scheme: dark)").matches ? " dark" : " light") + " " + innerWidth; console.error("deliberate");</script>`))
	}))
	defer srv.Close()

	tab := New(t, Options{Width: Phone, Height: 640, Lang: "zh-CN", Dark: true})
	if err := chromedp.Do(tab, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(tab, chromedp.Text("#out"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "ran zh-CN dark 360"; text != want {
		t.Errorf("page text %q, want the script's %q", text, want)
	}
	if errs := ConsoleErrors(tab); len(errs) != 1 || !strings.Contains(errs[0], "deliberate") {
		t.Errorf("console errors %q, want the page's one", errs)
	}
	Screenshot(t, tab, "page")
	png, err := os.ReadFile(filepath.Join(t.ArtifactDir(), "page.png"))
	if err != nil || len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Errorf("screenshot not a PNG (%d bytes, %v)", len(png), err)
	}
}
