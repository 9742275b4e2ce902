package watchlist

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// Bounds of the watchlist file: it is written by the courier's systems,
// but a runaway export must not exhaust the host's memory.
const (
	maxFileSize = 256 << 20
	maxLineSize = 64 << 10
)

// fileStamp tells whether the file changed since it was last read.
type fileStamp struct {
	size    int64
	modTime time.Time
}

// line is one line of the watchlist file.
type line struct {
	TrackingNumber string   `json:"tracking_number"`
	Factors        []string `json:"factors"`
}

// reload reads the file if it changed since the last read (or, with
// force, in any case) and makes the watched parcels match it. Errors are
// returned only with force (at New); later, a file that cannot be read
// leaves the parcels as they were, as it may be in the middle of being
// replaced.
func (w *Watchlist) reload(force bool) error {
	info, err := os.Stat(w.cfg.File)
	if err != nil {
		if force {
			return fmt.Errorf("%w: watchlist file: %v", ErrConfig, err)
		}
		w.cfg.Logger.Warn("watchlist file cannot be read; keeping the parcels as they are")
		return nil
	}
	stamp := fileStamp{info.Size(), info.ModTime()}
	w.mu.Lock()
	unchanged := stamp == w.file
	w.mu.Unlock()
	if unchanged && !force {
		return nil
	}
	parcels, rejected, err := readFile(w.cfg.File)
	if err != nil {
		if force {
			return fmt.Errorf("%w: watchlist file: %v", ErrConfig, err)
		}
		w.cfg.Logger.Warn("watchlist file cannot be read; keeping the parcels as they are")
		return nil
	}
	w.mu.Lock()
	w.file = stamp
	w.applyFile(parcels)
	watched := len(w.entries)
	w.mu.Unlock()
	w.cfg.Logger.Info("watchlist file read", "lines", len(parcels), "rejected_lines", rejected, "watched", watched)
	w.nudge()
	return nil
}

// applyFile makes the file's part of the watched parcels equal parcels
// (factors by normalized number). The caller holds mu.
func (w *Watchlist) applyFile(parcels map[string][]string) {
	for tn, e := range w.entries {
		if _, ok := parcels[tn]; !ok && e.inFile {
			e.inFile = false
			if !e.added {
				delete(w.entries, tn)
			}
		}
	}
	for tn := range w.dropped {
		if _, ok := parcels[tn]; !ok {
			delete(w.dropped, tn)
		}
	}
	for tn, factors := range parcels {
		if w.dropped[tn] {
			continue
		}
		e := w.entry(tn)
		e.inFile = true
		if !e.added {
			e.ref.Factors = factors
		}
	}
}

// readFile parses a watchlist file: one JSON object a line, blank lines
// skipped. Lines that do not parse or name no valid tracking number are
// counted and skipped; a number on several lines gets all their factors.
func readFile(path string) (map[string][]string, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	return parseLines(io.LimitReader(f, maxFileSize+1))
}

func parseLines(r io.Reader) (map[string][]string, int, error) {
	parcels := map[string][]string{}
	rejected := 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLineSize)
	read := 0
	for sc.Scan() {
		read += len(sc.Bytes()) + 1
		if read > maxFileSize {
			return nil, 0, fmt.Errorf("larger than %d bytes", maxFileSize)
		}
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var l line
		if json.Unmarshal(text, &l) != nil {
			rejected++
			continue
		}
		tn, err := crypto.NormalizeTrackingNumber(l.TrackingNumber)
		if err != nil {
			rejected++
			continue
		}
		factors := parcels[tn]
		for _, f := range l.Factors {
			if f != "" && !slices.Contains(factors, f) {
				factors = append(factors, f)
			}
		}
		parcels[tn] = factors
	}
	if err := sc.Err(); err != nil {
		return nil, 0, err
	}
	return parcels, rejected, nil
}
