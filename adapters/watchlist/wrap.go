package watchlist

import (
	"fmt"
	"maps"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// The options Wrap takes out of an adapter's options.
const (
	// OptionFile is the watchlist file (Config.File); with it, the
	// adapter comes wrapped in a Watchlist.
	OptionFile = "watchlist"
	// OptionPoll is the poll interval (Config.PollInterval), a Go
	// duration such as 30m; it needs OptionFile.
	OptionPoll = "poll"
)

// Wrap returns a factory that opens an adapter with open and, when the
// options name a watchlist file, wraps it in a Watchlist, so that a
// courier host can use a query-only adapter:
//
//	adapters.Open("sfexpress", map[string]string{
//		"partner_id": "…", "checkword": "…",
//		"watchlist": "/var/lib/trackgate/parcels.jsonl", "poll": "30m",
//	})
//
// open never sees the options Wrap takes. Without "watchlist" the adapter
// is returned as open made it.
func Wrap(open adapters.Factory) adapters.Factory {
	return func(options map[string]string) (adapters.Source, error) {
		file, hasFile := options[OptionFile]
		poll, hasPoll := options[OptionPoll]
		var cfg Config
		switch {
		case hasPoll && !hasFile:
			return nil, fmt.Errorf("option %q needs option %q, the watchlist file to poll", OptionPoll, OptionFile)
		case hasFile && file == "":
			return nil, fmt.Errorf("option %q: the watchlist file path is empty", OptionFile)
		case hasPoll:
			d, err := time.ParseDuration(poll)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("option %q: %q is not a positive duration such as 30m", OptionPoll, poll)
			}
			cfg.PollInterval = d
		}
		inner := maps.Clone(options)
		delete(inner, OptionFile)
		delete(inner, OptionPoll)
		src, err := open(inner)
		if err != nil || !hasFile {
			return src, err
		}
		cfg.File = file
		w, err := New(src, cfg)
		if err != nil {
			if c, ok := src.(adapters.Closer); ok {
				c.Close()
			}
			return nil, err
		}
		return w, nil
	}
}
