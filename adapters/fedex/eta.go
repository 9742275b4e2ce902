package fedex

import (
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
	"github.com/trackgate/trackgate/adapters/places"
)

// showsETA reports whether a delivery window means anything for v: not
// once the shipment is delivered or returned, waiting at a FedEx location
// for the recipient, or on its way back to the shipper.
func showsETA(v adapters.View) bool {
	return !v.Status.Final() && v.Status != adapters.StatusAvailableForPickup && v.Substatus != phrases.ReturningToSender
}

// eta is the delivery window FedEx expects: estimatedDeliveryTimeWindow,
// else the ESTIMATED_DELIVERY date, else standardTransitTimeWindow (the
// service's commitment). A bare date, or a time at midnight as FedEx
// writes dates ("2024-08-21T00:00:00-06:00"), is that whole day; a time
// alone is "by then" that day. A window that ends before the latest scan
// is stale and not shown. Times without an offset are read at latest's.
func eta(r *trackResult, latest time.Time) *adapters.ETA {
	var w *adapters.ETA
	if r.EstimatedDeliveryTimeWindow != nil {
		w = window(r.EstimatedDeliveryTimeWindow, latest)
	}
	if w == nil {
		for _, d := range r.DateAndTimes {
			if d.Type == "ESTIMATED_DELIVERY" && w == nil {
				if at, ok := readAt(d.DateTime, latest); ok {
					w = day(at)
				}
			}
		}
	}
	if w == nil && r.StandardTransitTimeWindow != nil {
		w = window(r.StandardTransitTimeWindow, latest)
	}
	if w == nil || w.To.Before(w.From) || w.To.Before(latest) {
		return nil
	}
	return w
}

// window reads a FedEx time window: begins and ends, or either alone.
func window(tw *timeWindow, latest time.Time) *adapters.ETA {
	if tw.Window == nil {
		return nil
	}
	begins, hasBegin := readAt(tw.Window.Begins, latest)
	ends, hasEnd := readAt(tw.Window.Ends, latest)
	switch {
	case hasBegin && hasEnd:
		return &adapters.ETA{From: begins, To: ends}
	case hasEnd:
		return day(ends)
	case hasBegin:
		return &adapters.ETA{From: begins, To: endOfDay(begins)}
	}
	return nil
}

// readAt parses a FedEx time, one without an offset at latest's.
func readAt(s string, latest time.Time) (time.Time, bool) {
	at, hasOffset, ok := parseTime(s)
	if ok && !hasOffset {
		at = places.WallClockIn(at, latest.Location())
	}
	return at, ok
}

// day is the window of "by at": the whole day when at is midnight, the
// day up to at otherwise.
func day(at time.Time) *adapters.ETA {
	start := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, at.Location())
	if at.Equal(start) {
		return &adapters.ETA{From: start, To: endOfDay(start)}
	}
	return &adapters.ETA{From: start, To: at}
}

func endOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, t.Location())
}
