package adapters

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Factory opens a Source from its configuration options.
type Factory func(options map[string]string) (Source, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]Factory{}
)

// Register makes an adapter available under name. It is meant to be called
// from an init function and panics if name is taken or factory is nil.
func Register(name string, factory Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if factory == nil {
		panic("adapters: Register factory is nil for " + name)
	}
	if _, dup := registry[name]; dup {
		panic("adapters: Register called twice for " + name)
	}
	registry[name] = factory
}

// Names returns the registered adapter names, sorted.
func Names() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Open opens the adapter registered under name with options.
func Open(name string, options map[string]string) (Source, error) {
	registryMu.RLock()
	factory, ok := registry[name]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown adapter %q (forgotten import?); registered: %s", name, strings.Join(Names(), ", "))
	}
	src, err := factory(options)
	if err != nil {
		return nil, fmt.Errorf("open adapter %q: %w", name, err)
	}
	return src, nil
}
