package adaptertest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
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
