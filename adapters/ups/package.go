package ups

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/scrub"
	"github.com/trackgate/trackgate/crypto"
)

// trackAPIResponse is UPS's answer. deliveryInformation (receivedBy,
// signature, deliveryPhoto), packageAddress and referenceNumber are left
// out on purpose: they are personal data and never decoded.
type trackAPIResponse struct {
	TrackResponse *struct {
		Shipment []struct {
			InquiryNumber string `json:"inquiryNumber"`
			Package       []pkg  `json:"package"`
		} `json:"shipment"`
	} `json:"trackResponse"`
}

type pkg struct {
	TrackingNumber string     `json:"trackingNumber"`
	CurrentStatus  *status    `json:"currentStatus"`
	Activity       []activity `json:"activity"`
	DeliveryDate   []struct {
		Type string `json:"type"`
		Date string `json:"date"`
	} `json:"deliveryDate"`
	DeliveryTime *struct {
		Type      string `json:"type"`
		StartTime string `json:"startTime"`
		EndTime   string `json:"endTime"`
	} `json:"deliveryTime"`
}

type activity struct {
	Location *struct {
		Address *struct {
			City          string `json:"city"`
			StateProvince string `json:"stateProvince"`
			CountryCode   string `json:"countryCode"`
			Country       string `json:"country"`
		} `json:"address"`
	} `json:"location"`
	Status    *status `json:"status"`
	Date      string  `json:"date"`
	Time      string  `json:"time"`
	GMTDate   string  `json:"gmtDate"`
	GMTTime   string  `json:"gmtTime"`
	GMTOffset string  `json:"gmtOffset"`
}

type status struct {
	Type        string `json:"type"`
	Code        string `json:"code"`
	Description string `json:"description"`
	StatusCode  string `json:"statusCode"`
}

// pkg returns the package numbered tn, or the only one when UPS numbers
// it otherwise, or nil: UPS answers an unknown number with a shipment
// that has warnings and no package.
func (r *trackAPIResponse) pkg(tn string) *pkg {
	if r.TrackResponse == nil {
		return nil
	}
	var all []*pkg
	for i := range r.TrackResponse.Shipment {
		for j := range r.TrackResponse.Shipment[i].Package {
			p := &r.TrackResponse.Shipment[i].Package[j]
			if n, err := crypto.NormalizeTrackingNumber(p.TrackingNumber); err == nil && n == tn {
				return p
			}
			all = append(all, p)
		}
	}
	if len(all) == 1 {
		return all[0]
	}
	return nil
}

// parcelOf turns UPS's package into a parcel numbered tn.
func parcelOf(courier, tn string, p *pkg) (adapters.Parcel, error) {
	type scan struct {
		at time.Time
		a  activity
	}
	var scans []scan
	for _, a := range p.Activity {
		if at, ok := activityTime(a); ok {
			scans = append(scans, scan{at, a})
		}
	}
	if len(scans) == 0 {
		// Nothing has happened to the package that UPS shows.
		return adapters.Parcel{}, adapters.ErrNotFound
	}
	// UPS lists activities newest first.
	slices.Reverse(scans)
	slices.SortStableFunc(scans, func(a, b scan) int { return a.at.Compare(b.at) })

	view := adapters.View{Courier: courier, TrackingNumber: tn}
	activities := make([]activity, len(scans))
	for i, s := range scans {
		activities[i] = s.a
		var st adapters.Status
		if i == 0 {
			st, _ = statusOf(s.a.Status, "", false)
		} else {
			st, _ = statusOf(s.a.Status, view.Events[i-1].Status, true)
		}
		description := ""
		if s.a.Status != nil {
			description = scrub.Text(strings.TrimSpace(s.a.Status.Description))
		}
		view.Events = append(view.Events, adapters.Event{Time: s.at, Status: st, Description: description, Location: locationOf(s.a)})
	}
	last := view.Events[len(view.Events)-1]
	view.Status, view.UpdatedAt = last.Status, last.Time
	if p.CurrentStatus != nil {
		view.Status, view.Substatus = statusOf(p.CurrentStatus, last.Status, true)
	}
	if !view.Status.Final() {
		view.ETA = eta(p, latestZone(activities))
	}
	return adapters.Parcel{Version: uint64(len(view.Events)) + 1, View: view}, nil
}

// activityTime is when an activity happened: the instant from gmtDate and
// gmtTime shown at gmtOffset; else date and time read at gmtOffset; else
// date and time read as UTC.
func activityTime(a activity) (time.Time, bool) {
	zone, hasZone := offsetZone(a.GMTOffset)
	if utc, ok := dateTime(a.GMTDate, a.GMTTime, time.UTC); ok {
		if hasZone {
			return utc.In(zone), true
		}
		return utc, true
	}
	if !hasZone {
		zone = time.UTC
	}
	return dateTime(a.Date, a.Time, zone)
}

// dateTime reads UPS's "YYYYMMDD" and "HHMMSS" — also "HMMSS" and
// "HH:MM:SS", as gmtTime comes — at loc.
func dateTime(date, clock string, loc *time.Location) (time.Time, bool) {
	date, clock = strings.TrimSpace(date), strings.ReplaceAll(strings.TrimSpace(clock), ":", "")
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

// latestZone is the zone of the latest activity that has a gmtOffset
// (activities oldest first), UTC when none has: the best guess at the
// local time of the delivery address.
func latestZone(activities []activity) *time.Location {
	for i := len(activities) - 1; i >= 0; i-- {
		if zone, ok := offsetZone(activities[i].GMTOffset); ok {
			return zone
		}
	}
	return time.UTC
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

// countryCode is an ISO 3166-1 alpha-2 code.
var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// regionCode is a state or province as UPS gives it: GA, ON, NRW.
var regionCode = regexp.MustCompile(`^[A-Z]{2,3}$`)

// locationOf is the city, state and country of an activity, never more.
func locationOf(a activity) *adapters.Location {
	if a.Location == nil || a.Location.Address == nil {
		return nil
	}
	ad := a.Location.Address
	loc := &adapters.Location{City: strings.TrimSpace(ad.City)}
	if strings.ContainsAny(loc.City, "0123456789@") || scrub.Has(loc.City) {
		loc.City = ""
	}
	if r := strings.ToUpper(strings.TrimSpace(ad.StateProvince)); regionCode.MatchString(r) {
		loc.Region = r
	}
	for _, c := range []string{ad.CountryCode, ad.Country} {
		if c = strings.ToUpper(strings.TrimSpace(c)); countryCode.MatchString(c) {
			loc.Country = c
			break
		}
	}
	if *loc == (adapters.Location{}) {
		return nil
	}
	return loc
}
