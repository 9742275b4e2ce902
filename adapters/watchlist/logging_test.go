package watchlist

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

// logging is a query-only Source that logs and takes its host's logger.
type logging struct {
	*scripted
	mu     sync.Mutex
	logger *slog.Logger
}

func (l *logging) SetLogger(logger *slog.Logger) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.logger = logger
}

func TestSetLoggerSendsTheWatchlistsAndItsAdaptersLinesToTheHost(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parcels.jsonl")
	writeFile(t, path, `{"tracking_number":"SF1111111111111"}`)
	inner := &logging{scripted: newScripted()}
	src, err := Wrap(func(map[string]string) (adapters.Source, error) { return inner, nil })(map[string]string{"watchlist": path})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	host := slog.New(slog.NewJSONHandler(&buf, nil)).With("courier_host", "sf-express")
	src.(adapters.LoggerSetter).SetLogger(host)
	if inner.logger != host {
		t.Errorf("the polled adapter was not given the host's logger")
	}

	w := src.(*Watchlist)
	w.reload(true) // logs the file read, as Watch does when the file changes
	line := strings.TrimSpace(buf.String())
	var rec map[string]any
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		t.Fatalf("the watchlist's line is not in the host's JSON format: %q", line)
	}
	if rec["msg"] != "watchlist file read" || rec["courier_host"] != "sf-express" || rec["watched"] != float64(1) {
		t.Errorf("line %v", rec)
	}
	if strings.Contains(line, "SF1111111111111") {
		t.Errorf("the line names the parcel: %s", line)
	}
}
