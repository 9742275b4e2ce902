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

// PushEvent is one tracking event as a courier's own systems push it to
// a push adapter, in the kit's neutral terms: PushHarness.Push turns it
// into the adapter's intake format (for webhook, an EventIn). Time and
// Status are strings because the kit also pushes malformed ones.
type PushEvent struct {
	TrackingNumber string
	Factors        []string
	// Time is an RFC 3339 time with the offset of the place, as sent.
	Time        string
	Status      string
	Substatus   string
	Description string
	Location    *adapters.Location
}

// PushHarness is what RunPush needs to test an adapter fed by the
// courier's own pushes (adapters/webhook) rather than by a carrier API.
type PushHarness struct {
	// Courier is the courier id the adapter is configured with.
	Courier string
	// Open returns the adapter under test with an empty state, and Push,
	// which delivers a batch of events through the adapter's intake as
	// the courier's systems would (one HTTP request for webhook). Push
	// returns nil when the intake accepted the batch, and an error
	// carrying the intake's explanation when it refused it. Open
	// registers its cleanup with t.
	Open func(t *testing.T) (adapters.Source, Push)
	// Factors tells whether the courier's parcels take second factors
	// (the last 4 digits of a phone): the kit then pushes one with each
	// new parcel and looks parcels up with it; else it pushes none.
	Factors bool
	// Now is the adapter's clock (default time.Now): the kit's histories
	// lie in the two days before it.
	Now func() time.Time
}

// Push delivers events to a push adapter's intake; see PushHarness.Open.
type Push func(ctx context.Context, events []PushEvent) error

// pushPII is the personal data the kit salts its pushed histories with,
// the way couriers' remarks carry it. None of it may reach a view.
var pushPII = []string{"张三", "李四", "王五", "13800138000", "139-0013-9000", "zhangsan@example.com", "John Smith"}

// pushFactor is the second factor of the kit's parcels when the courier
// takes one; wrongFactor is one no parcel has.
const (
	pushFactor  = "8000"
	wrongFactor = "0000"
)

// pushStep is one event of a kit history: how long before the clock it
// happened, and at which offset the courier writes it.
type pushStep struct {
	before      time.Duration
	offset      int // seconds east of UTC
	status      adapters.Status
	substatus   string
	description string
	location    *adapters.Location
}

// pushHistory is a realistic history, oldest first, with personal data in
// its free text and times at two offsets.
var pushHistory = []pushStep{
	{50 * time.Hour, 0, adapters.StatusInfoReceived, "", "Shipment information received from sender, signed by John Smith", nil},
	{38 * time.Hour, 8 * 3600, adapters.StatusInTransit, "",
		"Departed Shanghai hub; contact zhangsan@example.com for questions", &adapters.Location{City: "Shanghai", Country: "CN"}},
	{27 * time.Hour, 8 * 3600, adapters.StatusOutForDelivery, "ofd",
		"快件已由快递员王五派送中，电话 139-0013-9000", &adapters.Location{City: "杭州市", Region: "浙江省", Country: "CN"}},
	{21 * time.Hour, 8 * 3600, adapters.StatusDelivered, "",
		"已签收，签收人：张三，如有疑问请联系派件员李四 13800138000", &adapters.Location{City: "杭州市", Region: "浙江省", Country: "CN"}},
}

// history returns the kit's history for parcel tn at clock now, oldest
// first, with the factor on its first event when the courier takes one.
func (h PushHarness) history(tn string, now time.Time) []PushEvent {
	events := make([]PushEvent, len(pushHistory))
	for i, s := range pushHistory {
		at := now.Add(-s.before).Truncate(time.Second).In(time.FixedZone("", s.offset))
		events[i] = PushEvent{
			TrackingNumber: tn, Time: at.Format(time.RFC3339), Status: string(s.status),
			Substatus: s.substatus, Description: s.description, Location: s.location,
		}
	}
	if h.Factors {
		events[0].Factors = []string{pushFactor}
	}
	return events
}

// ref is how the courier host asks about tn.
func (h PushHarness) ref(tn string) adapters.ParcelRef {
	r := adapters.ParcelRef{TrackingNumber: tn}
	if h.Factors {
		r.Factors = []string{pushFactor}
	}
	return r
}

func (h PushHarness) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// The parcels of RunPush, each in a state of its own.
const (
	pushFound   = "TG 2026 0530 0001" // as a courier might write it
	pushLater   = "TG202605300002"
	pushUnknown = "TG202605309999"
	pushReorder = "TG202605300003"
	pushNew     = "TG202605300004"
)

