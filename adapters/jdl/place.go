package jdl

import (
	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/chinatrace"
)

// locationOf is where a trace happened: the province and city JDL files
// it under (routeProvinceName, routeCityName), read as every Chinese
// place is (chinatrace.Place) — the province by its full name (北京 and the
// other municipalities are cities, with no province), the city with 市,
// nothing finer. The district and street address JDL sends beside them
// are never read, nor are site names ("【北京通州分拣中心】"); a name
// with personal data in it is no place. No city and no province is no
// location.
func locationOf(d detail) *adapters.Location {
	return chinatrace.Place(d.RouteProvinceName, d.RouteCityName)
}
