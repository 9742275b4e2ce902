package carrierhttp

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// FromOptions checks an adapter's options against the names it knows
// (known are its own, elsewhere those a wrapper such as the watchlist
// handles, named in the error only) and builds the client its "timeout"
// option asks for: nil when the option is absent, so the adapter keeps
// its default client.
func FromOptions(options map[string]string, known []string, elsewhere ...string) (*Client, error) {
	for _, name := range slices.Sorted(maps.Keys(options)) {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("unknown option %q; known options: %s", name,
				strings.Join(append(slices.Clone(known), elsewhere...), ", "))
		}
	}
	v, ok := options["timeout"]
	if !ok {
		return nil, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return nil, fmt.Errorf("option \"timeout\": %q is not a positive duration such as 10s", v)
	}
	return &Client{Timeout: d}, nil
}
