package declarative

import (
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // an event's local time must not depend on the host's zoneinfo

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/scrub"
)

// This file is a minimal stand-in for adapters/places (locality strings
// and the zones of places), which is being written in parallel: once it
// is merged, parseLocality and zoneOf should call it and the tables below
// go. They know the formats of the DHL answers this package is tested
// with, and the zones of the countries and US states those answers name.

// parseLocality reads a carrier's locality string — "Bonn", "LEIPZIG -
// GERMANY", "LOS ANGELES, CA - USA", "Henderson, NV, US", "Oderweg 2,
// AMSTERDAM", "NEW YORK, NY - EAST ELMHURST - USA", "Deutschland" — into
// a city, a region and an ISO country code, never finer than a city:
// a street before the city is dropped, and a city with digits or
// personal data in it is no city. countryHint is the country the carrier
// gives apart (its countryCode), which tells a region ("CA" in "LOS
// ANGELES, CA") from a country.
func parseLocality(s, countryHint string) adapters.Location {
	var loc adapters.Location
	hint := countryCode(countryHint)
	segments := strings.Split(s, " - ")
	if n := len(segments); n > 1 {
		if cc := countryCode(segments[n-1]); cc != "" {
			loc.Country, segments = cc, segments[:n-1]
		}
	}
	parts := strings.Split(segments[0], ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if n := len(parts); n > 1 && loc.Country == "" {
		if cc := countryCode(parts[n-1]); cc != "" && (hint == "" || cc == hint) {
			loc.Country, parts = cc, parts[:n-1]
		}
	}
	if n := len(parts); n > 1 && regionCode.MatchString(parts[n-1]) {
		loc.Region, parts = parts[n-1], parts[:n-1]
	}
	city := parts[len(parts)-1]
	if len(parts) == 1 && len(segments) == 1 && loc.Country == "" {
		if cc := countryCode(city); cc != "" && len(city) > 3 {
			loc.Country, city = cc, "" // a country written as the locality
		}
	}
	if city != "" && !strings.ContainsAny(city, "0123456789@") && !scrub.Has(city) {
		loc.City = city
	}
	if loc.Country == "" {
		loc.Country = hint
	}
	return loc
}

// regionCode is a state or province code: "CA", "NY", "NSW".
var regionCode = regexp.MustCompile(`^[A-Z]{2,3}$`)

// isoCode is an ISO 3166-1 alpha-2 code in upper case.
var isoCode = regexp.MustCompile(`^[A-Z]{2}$`)

// countryCode is the ISO code of a country's code or name, "" when s is
// neither. Codes are checked for shape only: the carrier's countryCode
// fields hold nothing else.
func countryCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if cc, ok := countryNames[s]; ok {
		return cc
	}
	if isoCode.MatchString(s) {
		return s
	}
	return ""
}

// countryNames are the names carriers write countries with.
var countryNames = map[string]string{
	"USA": "US", "UNITED STATES": "US", "UNITED STATES OF AMERICA": "US", "UK": "GB",
	"UNITED KINGDOM": "GB", "GREAT BRITAIN": "GB", "GERMANY": "DE", "DEUTSCHLAND": "DE",
	"NETHERLANDS": "NL", "THE NETHERLANDS": "NL", "BELGIUM": "BE", "FRANCE": "FR",
	"SPAIN": "ES", "ITALY": "IT", "POLAND": "PL", "AUSTRIA": "AT", "SWITZERLAND": "CH",
	"CHINA": "CN", "CHINA MAINLAND": "CN", "HONG KONG": "HK", "HONG KONG SAR, CHINA": "HK",
	"JAPAN": "JP", "KOREA, REPUBLIC OF": "KR", "SOUTH KOREA": "KR", "SINGAPORE": "SG",
	"PAKISTAN": "PK", "INDIA": "IN", "UNITED ARAB EMIRATES": "AE", "CANADA": "CA",
	"MEXICO": "MX", "AUSTRALIA": "AU", "BAHRAIN": "BH", "CZECH REPUBLIC": "CZ",
	"CZECHIA": "CZ", "DENMARK": "DK", "SWEDEN": "SE", "IRELAND": "IE", "PORTUGAL": "PT",
	"BANGLADESH": "BD", "PHILIPPINES": "PH", "PHILIPPINES, THE": "PH",
}

// zoneOf is the time zone of a place, or nil when the place does not
// tell it: a country with one zone, or a US state.
func zoneOf(loc adapters.Location) *time.Location {
	name := countryZones[loc.Country]
	if loc.Country == "US" {
		name = usStateZones[loc.Region]
	}
	if name == "" {
		return nil
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return z
}

// countryZones are the zones of countries that have one.
var countryZones = map[string]string{
	"GB": "Europe/London", "DE": "Europe/Berlin", "NL": "Europe/Amsterdam",
	"BE": "Europe/Brussels", "FR": "Europe/Paris", "ES": "Europe/Madrid",
	"IT": "Europe/Rome", "PL": "Europe/Warsaw", "AT": "Europe/Vienna",
	"CH": "Europe/Zurich", "CZ": "Europe/Prague", "DK": "Europe/Copenhagen",
	"SE": "Europe/Stockholm", "IE": "Europe/Dublin", "CN": "Asia/Shanghai",
	"HK": "Asia/Hong_Kong", "JP": "Asia/Tokyo", "KR": "Asia/Seoul",
	"SG": "Asia/Singapore", "PK": "Asia/Karachi", "IN": "Asia/Kolkata",
	"AE": "Asia/Dubai", "BH": "Asia/Bahrain", "BD": "Asia/Dhaka", "PH": "Asia/Manila",
}

// usStateZones are the zones of the US states, by the zone of most of
// the state.
var usStateZones = func() map[string]string {
	m := map[string]string{}
	for zone, states := range map[string]string{
		"America/New_York":    "CT DC DE FL GA IN KY MA MD ME MI NC NH NJ NY OH PA RI SC VA VT WV",
		"America/Chicago":     "AL AR IA IL KS LA MN MO MS ND NE OK SD TN TX WI",
		"America/Denver":      "CO ID MT NM UT WY",
		"America/Phoenix":     "AZ",
		"America/Los_Angeles": "CA NV OR WA",
		"America/Anchorage":   "AK",
		"Pacific/Honolulu":    "HI",
	} {
		for _, s := range strings.Fields(states) {
			m[s] = zone
		}
	}
	return m
}()
