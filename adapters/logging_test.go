package adapters

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

func TestLogSwitchSendsLaterLinesToTheLoggerSetLast(t *testing.T) {
	var before, after bytes.Buffer
	sw := NewLogSwitch(slog.New(slog.NewTextHandler(&before, nil)))
	// Derived before the switch, as an adapter derives its loggers at open.
	derived := sw.Logger().With("adapter", "acme").WithGroup("ingest")

	derived.Info("opened", "parcels", 3)
	sw.Set(slog.New(slog.NewJSONHandler(&after, nil)).With("courier_host", "acme-post"))
	derived.Info("events stored", "events", 2)

	if !strings.Contains(before.String(), "msg=opened adapter=acme ingest.parcels=3") {
		t.Errorf("the line before Set went elsewhere: %q", before.String())
	}
	if strings.Contains(before.String(), "events stored") {
		t.Errorf("a line after Set went to the first logger: %q", before.String())
	}
	var line map[string]any
	if err := json.Unmarshal(after.Bytes(), &line); err != nil {
		t.Fatalf("the line after Set is not in the new logger's JSON: %q: %v", after.String(), err)
	}
	ingest, _ := line["ingest"].(map[string]any)
	if line["msg"] != "events stored" || line["courier_host"] != "acme-post" || line["adapter"] != "acme" || ingest["events"] != float64(2) {
		t.Errorf("the line after Set lost its attributes or group: %v", line)
	}
}

func TestLogSwitchFollowsTheNewLoggersLevel(t *testing.T) {
	var buf bytes.Buffer
	sw := NewLogSwitch(nil) // nowhere until Set
	l := sw.Logger()
	l.Error("lost")
	sw.Set(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	l.Info("below the level")
	l.Warn("kept")
	if got := buf.String(); strings.Contains(got, "lost") || strings.Contains(got, "below the level") || !strings.Contains(got, "kept") {
		t.Errorf("lines = %q, want only the warning", got)
	}
}

func TestLogSwitchIsSafeWhileLinesAreLogged(t *testing.T) {
	sw := NewLogSwitch(slog.New(slog.DiscardHandler))
	l := sw.Logger().With("k", "v")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				l.Info("line")
			}
		})
	}
	for range 50 {
		sw.Set(slog.New(slog.DiscardHandler))
	}
	wg.Wait()
}
