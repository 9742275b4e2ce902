package zto

import (
	"strings"
	"unicode/utf8"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/scrub"
)

// regionsOutsideTheMainland are city or province prefixes with their own
// ISO 3166 code.
var regionsOutsideTheMainland = []struct{ prefix, country string }{
	{"香港", "HK"}, {"澳门", "MO"}, {"澳門", "MO"}, {"台湾", "TW"}, {"臺灣", "TW"},
}

// streetMarks are characters of addresses finer than a city: roads,
// house numbers, buildings, rooms, villages.
const streetMarks = "路街道号號弄巷栋幢楼樓室村组組0123456789０１２３４５６７８９"

// maxPlaceRunes bounds a city or province name; anything longer is more
// than a place.
const maxPlaceRunes = 10

// locationOf is where a trace happened: the city and province ZTO files
// it under (scanCity and scanProv, or the site's city and prov), as ZTO
// writes them ("潍坊市", "山东"; "浙江省"). The site's own name is never
// taken for a city: it is a depot ("郑州鑫泰", "上海").
func locationOf(t trace) *adapters.Location {
	city, prov := t.ScanCity, t.ScanProv
	if city == "" && prov == "" {
		city, prov = t.ScanSite.City, t.ScanSite.Prov
	}
	loc := &adapters.Location{City: placeName(city), Region: placeName(prov), Country: "CN"}
	if loc.City == "" && loc.Region == "" {
		return nil
	}
	for _, r := range regionsOutsideTheMainland {
		if strings.HasPrefix(loc.Region, r.prefix) || strings.HasPrefix(loc.City, r.prefix) {
			loc.Country = r.country
		}
	}
	return loc
}

// placeName keeps a city or province name, and drops anything that looks
// finer or personal.
func placeName(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > maxPlaceRunes || strings.ContainsAny(s, streetMarks) || scrub.Has(s) {
		return ""
	}
	return s
}
