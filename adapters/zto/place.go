package zto

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/chinatrace"
)

// locationOf is where a trace happened: the province and city ZTO files
// it under (scanProv and scanCity, or the site's prov and city), read as every
// Chinese place is (chinatrace.Place) ("山东", "潍坊市" is 潍坊市 in
// 山东省; "上海", "上海市" is 上海市, a city of its own). Older answers
// (the traceInterface of 2015) give only the site's name: then the
// site's city, as places.Parse reads a depot's name ("成都中转" is
// 成都市, "上海" 上海市), or nothing ("闸北二部"); the site itself is
// never the place. A name with personal data in it is no place.
func locationOf(t trace) *adapters.Location {
	prov, city := t.ScanProv, t.ScanCity
	if city == "" && prov == "" {
		prov, city = t.ScanSite.Prov, t.ScanSite.City
	}
	if strings.TrimSpace(city) == "" && strings.TrimSpace(prov) == "" {
		city = t.ScanSite.Name
	}
	return chinatrace.Place(prov, city)
}
