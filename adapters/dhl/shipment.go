package dhl

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/scrub"
	"github.com/trackgate/trackgate/crypto"
)

// response is DHL's answer; fields the adapter does not use are left out
// on purpose (details.proofOfDelivery is read only for the signer's name).
type response struct {
	Shipments []shipment `json:"shipments"`
}

type shipment struct {
	ID                         string `json:"id"`
	Service                    string `json:"service"`
	Status                     *event `json:"status"`
	EstimatedTimeOfDelivery    string `json:"estimatedTimeOfDelivery"`
	EstimatedDeliveryTimeFrame *struct {
		EstimatedFrom    string `json:"estimatedFrom"`
		EstimatedThrough string `json:"estimatedThrough"`
	} `json:"estimatedDeliveryTimeFrame"`
	Details *struct {
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
}

type place struct {
	Address *struct {
		CountryCode     string `json:"countryCode"`
		AddressLocality string `json:"addressLocality"`
	} `json:"address"`
}

// shipment returns the shipment numbered tn, or the only one when DHL
// numbers it otherwise (a piece number asked for), or nil.
func (r *response) shipment(tn string) *shipment {
	for i := range r.Shipments {
		if id, err := crypto.NormalizeTrackingNumber(r.Shipments[i].ID); err == nil && id == tn {
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
	type scan struct {
		at time.Time
		e  event
	}
	var scans []scan
	for _, e := range sh.Events {
		if at, ok := timestamp(e.Timestamp); ok {
			scans = append(scans, scan{at, e})
		}
	}
	// DHL lists events newest first: reversed, then sorted stably in case
	// it does not.
	slices.Reverse(scans)
	slices.SortStableFunc(scans, func(a, b scan) int { return a.at.Compare(b.at) })

	view := adapters.View{Courier: courier, TrackingNumber: tn, Status: adapters.StatusPending}
	for i, s := range scans {
		view.Status, view.Substatus = eventStatus(s.e, view.Status, i > 0)
		view.Events = append(view.Events, adapters.Event{
			Time:        s.at,
			Status:      view.Status,
			Description: text(s.e, signer),
			Location:    locationOf(s.e.Location),
		})
		view.UpdatedAt = s.at
	}
	if sh.Status != nil {
		st, sub := eventStatus(*sh.Status, view.Status, len(view.Events) > 0)
		view.Status, view.Substatus = st, sub
		if at, ok := timestamp(sh.Status.Timestamp); ok && at.After(view.UpdatedAt) {
			view.UpdatedAt = at
		}
	}
	if view.UpdatedAt.IsZero() {
		return adapters.Parcel{}, errMalformed // nothing dated: not a shipment DHL tracks
	}
	if !view.Status.Final() {
		view.ETA = eta(sh)
	}
	return adapters.Parcel{Version: uint64(len(view.Events)) + 1, View: view}, nil
}

// timestampLayouts are DHL's forms of a time: RFC 3339, and without an
// offset, which is read as UTC.
var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

func timestamp(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// eta is the window DHL expects to deliver in: the time frame, else the
// single estimated time; nil when DHL gives none that reads.
func eta(sh *shipment) *adapters.ETA {
	if tf := sh.EstimatedDeliveryTimeFrame; tf != nil {
		from, ok1 := timestamp(tf.EstimatedFrom)
		to, ok2 := timestamp(tf.EstimatedThrough)
		if ok1 && ok2 && !to.Before(from) {
			return &adapters.ETA{From: from, To: to}
		}
	}
	if at, ok := timestamp(sh.EstimatedTimeOfDelivery); ok {
		return &adapters.ETA{From: at, To: at}
	}
	return nil
}

// text is an event's description (or its short status), without the
// signer's name and scrubbed.
func text(e event, signer []string) string {
	s := strings.TrimSpace(e.Description)
	if s == "" {
		s = strings.TrimSpace(e.Status)
	}
	return scrub.Text(maskNames(s, signer))
}

// signerNames are the parts of proofOfDelivery.signed, longest first:
// DHL repeats them in the delivery event ("Signed for by: JESSICA
// MILLER") where no label may announce them.
func signerNames(sh *shipment) []string {
	if sh.Details == nil || sh.Details.ProofOfDelivery == nil {
		return nil
	}
	var names []string
	var collect func(v any)
	collect = func(v any) {
		switch v := v.(type) {
		case string:
			for _, n := range append([]string{v}, strings.Fields(v)...) {
				// One letter is an initial, which the text has everywhere.
				if len([]rune(n)) > 1 && !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		case map[string]any:
			for k, f := range v {
				if k != "type" && k != "@type" {
					collect(f)
				}
			}
		}
	}
	var signed any
	if json.Unmarshal(sh.Details.ProofOfDelivery.Signed, &signed) == nil {
		collect(signed)
	}
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) })
	return names
}

// maskNames masks every whole-word occurrence of names in s, in any case.
func maskNames(s string, names []string) string {
	for _, n := range names {
		re := regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(n) + `\b`)
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			if len(m) < len(scrub.MaskName) {
				return strings.Repeat("*", len([]rune(m)))
			}
			return scrub.MaskName
		})
	}
	return s
}

// countryCode is an ISO 3166-1 alpha-2 code.
var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// locationOf reads the city and country of a DHL place, never a street.
func locationOf(p *place) *adapters.Location {
	if p == nil || p.Address == nil {
		return nil
	}
	loc := &adapters.Location{City: localityCity(p.Address.AddressLocality)}
	if cc := strings.ToUpper(strings.TrimSpace(p.Address.CountryCode)); countryCode.MatchString(cc) {
		loc.Country = cc
	}
	if loc.City == "" && loc.Country == "" {
		return nil
	}
	return loc
}

// localityCity is the city of DHL's addressLocality, which holds a city
// ("Bonn"), a city and country ("LEIPZIG - GERMANY"), a service area
// ("AMSTERDAM HUB"), or a street and city ("Oderweg 2, AMSTERDAM").
func localityCity(s string) string {
	if i := strings.LastIndex(s, ","); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.Index(s, " - "); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, "0123456789@") || scrub.Has(s) {
		return ""
	}
	return s
}
