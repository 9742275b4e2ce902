package adaptertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

// The checks of RunPush, one function each, so that the kit's own tests
// can show each catches the defect it is for.

// checkPushedParcel checks the parcel RunPush pushed history for.
func checkPushedParcel(p adapters.Parcel, h PushHarness, ref adapters.ParcelRef, history []PushEvent) error {
	if err := CheckView(p.View, h.Courier, ref.TrackingNumber, pushPII); err != nil {
		return err
	}
	if p.Version == 0 {
		return errors.New("parcel has version 0; versions start at 1")
	}
	for _, f := range p.Factors {
		if !slices.Contains(ref.Factors, f) {
			return fmt.Errorf("parcel has factor %q, which was not pushed", f)
		}
	}
	if h.Factors && len(p.Factors) == 0 {
		return errors.New("parcel has no factor, though one was pushed")
	}
	times, err := wireTimes(p.View)
	if err != nil {
		return err
	}
	want := make([]string, len(history))
	for i, e := range history {
		want[i] = e.Time
	}
	if !slices.Equal(times, want) {
		return fmt.Errorf("event times\n got %q\nwant %q (oldest first, each at the offset it was pushed with)", times, want)
	}
	if last := history[len(history)-1]; string(p.View.Status) != last.Status {
		return fmt.Errorf("view status %q; want the latest event's %q", p.View.Status, last.Status)
	}
	return nil
}

// wireTimes are the event times of v as marshalled.
func wireTimes(v adapters.View) ([]string, error) {
	var wire struct {
		Events []struct {
			Time string `json:"time"`
		} `json:"events"`
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return nil, err
	}
	times := make([]string, len(wire.Events))
	for i, e := range wire.Events {
		times[i] = e.Time
	}
	return times, nil
}

// snapshot is a parcel as a courier host sees it, for comparisons.
func snapshot(t *testing.T, src adapters.Source, ref adapters.ParcelRef) (string, uint64, error) {
	t.Helper()
	p, err := lookup(t, src, ref)
	if err != nil {
		return "", 0, err
	}
	data, err := json.Marshal(p.View)
	return string(data), p.Version, err
}

// checkRepeatIsStable pushes events already accepted again, as a courier
// retrying a batch whose answer it did not see.
func checkRepeatIsStable(t *testing.T, src adapters.Source, push Push, ref adapters.ParcelRef, again []PushEvent) error {
	before, version, err := snapshot(t, src, ref)
	if err != nil {
		return fmt.Errorf("Lookup: %w", err)
	}
	if err := pushCtx(t, push, again); err != nil {
		return fmt.Errorf("the intake refused events it had accepted before: %w", err)
	}
	after, version2, err := snapshot(t, src, ref)
	switch {
	case err != nil:
		return fmt.Errorf("Lookup after the repeat: %w", err)
	case version2 != version:
		return fmt.Errorf("pushing accepted events again moved the version from %d to %d", version, version2)
	case after != before:
		return fmt.Errorf("pushing accepted events again changed the view:\n%s\n%s", before, after)
	}
	return nil
}

// checkVersionRises pushes first, then next, and wants a higher version
// with next in the view.
func checkVersionRises(t *testing.T, src adapters.Source, push Push, ref adapters.ParcelRef, first []PushEvent, next PushEvent) error {
	if err := pushCtx(t, push, first); err != nil {
		return fmt.Errorf("push: %w", err)
	}
	p1, err := lookup(t, src, ref)
	if err != nil {
		return fmt.Errorf("Lookup: %w", err)
	}
	if err := pushCtx(t, push, []PushEvent{next}); err != nil {
		return fmt.Errorf("push: %w", err)
	}
	p2, err := lookup(t, src, ref)
	switch {
	case err != nil:
		return fmt.Errorf("Lookup after a new event: %w", err)
	case p2.Version <= p1.Version:
		return fmt.Errorf("a new event left the version at %d (was %d); it must rise with every change of the view", p2.Version, p1.Version)
	case len(p2.View.Events) != len(p1.View.Events)+1 || string(p2.View.Status) != next.Status:
		return fmt.Errorf("after a new %s event the view has %d events and status %q; want %d and %q",
			next.Status, len(p2.View.Events), p2.View.Status, len(p1.View.Events)+1, next.Status)
	}
	return nil
}

