package fedex

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
	"github.com/trackgate/trackgate/adapters/places"
	"github.com/trackgate/trackgate/adapters/scrub"
)

// scan is a scan event with its time.
type scan struct {
	at time.Time
	e  scanEvent
}

// latestResult is the shipment of results that FedEx scanned last: a
// number FedEx has used for more than one shipment (or a door tag) comes
// with a result each, and the shopper asks about the one moving now.
func latestResult(results []trackResult) *trackResult {
	best, bestAt := 0, time.Time{}
	for i := range results {
		for _, s := range scans(&results[i]) {
			if s.at.After(bestAt) {
				best, bestAt = i, s.at
			}
		}
	}
	return &results[best]
}

// scans are r's scan events that have a time, oldest first. A time
// without an offset is given its place's zone (places.Zone), else the
// offset of the nearest scan that has one, else UTC.
func scans(r *trackResult) []scan {
	type read struct {
		at        time.Time
		hasOffset bool
		e         scanEvent
	}
	var events []read
	for _, e := range r.ScanEvents {
		if at, hasOffset, ok := parseTime(e.Date); ok {
			events = append(events, read{at, hasOffset, e})
		}
	}
	offsets := make([]*time.Location, len(events)) // of the scans that have one
	for i, ev := range events {
		if ev.hasOffset {
			offsets[i] = ev.at.Location()
		}
	}
	nearest := places.NearestZones(offsets)
	out := make([]scan, len(events))
	for i, ev := range events {
		out[i] = scan{ev.at, ev.e}
		if ev.hasOffset {
			continue
		}
		zone, found := places.Zone(locationOf(ev.e.ScanLocation))
		if !found {
			zone = nearest[i]
		}
		if zone == nil {
			zone = time.UTC
		}
		out[i].at = places.WallClockIn(ev.at, zone)
	}
	// FedEx lists scans newest first.
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b scan) int { return a.at.Compare(b.at) })
	return out
}

// Layouts of FedEx's times: RFC 3339 as the Track API sends them, the
// "2024-08-12T15:18:10 -0500" of its documentation's samples, and the
// times without an offset some scans have ("2024-08-15T00:00:00").
var (
	offsetLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999 -0700", "2006-01-02T15:04:05.999999999-0700"}
	naiveLayouts  = []string{"2006-01-02T15:04:05.999999999", "2006-01-02"}
	earliest      = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
)

// parseTime reads a FedEx time, reporting whether it has an offset; one
// without is read as UTC.
func parseTime(s string) (at time.Time, hasOffset, ok bool) {
	s = strings.TrimSpace(s)
	for _, layout := range offsetLayouts {
		if t, err := time.Parse(layout, s); err == nil && !t.Before(earliest) {
			return t, true, true
		}
	}
	for _, layout := range naiveLayouts {
		if t, err := time.Parse(layout, s); err == nil && !t.Before(earliest) {
			return t, false, true
		}
	}
	return time.Time{}, false, false
}

// parcelOf turns FedEx's track result into a parcel numbered tn.
func parcelOf(courier, tn string, r *trackResult) (adapters.Parcel, error) {
	all := scans(r)
	if len(all) == 0 {
		if len(r.ScanEvents) > 0 {
			return adapters.Parcel{}, errMalformed
		}
		// Nothing has happened to the shipment that FedEx shows.
		return adapters.Parcel{}, adapters.ErrNotFound
	}
	view := adapters.View{Courier: courier, TrackingNumber: tn, Events: make([]adapters.Event, len(all))}
	substatuses := make([]string, len(all))
	returning := false
	for i, s := range all {
		var st adapters.Status
		if i == 0 {
			st, substatuses[i] = eventStatus(s.e, "", false, false)
		} else {
			st, substatuses[i] = eventStatus(s.e, view.Events[i-1].Status, true, returning)
		}
		returning = returning || substatuses[i] == phrases.ReturningToSender
		view.Events[i] = adapters.Event{Time: s.at, Status: st, Description: description(s.e), Location: locationOf(s.e.ScanLocation)}
	}
	last := len(all) - 1
	decisive := last
	// A delivery or return stays the shipment's status whatever notes
	// follow it.
	for i := last; i >= 0; i-- {
		if view.Events[i].Status.Final() {
			decisive = i
			break
		}
	}
	view.Status, view.Substatus = view.Events[decisive].Status, substatuses[decisive]
	view.UpdatedAt = view.Events[last].Time
	if view.Status == adapters.StatusDelivered && r.DeliveryDetails != nil {
		if where := cleanText(r.DeliveryDetails.LocationDescription); where != "" {
			e := &view.Events[decisive]
			e.Description = scrub.Text(strings.TrimRight(e.Description, ". ") + ", left at: " + where)
		}
	}
	if showsETA(view) {
		view.ETA = eta(r, view.Events[last].Time)
	}
	return adapters.Parcel{Version: uint64(len(view.Events)) + 1, View: view}, nil
}

// description is an event's text: FedEx's description of the scan, and
// the exception's when it adds to it ("Delivery exception: Customer not
// available or business closed"), scrubbed of personal data. An address
// FedEx appends ("Package available for pickup at: 2420 N BLACKSTONE
// AVE") is cut off: the view never shows a street.
func description(e scanEvent) string {
	d := cleanText(e.EventDescription)
	if x := withoutAddress(cleanText(e.ExceptionDescription)); x != "" && !strings.EqualFold(x, d) {
		if d == "" {
			d = x
		} else {
			d += ": " + x
		}
	}
	return scrub.Text(d)
}

// addressTail is ": " or " at " and a street number, up to the end.
var addressTail = regexp.MustCompile(`(?:\s*:\s*|\s+at\s+)\d+[A-Za-z]?\s+\S.*$`)

// withoutAddress cuts a street address off the end of FedEx's text, and
// the "at" that led to it.
func withoutAddress(s string) string {
	loc := addressTail.FindStringIndex(s)
	if loc == nil {
		return s
	}
	s = strings.TrimSpace(s[:loc[0]])
	s = strings.TrimSuffix(strings.TrimSuffix(s, ":"), " at")
	return strings.TrimSpace(s)
}

// cleanText trims FedEx's text and collapses its runs of spaces.
func cleanText(s string) string { return strings.Join(strings.Fields(s), " ") }

// brandWords are the words a FedEx facility name puts before its city
// ("FEDEX SMARTPOST INDIANAPOLIS").
var brandWords = map[string]bool{"FEDEX": true, "SMARTPOST": true, "GROUND": true, "EXPRESS": true, "FREIGHT": true, "OFFICE": true, "HUB": true}

// locationOf is the city, state and country of a scan, never more
// (places.Fields): the street lines and postal code are not even
// decoded.
func locationOf(l *scanLocation) *adapters.Location {
	if l == nil {
		return nil
	}
	return places.Fields(city(l.City), l.StateOrProvinceCode, l.CountryCode)
}

// city is a scan's city without the FedEx facility words before it, or
// "" when it holds digits or personal data.
func city(s string) string {
	words := strings.Fields(s)
	if len(words) > 1 && strings.EqualFold(words[0], "FEDEX") {
		for len(words) > 1 && brandWords[strings.ToUpper(words[0])] {
			words = words[1:]
		}
	}
	c := strings.Join(words, " ")
	if strings.ContainsAny(c, "0123456789@") || scrub.Has(c) {
		return ""
	}
	return c
}
