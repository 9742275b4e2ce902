// Package browsertest runs pages in a real headless Chromium for tests:
// Debian's chromium, driven over the DevTools protocol with chromedp. A
// test that cannot start the browser fails; it never skips, since the
// browser tests are how the widget and the pages are checked at all (the
// test command installs chromium when it is missing).
//
// Screenshots go to the test's artifact directory (testing.T.ArtifactDir):
// kept under -outputdir when go test runs with -artifacts, as `make test`
// does, and removed with the test otherwise.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Timeout bounds one test's whole use of the browser.
const Timeout = 90 * time.Second

// Phone is the narrowest width the pages must work at (CSS pixels).
const Phone = 360

// Options tune the browser of one test.
type Options struct {
	Width, Height int    // the window; 1280×900 when zero
	Lang          string // Accept-Language and navigator.language; "en-US" when empty
	Dark          bool   // prefers-color-scheme: dark
	// HostRules maps host names to loopback, e.g. "MAP shop.example
	// 127.0.0.1", so that a page's origin can have a real name.
	HostRules string
}

// executable finds Chromium: $CHROMIUM, else chromium or chromium-browser
// on the PATH.
func executable(t testing.TB) string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found: install Debian's chromium package (make test does so when run as root) or set CHROMIUM")
	return ""
}

// New starts a headless Chromium for t and returns the context of its
// first tab; the browser stops when the test ends. Console errors and
// uncaught exceptions of the pages are logged to the test.
func New(t testing.TB, o Options) context.Context {
	t.Helper()
	if o.Width == 0 {
		o.Width = 1280
	}
	if o.Height == 0 {
		o.Height = 900
	}
	if o.Lang == "" {
		o.Lang = "en-US"
	}
	// The flags that make Chromium quiet on a closed network: no
	// background connections, no updates, no first-run work.
	flags := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(executable(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(o.Width, o.Height),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", o.Lang),
		chromedp.Flag("accept-lang", o.Lang),
	}
	if o.HostRules != "" {
		flags = append(flags, chromedp.Flag("host-resolver-rules", o.HostRules))
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), Timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, flags...)
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf), chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	// An empty Do starts the browser and opens the tab.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	listenConsole(tab)
	// Headless Chromium keeps its window at least 500 pixels wide, so the
	// viewport is emulated: exactly the width asked for, and a phone's
	// (mobile, touch) below 600.
	var viewport []chromedp.EmulateViewportOption
	if o.Width < 600 {
		viewport = append(viewport, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(int64(o.Width), int64(o.Height), viewport...)); err != nil {
		t.Fatalf("emulate a %d×%d viewport: %v", o.Width, o.Height, err)
	}
	if o.Dark {
		dark := []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}
		if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: dark}); err != nil {
			t.Fatalf("emulate a dark color scheme: %v", err)
		}
	}
	return tab
}

// Screenshot saves the whole page as name.png in the test's artifact
// directory and logs where.
func Screenshot(t testing.TB, tab context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(t.ArtifactDir(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("save screenshot: %v", err)
	}
	t.Logf("screenshot %s", path)
}
