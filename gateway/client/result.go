package client

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// Outcomes of one courier in a Track call (CourierOutcome.Status), next
// to the gateway's own per-courier statuses api.StatusTimeout,
// api.StatusUnavailable, api.StatusRateLimited and api.StatusInvalid.
const (
	OutcomeFound          = "found"
	OutcomeNotFound       = "not_found"       // or the factor is wrong: the same answer by design
	OutcomeStillLoading   = "still_loading"   // not found at a courier still publishing its first records
	OutcomeFactorRequired = "factor_required" // skipped: needs a factor and none was given
	OutcomeProofFailed    = "proof_failed"    // the evaluation did not verify against the directory key
	OutcomeRejected       = "rejected"        // a record opened badly or its view named another parcel
	OutcomeNoKey          = "no_key"          // the directory lists no key valid now
	OutcomeUnknownCourier = "unknown_courier" // a handoff to a courier not in the directory
	OutcomeInvalidHandoff = "invalid_handoff" // a handoff whose number has the wrong shape
	OutcomeNotFollowed    = "not_followed"    // a handoff that did not fit in the lookup's rounds (WithMaxHandoffs)
	OutcomeKeyLogRefused  = "key_log_refused" // not asked: its keys do not verify against the gateway's key log
)

// Result is everything Track found for one parcel.
type Result struct {
	// TrackingNumber is the normalized number asked for.
	TrackingNumber string `json:"tracking_number"`
	// Legs are the views found: the number asked first, then handoffs
	// breadth first.
	Legs []Leg `json:"legs"`
	// Timeline merges every leg's events, oldest first; events at the
	// same time keep leg order.
	Timeline []TimelineEvent `json:"timeline"`
	// Couriers says what became of every courier asked, in order.
	Couriers []CourierOutcome `json:"couriers"`

	// refused holds why each courier with OutcomeKeyLogRefused was not
	// asked (a *KeyLogError).
	refused map[string]error
}

// refuse reports courier ci, refused by the key log check, as not asked
// for number tn.
func (r *Result) refuse(ci *courierInfo, tn string) {
	r.Couriers = append(r.Couriers, CourierOutcome{Courier: ci.entry.ID, TrackingNumber: tn, Status: OutcomeKeyLogRefused})
	if r.refused == nil {
		r.refused = map[string]error{}
	}
	r.refused[ci.entry.ID] = ci.refused
}

// Refused returns why courier was not asked because its keys do not
// verify against the key log (a *KeyLogError), nil if it was not refused.
func (r *Result) Refused(courier string) error { return r.refused[courier] }

// KeyLogError returns why the first courier that was not asked because
// its keys do not verify against the key log was refused (a
// *KeyLogError), nil when every courier verified.
func (r *Result) KeyLogError() error {
	for _, o := range r.Couriers {
		if o.Status == OutcomeKeyLogRefused {
			return r.refused[o.Courier]
		}
	}
	return nil
}

// Leg is one courier's view of the parcel.
//
// A found leg also keeps what a subscriber needs (docs/protocol.md §10):
// Locator, which names the leg's record at the gateway and is what a
// subscription lists, and the leg's record key, which opens every later
// version of that record (OpenDelivery). The record key is as secret as
// the tracking number: it stays unexported, out of JSON and out of %v,
// and RecordKey hands it over only when asked.
type Leg struct {
	Courier     string        `json:"courier"`
	CourierName string        `json:"courier_name,omitempty"`
	Depth       int           `json:"depth"` // 0 for the number asked, n for the n-th handoff
	View        adapters.View `json:"view"`
	// Locator names the leg's record at the gateway (16 bytes).
	Locator crypto.B64 `json:"locator,omitempty"`

	// key is behind a pointer so that fmt prints an address, never the
	// bytes, when a Leg is printed with %v, %+v or %#v.
	key *recordKey
}

// TimelineEvent is one event of the merged timeline and the courier that
// reported it.
type TimelineEvent struct {
	Courier string `json:"courier"`
	adapters.Event
}

