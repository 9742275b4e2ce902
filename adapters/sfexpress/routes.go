package sfexpress

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trackgate/trackgate/adapters"
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
		event     adapters.Event
		substatus string
	}
	scans := make([]scan, 0, len(routes))
	for _, r := range routes {
		at, ok := acceptTime(r.AcceptTime)
		if !ok {
			continue // a route without a time cannot be placed in the history
		}
		m := routeStatus(r)
		description := strings.TrimSpace(r.Remark)
		if description == "" {
			description = strings.TrimSpace(r.SecondaryStatusName)
		}
		scans = append(scans, scan{adapters.Event{
			Time:        at,
			Status:      m.status,
			Description: scrub.Text(description),
			Location:    locationOf(r.AcceptAddress),
		}, m.substatus})
	}
	if len(scans) == 0 {
		return adapters.Parcel{}, errMalformed
	}
	// SF lists routes oldest first; a stable sort keeps its order for
	// scans of the same second and mends any that come out of order.
	slices.SortStableFunc(scans, func(a, b scan) int { return a.event.Time.Compare(b.event.Time) })
	events := make([]adapters.Event, len(scans))
	for i, s := range scans {
		events[i] = s.event
	}
	last := scans[len(scans)-1]
	return adapters.Parcel{
		Version: uint64(len(routes)),
		View: adapters.View{
			Courier:        courier,
			TrackingNumber: tn,
			Status:         last.event.Status,
			Substatus:      last.substatus,
			Events:         events,
			UpdatedAt:      last.event.Time,
		},
	}, nil
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

// regionsOutsideTheMainland are acceptAddress prefixes with their own
// ISO 3166 code.
var regionsOutsideTheMainland = []struct{ prefix, country string }{
	{"香港", "HK"}, {"澳门", "MO"}, {"澳門", "MO"}, {"台湾", "TW"}, {"臺灣", "TW"},
}

// streetMarks are characters of addresses finer than a city: roads,
// house numbers, buildings, rooms, villages.
const streetMarks = "路街道号號弄巷栋幢楼樓室村组組0123456789０１２３４５６７８９"

// maxPlaceRunes bounds a place name without 市, such as 香港: anything
// longer is more than a city.
const maxPlaceRunes = 10

// locationOf reads a city, and a province when there is one, from SF's
// acceptAddress ("深圳市", "广东省深圳市南山区"), and never anything
// finer: no district, street or number.
func locationOf(acceptAddress string) *adapters.Location {
	a := strings.TrimSpace(acceptAddress)
	if a == "" {
		return nil
	}
	loc := &adapters.Location{Country: "CN"}
	for _, r := range regionsOutsideTheMainland {
		if strings.HasPrefix(a, r.prefix) {
			loc.Country = r.country
		}
	}
	for _, mark := range []string{"省", "自治区"} {
		if i := strings.Index(a, mark); i > 0 && utf8.RuneCountInString(a[:i]) <= 8 {
			loc.Region, a = a[:i+len(mark)], a[i+len(mark):]
			break
		}
	}
	if i := strings.Index(a, "市"); i > 0 {
		loc.City = a[:i+len("市")]
	} else if utf8.RuneCountInString(a) <= maxPlaceRunes {
		loc.City = a
	}
	for _, part := range []*string{&loc.City, &loc.Region} {
		if strings.ContainsAny(*part, streetMarks) || scrub.Has(*part) {
			*part = ""
		}
	}
	if loc.City == "" && loc.Region == "" {
		return nil
	}
	return loc
}
