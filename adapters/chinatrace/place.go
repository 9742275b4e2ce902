package chinatrace

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/places"
	"github.com/trackgate/trackgate/adapters/scrub"
)

// Place is where a trace happened, from the province and the city a
// courier files it under, read by places.Parse as every Chinese place is
// ("山东", "潍坊市" is 潍坊市 in 山东省; "北京", "北京市" is 北京市, a city
// of its own): the province by its full name, the city with 市, nothing
// finer. A part with personal data in it is left out; no city and no
// province is no location.
func Place(province, city string) *adapters.Location {
	var parts []string
	for _, s := range []string{province, city} {
		if s = strings.TrimSpace(s); s != "" && !scrub.Has(s) {
			parts = append(parts, s)
		}
	}
	return places.Parse(strings.Join(parts, ""), "")
}