// CourierOutcome is what became of one (courier, number) asked.
type CourierOutcome struct {
	Courier        string `json:"courier"`
	TrackingNumber string `json:"tracking_number,omitempty"`
	Status         string `json:"status"` // an Outcome… constant or a gateway status
}

// Current returns the parcel's status now: that of the leg with the most
// recent event, the deeper leg on a tie or when no leg has events ("" when
// nothing was found). To tell a shopper what is happening, use Headline,
// which also reads substatuses and returns across legs.
func (r *Result) Current() adapters.Status {
	best := -1
	for i, l := range r.Legs {
		if best < 0 || laterLeg(l, r.Legs[best]) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return r.Legs[best].View.Status
}

// laterLeg reports whether a is at least as recent as b, so that among
// equals the deeper (or later listed) leg wins.
func laterLeg(a, b Leg) bool {
	la, lb := lastEvent(a), lastEvent(b)
	switch {
	case la.IsZero() != lb.IsZero():
		return !la.IsZero()
	case !la.Equal(lb):
		return la.After(lb)
	}
	return a.Depth >= b.Depth
}

func lastEvent(l Leg) time.Time {
	var t time.Time
	for _, e := range l.View.Events {
		if e.Time.After(t) {
			t = e.Time
		}
	}
	return t
}

// merge builds the timeline from the legs.
func (r *Result) merge() {
	r.Timeline = r.Timeline[:0]
	for _, l := range r.Legs {
		for _, e := range l.View.Events {
			r.Timeline = append(r.Timeline, TimelineEvent{Courier: l.Courier, Event: e})
		}
	}
	sort.SliceStable(r.Timeline, func(i, j int) bool { return r.Timeline[i].Time.Before(r.Timeline[j].Time) })
}

// nothingFound chooses the error for a Track that found no leg. A courier
// refused by the key log check makes it that courier's *KeyLogError: the
// gateway shows something it must not. Otherwise a courier
// that could not be asked for good (a bad proof, …) makes it ErrIncomplete;
// otherwise one that was only unavailable for the moment makes it
// ErrUnavailable; otherwise one still loading makes it ErrStillLoading
// (docs/protocol.md §11); otherwise it is ErrNotFound.
func (r *Result) nothingFound() error {
	if err := r.KeyLogError(); err != nil {
		return err
	}
	var transient, broken, needFactor, loading []string
	for _, o := range r.Couriers {
		switch o.Status {
		case OutcomeNotFound, OutcomeRejected, OutcomeNotFollowed:
		case OutcomeStillLoading:
			if !slices.Contains(loading, o.Courier) {
				loading = append(loading, o.Courier)
			}
		case OutcomeFactorRequired:
			needFactor = append(needFactor, o.Courier)
		case api.StatusTimeout, api.StatusUnavailable, api.StatusRateLimited:
			transient = append(transient, fmt.Sprintf("%s (%s)", o.Courier, strings.ReplaceAll(o.Status, "_", " ")))
		default:
			broken = append(broken, o.Courier+" "+o.Status)
		}
	}
	switch {
	case len(broken) > 0:
		return fmt.Errorf("%w (%s)", ErrIncomplete, strings.Join(append(broken, transient...), ", "))
	case len(transient) > 0:
		return fmt.Errorf("%w: %s", ErrUnavailable, joinAnd(transient))
	case len(loading) == 1:
		return fmt.Errorf("%w: %s is still publishing its parcels, so this one may not show yet; try again in a few minutes", ErrStillLoading, loading[0])
	case len(loading) > 1:
		return fmt.Errorf("%w: %s are still publishing their parcels, so this one may not show yet; try again in a few minutes", ErrStillLoading, joinAnd(loading))
	}
	switch len(needFactor) {
	case 0:
		return ErrNotFound
	case 1:
		return fmt.Errorf("%w; %s also matches but needs the last 4 digits of a phone number", ErrNotFound, needFactor[0])
	}
	return fmt.Errorf("%w; %s also match but need the last 4 digits of a phone number", ErrNotFound, joinAnd(needFactor))
}
