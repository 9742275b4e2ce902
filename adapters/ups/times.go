package ups

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/places"
)

// activityZones are the zones of activities (nil for none): the
// gmtOffset's, else the place's (places.Zone); an activity with neither
// takes the zone of the nearest one that has one — a label created "in
// US" happens where the next scan does.
func activityZones(activities []activity) []*time.Location {
	own := make([]*time.Location, len(activities))
	for i, a := range activities {
		if z, ok := offsetZone(a.GMTOffset); ok {
			own[i] = z
		} else if z, ok := places.Zone(locationOf(a)); ok {
			own[i] = z
		}
	}
	return places.NearestZones(own)
}

// activityTime is when an activity happened: the instant from gmtDate and
// gmtTime (UTC) shown at gmtOffset; else date and time read at gmtOffset;
// else read in zone (see activityZones); else read as UTC, the one choice
// that invents no offset.
func activityTime(a activity, zone *time.Location) (time.Time, bool) {
	offset, hasOffset := offsetZone(a.GMTOffset)
	if utc, ok := dateTime(a.GMTDate, a.GMTTime, time.UTC); ok {
		if hasOffset {
			return utc.In(offset), true
		}
		return utc, true
	}
	switch {
	case hasOffset:
		zone = offset
	case zone == nil:
		zone = time.UTC
	}
	return dateTime(a.Date, a.Time, zone)
}

// dateTime reads UPS's "YYYYMMDD" (also "YYYY-MM-DD", as gmtDate comes
// at times) and "HHMMSS" — also "HMMSS" and "HH:MM:SS", as gmtTime comes
// — at loc.
func dateTime(date, clock string, loc *time.Location) (time.Time, bool) {
	date = strings.ReplaceAll(strings.TrimSpace(date), "-", "")
	clock = strings.ReplaceAll(strings.TrimSpace(clock), ":", "")
	if len(date) != 8 || clock == "" || len(clock) > 6 {
		return time.Time{}, false
	}
	clock = strings.Repeat("0", 6-len(clock)) + clock
	t, err := time.ParseInLocation("20060102150405", date+clock, loc)
	return t, err == nil
}

// offsetPattern is gmtOffset: "-05:00", "+08:00".
var offsetPattern = regexp.MustCompile(`^([+-])(\d{2}):?(\d{2})$`)

func offsetZone(s string) (*time.Location, bool) {
	m := offsetPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return nil, false
	}
	h, _ := strconv.Atoi(m[2])
	min, _ := strconv.Atoi(m[3])
	if h > 14 || min > 59 {
		return nil, false
	}
	secs := (h*60 + min) * 60
	if m[1] == "-" {
		secs = -secs
	}
	return time.FixedZone("", secs), true
}

// eta is the delivery window UPS expects: the rescheduled delivery date,
// else the scheduled one, with the deliveryTime window (the whole day
// when there is none), at loc.
func eta(p *pkg, loc *time.Location) *adapters.ETA {
	var date string
	for _, want := range []string{"RDD", "SDD"} {
		for _, d := range p.DeliveryDate {
			if strings.TrimSpace(d.Type) == want && date == "" {
				date = d.Date
			}
		}
	}
	if date == "" {
		return nil
	}
	from, ok := dateTime(date, "000000", loc)
	if !ok {
		return nil
	}
	to := from.Add(24*time.Hour - time.Second)
	if dt := p.DeliveryTime; dt != nil {
		if t, ok := dateTime(date, dt.StartTime, loc); ok {
			from = t
		}
		if t, ok := dateTime(date, dt.EndTime, loc); ok {
			to = t
		}
	}
	if to.Before(from) {
		return nil
	}
	return &adapters.ETA{From: from, To: to}
}
