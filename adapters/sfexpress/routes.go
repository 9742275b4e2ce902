package sfexpress

import (
	"slices"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
	"github.com/trackgate/trackgate/adapters/places"
	"github.com/trackgate/trackgate/adapters/scrub"
)

// chinaTime is the offset of SF's acceptTime: China Standard Time, UTC+8
// all year (no daylight saving since 1991).
var chinaTime = time.FixedZone("CST", 8*60*60)

// acceptTimeLayouts are the forms of acceptTime seen in SF's answers.
var acceptTimeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05"}

// parcelOf turns SF's routes of tn into a parcel. Its version is the
// number of routes SF returned, which grows as SF adds routes.
func parcelOf(courier, tn string, routes []route) (adapters.Parcel, error) {
	type scan struct {
		at    time.Time
		m     mapping
		event adapters.Event
	}
	scans := make([]scan, 0, len(routes))
	for _, r := range routes {
		at, ok := acceptTime(r.AcceptTime)
		if !ok {
			continue // a route without a time cannot be placed in the history
		}
		description := strings.TrimSpace(r.Remark)
		if description == "" {
			description = strings.TrimSpace(r.SecondaryStatusName)
		}
		scans = append(scans, scan{at, routeStatus(r), adapters.Event{
			Time:        at,
			Description: scrub.Text(description),
			Location:    locationOf(r.AcceptAddress),
		}})
	}
	if len(scans) == 0 {
		return adapters.Parcel{}, errMalformed
	}
	// The route query lists routes oldest first, SF's older interfaces
	// newest first: a list that ends before it begins is turned round, so
	// that a stable sort keeps SF's order for scans of the same second (an
	// arrival, then the loading) and mends any that come out of order.
	if scans[0].at.After(scans[len(scans)-1].at) {
		slices.Reverse(scans)
	}
	slices.SortStableFunc(scans, func(a, b scan) int { return a.at.Compare(b.at) })
	view := adapters.View{Courier: courier, TrackingNumber: tn}
	var history phrases.History
	for _, s := range scans {
		s.event.Status = history.Add(phrases.Class{Status: s.m.status, Substatus: s.m.substatus})
		view.Events = append(view.Events, s.event)
		view.UpdatedAt = s.at
	}
	view.Status, view.Substatus = history.Status()
	return adapters.Parcel{Version: uint64(len(routes)), View: view}, nil
}

func acceptTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range acceptTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, chinaTime); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// locationOf reads a city, and a province when there is one, from SF's
// acceptAddress ("深圳市", "广东省深圳市南山区", and in older answers a
// depot: "北京海淀七街营业点" is in 北京市), and never anything finer: no
// district, depot, street or number (see places.Parse).
func locationOf(acceptAddress string) *adapters.Location {
	loc := places.Parse(acceptAddress, "")
	if loc != nil && scrub.Has(loc.City) {
		loc.City = ""
		if *loc == (adapters.Location{}) {
			return nil
		}
	}
	return loc
}
