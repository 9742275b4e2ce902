package places

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/trackgate/trackgate/adapters"
)

// Parse reads a carrier's locality string into a place no finer than a
// city. country is the country the carrier gives apart from it (a code
// or a name), "" when none. Forms read:
//
//	LOS ANGELES, CA - USA        city, region - country (DHL Express)
//	Henderson, NV, US            city, region, country (DHL eCommerce)
//	Leipzig - Germany            city - country
//	HONG KONG - HONG KONG SAR, CHINA
//	NEW YORK, NY - EAST ELMHURST - USA   city, region - facility - country
//	CINCINNATI HUB, OH - USA     a hub is its city
//	Oderweg 2, AMSTERDAM         a street before the city is dropped
//	53113 Bonn                   a postal code before the city too
//	广东省深圳市南山区              province and city, never the district
//	深圳福田集散中心                 a depot is its city, or nothing
//
// A part with digits, an e-mail or phone sign or a contact label is
// never a city. Parse returns nil when nothing of a place is left.
func Parse(locality, country string) *adapters.Location {
	cc := ""
	if country != "" {
		cc, _ = Country(country)
	}
	s := strings.Join(strings.Fields(locality), " ")
	if hasHan(s) {
		loc := chinese(s)
		switch {
		case loc == nil && cc != "":
			return &adapters.Location{Country: cc}
		case loc != nil && cc != "" && loc.City == "" && loc.Region == "":
			loc.Country = cc
		}
		return loc
	}
	if i := strings.LastIndex(s, " - "); i >= 0 {
		if c, ok := Country(s[i+len(" - "):]); ok {
			cc, s = firstOf(cc, c), s[:i]
		}
	}
	// A service area, then the facility in it: the city is in the first.
	if i := strings.Index(s, " - "); i >= 0 {
		s = s[:i]
	}
	var parts []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	// A trailing country: any name of the one given apart, or without
	// one a name, or a code after a region ("Henderson, NV, US") or that
	// no country uses as a region's ("Paris, FR").
	for len(parts) > 1 {
		last := parts[len(parts)-1]
		c, ok := Country(last)
		switch {
		case !ok:
		case cc != "" && c != cc:
			ok = false
		case cc == "" && len(last) == 2 && len(parts) == 2 && anyRegion(last):
			ok = false
		}
		if !ok {
			break
		}
		cc, parts = c, parts[:len(parts)-1]
	}
	if len(parts) == 1 && cc == "" {
		if c, ok := Country(parts[0]); ok && len(parts[0]) > 3 {
			return &adapters.Location{Country: c}
		}
	}
	loc := &adapters.Location{Country: cc}
	if n := len(parts); n > 1 {
		if r := regionCode(parts[n-1], cc); r != "" {
			loc.Region, parts = r, parts[:n-1]
		}
	}
	for i := len(parts) - 1; i >= 0 && loc.City == ""; i-- {
		loc.City = cityName(parts[i])
	}
	if *loc == (adapters.Location{}) {
		return nil
	}
	return loc
}

// Fields reads a place a carrier gives in parts (UPS: city,
// stateProvince, countryCode): the city cleaned as in Parse, the region
// if it is a code, the country if it names one.
func Fields(city, region, country string) *adapters.Location {
	loc := &adapters.Location{}
	loc.Country, _ = Country(country)
	if hasHan(city) {
		if c := chinese(city); c != nil {
			loc.City = c.City
		}
	} else {
		loc.City = cityName(strings.Join(strings.Fields(city), " "))
	}
	loc.Region = regionCode(region, loc.Country)
	if *loc == (adapters.Location{}) {
		return nil
	}
	return loc
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// regionPattern is a state's or province's code: NV, QLD, NRW.
var regionPattern = regexp.MustCompile(`^[A-Z]{2,3}$`)

// regionCode returns s as a region code of country, "" when it is not
// one: a code in the country's table where it has one (regionZones),
// else any code of two or three letters.
func regionCode(s, country string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if !regionPattern.MatchString(s) {
		return ""
	}
	if table, ok := regionZones[country]; ok {
		if _, known := table[s]; !known {
			return ""
		}
	}
	return s
}

// anyRegion reports whether some country's table has s as a region code:
// "CA" after a city is California more often than Canada.
func anyRegion(s string) bool {
	for _, table := range regionZones {
		if _, ok := table[strings.ToUpper(s)]; ok {
			return true
		}
	}
	return false
}

var (
	// postalCodeFirst is a postal code before a city: 53113 Bonn,
	// 1015 CJ Amsterdam.
	postalCodeFirst = regexp.MustCompile(`^\d{4,6}( [A-Z]{2})? `)
	// contactWords mark a part that holds someone, not somewhere.
	contactWords = regexp.MustCompile(`(?i)\b(contact|tel|phone|attn|c/o|mobile)\b`)
	// facilityWords end a hub's name: its city is before them.
	facilityWords = regexp.MustCompile(`(?i)\s+(hub|gateway)$`)
)

// maxCityRunes and maxCityWords bound a city's name: anything longer is
// a sentence.
const (
	maxCityRunes = 40
	maxCityWords = 4
)

// cityName returns the city part s names, "" when s is not one.
func cityName(s string) string {
	s = postalCodeFirst.ReplaceAllString(strings.TrimSpace(s), "")
	s = facilityWords.ReplaceAllString(s, "")
	switch {
	case s == "",
		strings.ContainsAny(s, "0123456789@+#"),
		contactWords.MatchString(s),
		len([]rune(s)) > maxCityRunes,
		len(strings.Fields(s)) > maxCityWords:
		return ""
	}
	return s
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
