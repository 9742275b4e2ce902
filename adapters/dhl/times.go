package dhl

import (
	"slices"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/places"
)

// clock reads DHL's times. Most carry an offset; DHL Express's come
// without one and are local to where the event happened, so a time
// without an offset is read in the zone of its place (places.Zone),
// else of the nearest event's place (eventZones), else of the shipment's
// destination, else of its origin, else as UTC — the one choice that
// invents no offset.
type clock struct {
	fallback *time.Location
}

func newClock(sh *shipment) clock {
	for _, p := range []*place{sh.Destination, sh.Origin} {
		if z, ok := places.Zone(locationOf(p)); ok {
			return clock{fallback: z}
		}
	}
	return clock{fallback: time.UTC}
}

// layouts are DHL's forms of a time: RFC 3339, and without an offset.
var (
	withOffset    = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"}
	withoutOffset = []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"}
)

// read reads s, a time at place.
func (c clock) read(s string, place *adapters.Location) (time.Time, bool) {
	zone, _ := places.Zone(place)
	return c.readIn(s, zone)
}

// eventZones gives each of DHL's events (newest first) the zone of its
// own place, else of the nearest event with one — the one before it in
// time first, as a scan without a place ("Shipment picked up", "Customs
// status updated") happened where the parcel last was — else nil, for
// the clock's fallback. The declarative DHL reads times the same way.
func eventZones(events []event) []*time.Location {
	own := make([]*time.Location, len(events))
	for i, e := range events {
		// Oldest first, as places.EarlierZones wants them.
		own[len(events)-1-i], _ = places.Zone(locationOf(e.Location))
	}
	zones := places.EarlierZones(own)
	slices.Reverse(zones)
	return zones
}

// readIn reads s, a time in zone when it carries no offset (nil: the
// clock's fallback).
func (c clock) readIn(s string, zone *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range withOffset {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if zone == nil {
		zone = c.fallback
	}
	for _, layout := range withoutOffset {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// eta is the window DHL expects to deliver in, at the destination: the
// time frame, else the estimated time — a whole day when it is a day's
// midnight, or when the remark says "end of day" — else nil.
func (c clock) eta(sh *shipment) *adapters.ETA {
	if tf := sh.EstimatedDeliveryTimeFrame; tf != nil {
		from, ok1 := c.read(tf.EstimatedFrom, nil)
		to, ok2 := c.read(tf.EstimatedThrough, nil)
		if ok1 && ok2 && !to.Before(from) {
			return &adapters.ETA{From: from, To: to}
		}
	}
	at, ok := c.read(sh.EstimatedTimeOfDelivery, nil)
	if !ok {
		return nil
	}
	midnight := at.Hour() == 0 && at.Minute() == 0 && at.Second() == 0
	if midnight || strings.Contains(strings.ToLower(sh.EstimatedTimeOfDeliveryRemark), "end of day") {
		y, m, d := at.Date()
		end := time.Date(y, m, d, 23, 59, 59, 0, at.Location())
		if !end.Before(at) {
			return &adapters.ETA{From: at, To: end}
		}
	}
	return &adapters.ETA{From: at, To: at}
}