// RunPush tests the push adapter h opens: the kit pushes a realistic
// history, salted with personal data, through the adapter's intake and
// checks what the courier host relies on:
//
//   - the parcel's view passes CheckView (no personal data, normalized
//     number, statuses in the taxonomy, events oldest first), shows every
//     event at the time and offset it was pushed with, and takes its
//     status from the latest event;
//   - a parcel never pushed, a tracking number that does not normalize
//     and, for a courier with second factors, a wrong factor are
//     adapters.ErrNotFound, with error texts that name no number or
//     factor;
//   - the same parcel looks the same twice; pushing an event again
//     (a courier retrying) changes neither its view nor its version; a
//     new event raises the version;
//   - events pushed newest first, one push each, come out oldest first,
//     and an older event arriving late never moves the status back;
//   - a batch holding one malformed event (a time without an offset, a
//     status outside the taxonomy, a number that does not normalize, a
//     country that is not ISO 3166) is refused as a whole with an error
//     that names the field at fault, and changes nothing: neither the
//     parcel it would have updated nor the one it would have created;
//   - every parcel the adapter lists, if it is an adapters.Lister, is
//     the parcel Lookup gives;
//   - a Lookup whose context has ended fails, and not as not found.
func RunPush(t *testing.T, h PushHarness) {
	t.Helper()
	if h.Courier == "" || h.Open == nil {
		t.Fatal("adaptertest: PushHarness needs Courier and Open")
	}
	src, push := h.Open(t)
	if src == nil || push == nil {
		t.Fatal("PushHarness.Open returned no adapter or no Push")
	}
	now := h.now()
	history := h.history(pushFound, now)
	// Pushed newest first in one batch: the adapter orders them.
	batch := slices.Clone(history)
	slices.Reverse(batch)
	if err := pushCtx(t, push, batch); err != nil {
		t.Fatalf("the intake refused a well-formed history: %v", err)
	}
	ref := h.ref(pushFound)

	t.Run("Found", func(t *testing.T) {
		p, err := lookup(t, src, ref)
		if err != nil {
			t.Fatalf("Lookup: %v", err)
		}
		if err := checkPushedParcel(p, h, ref, history); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("FoundTwiceIsStable", func(t *testing.T) {
		a, va, errA := snapshot(t, src, ref)
		b, vb, errB := snapshot(t, src, ref)
		if errA != nil || errB != nil || a != b || va != vb {
			t.Fatalf("two lookups differ (versions %d, %d; errors %v, %v):\n%s\n%s", va, vb, errA, errB, a, b)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		refs := []adapters.ParcelRef{h.ref(pushUnknown), {TrackingNumber: "TG/1"}}
		if h.Factors {
			refs = append(refs, adapters.ParcelRef{TrackingNumber: pushFound, Factors: []string{wrongFactor}})
		}
		for _, r := range refs {
			_, err := lookup(t, src, r)
			if cerr := CheckError(err, adapters.ErrNotFound, r); cerr != nil {
				t.Errorf("Lookup(%q, factors %q): %v", r.TrackingNumber, r.Factors, cerr)
			}
		}
	})
	t.Run("PushedAgainIsStable", func(t *testing.T) {
		if err := checkRepeatIsStable(t, src, push, ref, history[1:3]); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("NewEventRaisesTheVersion", func(t *testing.T) {
		events := h.history(pushLater, now)
		if err := checkVersionRises(t, src, push, h.ref(pushLater), events[:2], events[2]); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OutOfOrder", func(t *testing.T) {
		if err := checkOutOfOrder(t, src, push, h, now); err != nil {
			t.Fatal(err)
		}
	})
	for _, m := range malformedPushes {
		t.Run("Refuses/"+m.name, func(t *testing.T) {
			if err := checkRefusal(t, src, push, h, now, m); err != nil {
				t.Fatal(err)
			}
		})
	}
	if lister, ok := src.(adapters.Lister); ok {
		t.Run("Listed", func(t *testing.T) {
			if err := checkListed(t, src, lister, h); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("CancelledContext", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := src.Lookup(ctx, ref)
		switch {
		case err == nil:
			t.Fatal("Lookup with a cancelled context succeeded")
		case errors.Is(err, adapters.ErrNotFound):
			t.Fatalf("Lookup with a cancelled context says the parcel does not exist: %v", err)
		}
	})
}

func pushCtx(t *testing.T, push Push, events []PushEvent) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	return push(ctx, events)
}

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
