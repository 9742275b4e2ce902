package webhook

// IsWatching reports whether a Watch of a is running: tests wait for it
// before they post what Watch must report.
func IsWatching(a *Adapter) bool {
	a.changes.mu.Lock()
	defer a.changes.mu.Unlock()
	return a.changes.watching
}
