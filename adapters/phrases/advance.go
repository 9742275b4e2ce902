package phrases

import "github.com/trackgate/trackgate/adapters"

// Advance returns the status of a parcel that was in status current
// after an event of status next, so that a status is decided from the
// whole history rather than from its last line:
//
//   - an informational event ("") changes nothing, nor does pending once
//     anything is known, nor info_received once the carrier has the
//     parcel (its data arriving after the parcel is late news);
//   - a final status (delivered, returned, expired) is kept against the
//     steps of a journey that come before it — info_received, in_transit,
//     out_for_delivery, available_for_pickup, attempt_failed — which
//     after it are late or repeated scans, not news;
//   - returned is kept against delivered (a returned parcel is delivered
//     to its sender); expired gives way to either, and never replaces
//     them;
//   - anything else, an exception above all, is the new status.
//
// current "" is a parcel with no history yet.
func Advance(current, next adapters.Status) adapters.Status {
	switch {
	case next == "":
		return current
	case next == adapters.StatusPending && current != "":
		return current
	case next == adapters.StatusInfoReceived && current != "" && current != adapters.StatusPending:
		return current
	case current == adapters.StatusReturned && next == adapters.StatusDelivered:
		return current
	case current.Final() && next == adapters.StatusExpired:
		return current
	case current.Final() && !next.Final() && next != adapters.StatusException:
		return current
	}
	return next
}

// Moves reports whether an event of status next sets the status of a
// parcel in status current (Advance returns next, the same status
// included): the latest such event is the one whose substatus the view
// shows.
func Moves(current, next adapters.Status) bool {
	return next != "" && Advance(current, next) == next
}

// History decides a parcel's status event by event, oldest first, with
// Advance, and keeps the substatus of the latest event that set it. Its
// zero value is a parcel with no history.
type History struct {
	status    adapters.Status
	substatus string
}

// Add records an event of class c and returns the parcel's status after
// it: pending while nothing but informational lines are known.
func (h *History) Add(c Class) adapters.Status {
	if Moves(h.status, c.Status) {
		h.substatus = c.Substatus
	}
	h.status = Advance(h.status, c.Status)
	if h.status == "" {
		return adapters.StatusPending
	}
	return h.status
}

// Status is the parcel's status and substatus: pending when nothing is
// known.
func (h *History) Status() (adapters.Status, string) {
	if h.status == "" {
		return adapters.StatusPending, ""
	}
	return h.status, h.substatus
}

// AddUnknown records an event whose code no table knows and whose text
// says nothing known: in transit, its substatus naming the raw code so
// that a new code shows up, while the parcel has come no further than in
// transit; an informational line after that, so that a code nobody has
// seen never moves a parcel back. It returns the parcel's status after
// it.
func (h *History) AddUnknown(substatus string) adapters.Status {
	switch h.status {
	case "", adapters.StatusPending, adapters.StatusInfoReceived, adapters.StatusInTransit:
		return h.Add(Class{adapters.StatusInTransit, substatus})
	}
	return h.Add(Class{})
}