// checkOutOfOrder pushes a history newest first, one event a push: the
// view keeps its events oldest first and the latest event's status
// throughout, and every accepted event raises the version.
func checkOutOfOrder(t *testing.T, src adapters.Source, push Push, h PushHarness, now time.Time) error {
	history := h.history(pushReorder, now)
	ref := h.ref(pushReorder)
	latest := history[len(history)-1]
	var version uint64
	for i := len(history) - 1; i >= 0; i-- {
		e := history[i]
		if h.Factors {
			e.Factors = []string{pushFactor} // the first push of the parcel must carry it
		}
		if err := pushCtx(t, push, []PushEvent{e}); err != nil {
			return fmt.Errorf("push of event %d: %w", i, err)
		}
		p, err := lookup(t, src, ref)
		if err != nil {
			return fmt.Errorf("Lookup after event %d: %w", i, err)
		}
		if err := CheckView(p.View, h.Courier, ref.TrackingNumber, pushPII); err != nil {
			return fmt.Errorf("after event %d: %w", i, err)
		}
		if string(p.View.Status) != latest.Status {
			return fmt.Errorf("an older %s event pushed late moved the status to %q; the latest event says %q", e.Status, p.View.Status, latest.Status)
		}
		if p.Version <= version {
			return fmt.Errorf("an older event pushed late left the version at %d (was %d)", p.Version, version)
		}
		version = p.Version
	}
	p, err := lookup(t, src, ref)
	if err != nil {
		return err
	}
	return checkPushedParcel(p, h, ref, history)
}

// malformedPush is an event the intake must refuse, and the field at
// fault, which the refusal must name.
type malformedPush struct {
	name  string
	field string
	edit  func(*PushEvent)
}

var malformedPushes = []malformedPush{
	{"TimeWithoutOffset", "time", func(e *PushEvent) { e.Time = e.Time[:19] }},
	{"TimeNotATime", "time", func(e *PushEvent) { e.Time = "yesterday" }},
	{"StatusOutsideTheTaxonomy", "status", func(e *PushEvent) { e.Status = "signed" }},
	{"TrackingNumberThatDoesNotNormalize", "tracking_number", func(e *PushEvent) { e.TrackingNumber = "TG/1" }},
	{"CountryNotISO", "country", func(e *PushEvent) { e.Location = &adapters.Location{City: "Hangzhou", Country: "China"} }},
}

// checkRefusal pushes a batch with a good event for the found parcel, a
// good first event of a new parcel and m's malformed event: the intake
// must refuse it naming m.field, and nothing may change.
func checkRefusal(t *testing.T, src adapters.Source, push Push, h PushHarness, now time.Time, m malformedPush) error {
	ref := h.ref(pushFound)
	before, version, err := snapshot(t, src, ref)
	if err != nil {
		return fmt.Errorf("Lookup: %w", err)
	}
	update := h.history(pushFound, now.Add(time.Hour))[3]
	update.Description = "Delivered again to the front desk"
	fresh := h.history(pushNew, now)[0]
	bad := h.history(pushNew, now)[1]
	bad.Factors = nil
	m.edit(&bad)
	err = pushCtx(t, push, []PushEvent{update, fresh, bad})
	switch {
	case err == nil:
		return fmt.Errorf("the intake accepted a batch with a malformed event (%s)", m.name)
	case !strings.Contains(err.Error(), m.field):
		return fmt.Errorf("the refusal does not name the field at fault (%s): %q", m.field, err)
	}
	after, version2, err := snapshot(t, src, ref)
	switch {
	case err != nil:
		return fmt.Errorf("Lookup after a refused batch: %w", err)
	case version2 != version || after != before:
		return fmt.Errorf("a refused batch changed the parcel (version %d → %d):\n%s\n%s", version, version2, before, after)
	}
	newRef := h.ref(pushNew)
	if _, err := lookup(t, src, newRef); !errors.Is(err, adapters.ErrNotFound) {
		return fmt.Errorf("a refused batch created a parcel: Lookup = %v; want ErrNotFound", err)
	}
	return nil
}

// checkListed wants every parcel lister yields to check out, and the one
// RunPush pushed first among them, as Lookup gives it.
func checkListed(t *testing.T, src adapters.Source, lister adapters.Lister, h PushHarness) error {
	ref := h.ref(pushFound)
	want, version, err := snapshot(t, src, ref)
	if err != nil {
		return err
	}
	tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	var problems []error
	seen := false
	err = lister.Parcels(ctx, func(p adapters.Parcel) bool {
		if err := CheckView(p.View, h.Courier, p.View.TrackingNumber, pushPII); err != nil {
			problems = append(problems, fmt.Errorf("listed parcel: %w", err))
		}
		if p.View.TrackingNumber == tn {
			data, _ := json.Marshal(p.View)
			seen = true
			if string(data) != want || p.Version != version {
				problems = append(problems, fmt.Errorf("the listed parcel (version %d) differs from Lookup's (version %d):\n%s\n%s", p.Version, version, data, want))
			}
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("Parcels: %w", err)
	}
	if !seen {
		problems = append(problems, errors.New("the parcel pushed first is not listed"))
	}
	return errors.Join(problems...)
}
