package dhl

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
	"github.com/trackgate/trackgate/adapters/places"
	"github.com/trackgate/trackgate/adapters/scrub"
	"github.com/trackgate/trackgate/crypto"
)

// response is DHL's answer; fields the adapter does not use are left out
// on purpose (details.proofOfDelivery is read only for the signer's name).
type response struct {
	Shipments []shipment `json:"shipments"`
}

type shipment struct {
	ID                         flexString `json:"id"`
	Service                    string     `json:"service"`
	Origin                     *place     `json:"origin"`
	Destination                *place     `json:"destination"`
	Status                     *event     `json:"status"`
	EstimatedTimeOfDelivery    string     `json:"estimatedTimeOfDelivery"`
	EstimatedDeliveryTimeFrame *struct {
		EstimatedFrom    string `json:"estimatedFrom"`
		EstimatedThrough string `json:"estimatedThrough"`
	} `json:"estimatedDeliveryTimeFrame"`
	EstimatedTimeOfDeliveryRemark string `json:"estimatedTimeOfDeliveryRemark"`
	Details                       *struct {
		ProofOfDelivery *struct {
			// Signed names whoever signed: a string or a Person object.
			Signed json.RawMessage `json:"signed"`
		} `json:"proofOfDelivery"`
	} `json:"details"`
	Events []event `json:"events"`
}

type event struct {
	Timestamp   string `json:"timestamp"`
	Location    *place `json:"location"`
	StatusCode  string `json:"statusCode"`
	Status      string `json:"status"`
	Description string `json:"description"`
	Remark      string `json:"remark"`
	NextSteps   string `json:"nextSteps"`
}

type place struct {
	Address *struct {
		CountryCode     string `json:"countryCode"`
		AddressLocality string `json:"addressLocality"`
	} `json:"address"`
}

// flexString is a string DHL sends as a JSON string or, in some answers,
// a number (a shipment's id).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

// shipment returns the shipment numbered tn, or the only one when DHL
// numbers it otherwise (a piece number asked for), or nil.
func (r *response) shipment(tn string) *shipment {
	for i := range r.Shipments {
		if id, err := crypto.NormalizeTrackingNumber(string(r.Shipments[i].ID)); err == nil && id == tn {
			return &r.Shipments[i]
		}
	}
	if len(r.Shipments) == 1 {
		return &r.Shipments[0]
	}
	return nil
}

// parcelOf turns DHL's shipment into a parcel numbered tn.
func parcelOf(courier, tn string, sh *shipment) (adapters.Parcel, error) {
	signer := signerNames(sh)
	clock := newClock(sh)
	type scan struct {
		at    time.Time
		e     event
		place *adapters.Location
	}
	var scans []scan
	zones := eventZones(sh.Events)
	for i, e := range sh.Events {
		loc := locationOf(e.Location)
		if at, ok := clock.readIn(e.Timestamp, zones[i]); ok {
			scans = append(scans, scan{at, e, loc})
		}
	}
	// DHL lists events newest first: reversed, then sorted stably in case
	// it does not.
	slices.Reverse(scans)
	slices.SortStableFunc(scans, func(a, b scan) int { return a.at.Compare(b.at) })

	view := adapters.View{Courier: courier, TrackingNumber: tn}
	var history phrases.History
	for _, s := range scans {
		view.Events = append(view.Events, adapters.Event{
			Time:        s.at,
			Status:      history.Add(eventStatus(s.e)),
			Description: text(s.e, signer),
			Location:    s.place,
		})
		view.UpdatedAt = s.at
	}
	if sh.Status != nil {
		history.Add(eventStatus(*sh.Status))
		if at, ok := clock.read(sh.Status.Timestamp, locationOf(sh.Status.Location)); ok && at.After(view.UpdatedAt) {
			view.UpdatedAt = at
		}
	}
	view.Status, view.Substatus = history.Status()
	if view.UpdatedAt.IsZero() {
		return adapters.Parcel{}, errMalformed // nothing dated: not a shipment DHL tracks
	}
	if !view.Status.Final() {
		view.ETA = clock.eta(sh)
	}
	return adapters.Parcel{Version: uint64(len(view.Events)) + 1, View: view}, nil
}

// text is an event's description (or its short status), followed by its
// remark and next steps — DHL's word on a customs hold and what comes of
// it — without the signer's name, and scrubbed. A description that is
// nothing but a name (DHL Express puts who signed there) is dropped.
func text(e event, signer []string) string {
	var parts []string
	description := strings.TrimSpace(e.Description)
	if bareName(description, e.Status, signer) {
		description = ""
	}
	if description == "" && strings.TrimSpace(e.Remark) == "" {
		description = strings.TrimSpace(e.Status)
	}
	for _, s := range []string{description, e.Remark, e.NextSteps} {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	return scrub.Text(maskNames(strings.Join(parts, " "), signer, e.Status))
}

// locationOf reads the city, region and country of a DHL place, never a
// street: "LOS ANGELES, CA - USA", "Henderson, NV, US", "Oderweg 2,
// AMSTERDAM" (see places.Parse).
func locationOf(p *place) *adapters.Location {
	if p == nil || p.Address == nil {
		return nil
	}
	loc := places.Parse(p.Address.AddressLocality, p.Address.CountryCode)
	if loc != nil && (strings.ContainsAny(loc.City, "0123456789@") || scrub.Has(loc.City)) {
		loc.City = ""
		if *loc == (adapters.Location{}) {
			return nil
		}
	}
	return loc
}
