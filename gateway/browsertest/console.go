package browsertest

import (
	"context"
	"sync"

	"github.com/chromedp/chromedp"
)

// console keeps what a tab's pages wrote to the console as errors, and
// their uncaught exceptions, so a test can fail on them.
type console struct {
	mu     sync.Mutex
	errors []string
}

var consoles sync.Map // tab context → *console

// listenConsole collects the tab's console errors until the tab ends.
func listenConsole(tab context.Context) {
	c := &console{}
	consoles.Store(tab, c)
	messages := chromedp.Console(tab)
	go func() {
		defer consoles.Delete(tab)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				c.mu.Lock()
				c.errors = append(c.errors, m.String())
				c.mu.Unlock()
			}
		}
	}()
}

// ConsoleErrors returns what the tab's pages have written to the console
// as errors, and their uncaught exceptions, so far.
func ConsoleErrors(tab context.Context) []string {
	v, ok := consoles.Load(tab)
	if !ok {
		return nil
	}
	c := v.(*console)
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errors...)
}
