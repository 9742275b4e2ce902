package ups

import (
	"slices"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
	"github.com/trackgate/trackgate/adapters/places"
	"github.com/trackgate/trackgate/adapters/scrub"
	"github.com/trackgate/trackgate/crypto"
)

// trackAPIResponse is UPS's answer. Of deliveryInformation only the
// location is decoded ("Front Door"); receivedBy, signature,
// deliveryPhoto, packageAddress and referenceNumber are personal data
// and never decoded.
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
	DeliveryInformation *struct {
		Location string `json:"location"`
	} `json:"deliveryInformation"`
	AccessPointInformation *struct {
		PickupByDate string `json:"pickupByDate"`
	} `json:"accessPointInformation"`
	Service *struct {
		Description string `json:"description"`
	} `json:"service"`
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
		at    time.Time
		class phrases.Class
		a     activity
		place *adapters.Location
		zone  *time.Location
	}
	zones := activityZones(p.Activity)
	var scans []scan
	for i, a := range p.Activity {
		if at, ok := activityTime(a, zones[i]); ok {
			scans = append(scans, scan{at, statusOf(a.Status), a, locationOf(a), zones[i]})
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
	var history phrases.History
	for _, s := range scans {
		description := ""
		if s.a.Status != nil {
			description = strings.TrimSpace(s.a.Status.Description)
		}
		view.Events = append(view.Events, adapters.Event{Time: s.at, Status: history.Add(s.class), Description: description, Location: s.place})
		view.UpdatedAt = s.at
	}
	history.Add(statusOf(p.CurrentStatus))
	view.Status, view.Substatus = history.Status()

	// What a shopper wants to know, where the view has a place for it.
	last := func(st adapters.Status) int {
		for i := len(scans) - 1; i >= 0; i-- {
			if scans[i].class.Status == st {
				return i
			}
		}
		return -1
	}
	if i := last(adapters.StatusDelivered); i >= 0 && p.DeliveryInformation != nil {
		addNote(&view.Events[i], "Delivery location", p.DeliveryInformation.Location)
	}
	if i := last(adapters.StatusAvailableForPickup); i >= 0 && p.AccessPointInformation != nil {
		if by, ok := dateTime(p.AccessPointInformation.PickupByDate, "000000", time.UTC); ok {
			addNote(&view.Events[i], "Pick up by", by.Format(time.DateOnly))
		}
	}
	if p.Service != nil {
		addNote(&view.Events[0], "Service", p.Service.Description)
	}
	for i := range view.Events {
		view.Events[i].Description = scrub.Text(view.Events[i].Description)
	}

	if !view.Status.Final() {
		// The latest activity's zone is the best guess at the delivery
		// address's.
		zone := scans[len(scans)-1].zone
		if zone == nil {
			zone = time.UTC
		}
		view.ETA = eta(p, zone)
	}
	return adapters.Parcel{Version: uint64(len(view.Events)) + 1, View: view}, nil
}

// addNote appends "label: value" to e's description, when value is a
// short plain text.
func addNote(e *adapters.Event, label, value string) {
	value = strings.Join(strings.Fields(value), " ")
	if value == "" || len(value) > 60 || scrub.Has(value) {
		return
	}
	if e.Description == "" {
		e.Description = label + ": " + value
		return
	}
	e.Description += " — " + label + ": " + value
}

// locationOf is the city, state and country of an activity, never more.
func locationOf(a activity) *adapters.Location {
	if a.Location == nil || a.Location.Address == nil {
		return nil
	}
	ad := a.Location.Address
	country := ad.CountryCode
	if strings.TrimSpace(country) == "" {
		country = ad.Country
	}
	loc := places.Fields(ad.City, ad.StateProvince, country)
	if loc != nil && scrub.Has(loc.City) {
		loc.City = ""
		if *loc == (adapters.Location{}) {
			return nil
		}
	}
	return loc
}
