package courierhost

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

// longParcel is a parcel with n events, a handoff and an ETA: far more
// than a record holds when n is large.
func longParcel(tn string, n int, start time.Time) adapters.Parcel {
	p := testParcel(tn, 1, start)
	p.View.Events = nil
	for i := range n {
		p.View.Events = append(p.View.Events, adapters.Event{
			Time: start.Add(time.Duration(i) * time.Minute), Status: adapters.StatusInTransit,
			Description: fmt.Sprintf("Scanned at sorting facility number %03d", i),
			Location:    &adapters.Location{City: "Shenzhen", Region: "Guangdong", Country: "CN"},
		})
	}
	p.View.Status = adapters.StatusOutForDelivery
	p.View.ETA = &adapters.ETA{From: start.Add(24 * time.Hour), To: start.Add(30 * time.Hour)}
	p.View.Handoffs = []adapters.Handoff{{Courier: "sim-onward", TrackingNumber: "ON123456789"}}
	p.View.UpdatedAt = start.Add(time.Duration(n) * time.Minute)
	return p
}

func TestLongViewLosesItsOldestEventsToFitTheRecordSize(t *testing.T) {
	clk := newClock()
	now := clk.Now()
	var logs bytes.Buffer
	cfg := testConfig(t, now, newFakeSource())
	cfg.Now = clk.Now
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	h := mustNew(t, cfg)
	p := longParcel("SW123456789012", 200, now)
	sealed := indexAll(t, h, now, p)
	if len(sealed) != 1 || len(sealed[0].Ciphertext) != crypto.DefaultRecordSize {
		t.Fatalf("sealed %d records, want 1 of exactly %d bytes", len(sealed), crypto.DefaultRecordSize)
	}
	d := clientLookup(t, h, cfg.Keys[0].Key, "SW123456789012", "")
	v := openView(t, d, sealed[0])
	kept := len(v.Events)
	if kept == 0 || kept >= 200 {
		t.Fatalf("the view kept %d of 200 events, want some but not all", kept)
	}
	if newest := p.View.Events[199]; !v.Events[kept-1].Time.Equal(newest.Time) || v.Events[kept-1].Description != newest.Description {
		t.Errorf("the newest event was left out: last kept is %+v", v.Events[kept-1])
	}
	if oldest := p.View.Events[200-kept]; v.Events[0].Description != oldest.Description {
		t.Errorf("not the oldest events were left out: first kept is %q, want %q", v.Events[0].Description, oldest.Description)
	}
	if v.Status != adapters.StatusOutForDelivery || v.ETA == nil || len(v.Handoffs) != 1 || v.Handoffs[0].TrackingNumber != "ON123456789" {
		t.Errorf("status, ETA or handoffs lost: %+v", v)
	}
	// As many events as fit: one more would not.
	withOneMore := v
	withOneMore.Events = p.View.Events[200-kept-1:]
	if b := mustJSON(t, withOneMore); len(b) <= crypto.MaxViewBytes(crypto.DefaultRecordSize) {
		t.Errorf("%d events would have fit (%d bytes), only %d kept", kept+1, len(b), kept)
	}
	out := logs.String()
	if want := fmt.Sprintf("events_left_out=%d", 200-kept); !strings.Contains(out, want) {
		t.Errorf("logs lack %s:\n%s", want, out)
	}
	for _, secret := range []string{"SW123456789012", "Shenzhen", "sorting facility", "ON123456789"} {
		if strings.Contains(out, secret) {
			t.Errorf("logs carry parcel data %q", secret)
		}
	}
}

func TestViewFittingAsItIsKeepsEveryEvent(t *testing.T) {
	clk := newClock()
	now := clk.Now()
	cfg := testConfig(t, now, newFakeSource())
	cfg.Now = clk.Now
	h := mustNew(t, cfg)
	sealed := indexAll(t, h, now, longParcel("SW123456789012", 10, now))
	v := openView(t, clientLookup(t, h, cfg.Keys[0].Key, "SW123456789012", ""), sealed[0])
	if len(v.Events) != 10 || len(sealed[0].Ciphertext) != crypto.DefaultRecordSize {
		t.Errorf("%d events in a record of %d bytes, want all 10 in %d", len(v.Events), len(sealed[0].Ciphertext), crypto.DefaultRecordSize)
	}
}

func TestViewThatDoesNotFitWithOneEventIsRejected(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, events := range []int{0, 1, 3} {
		t.Run(fmt.Sprint(events, " events"), func(t *testing.T) {
			cfg := testConfig(t, now, newFakeSource())
			cfg.RecordSize = crypto.MinRecordSize
			h := mustNew(t, cfg)
			p := longParcel("SW123456789012", events, now)
			// Handoffs are never dropped: with enough of them nothing fits.
			for i := range 10 {
				p.View.Handoffs = append(p.View.Handoffs, adapters.Handoff{Courier: "sim-onward", TrackingNumber: fmt.Sprintf("ON%09d", i)})
			}
			_, err := h.indexParcel(p, now)
			if !errors.Is(err, errViewTooLarge) {
				t.Fatalf("indexParcel error = %v, want errViewTooLarge", err)
			}
			var counts syncCounts
			counts.count(err, 0)
			if counts.rejected != 1 {
				t.Errorf("the parcel is not counted as rejected: %+v", counts)
			}
			if _, records := h.index.size(); records != 0 {
				t.Errorf("the rejected parcel left %d records", records)
			}
		})
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
