package simulator

import (
	"math"
	"time"
	_ "time/tzdata" // local event times must not depend on the host's zoneinfo
)

// city is a place where events happen. Views name places no finer than a
// city; hubs, stations and pickup points are named after their city.
type city struct {
	en, zh   string
	region   string // province or state, in English
	country  string // ISO 3166-1 alpha-2
	lat, lon float64
	loc      *time.Location
	// gateway cities have the courier's international hub with customs.
	gateway bool
	// shipper weights how often parcels start here (e-commerce origins).
	shipper int
}

// cityID indexes cities; events store it instead of a pointer to stay small.
type cityID uint8

var (
	chinaTime = mustLoadLocation("Asia/Shanghai")

	cities = []city{
		{en: "Shenzhen", zh: "深圳", region: "Guangdong", country: "CN", lat: 22.54, lon: 114.06, gateway: true, shipper: 8},
		{en: "Guangzhou", zh: "广州", region: "Guangdong", country: "CN", lat: 23.13, lon: 113.26, gateway: true, shipper: 9},
		{en: "Dongguan", zh: "东莞", region: "Guangdong", country: "CN", lat: 23.02, lon: 113.75, shipper: 5},
		{en: "Shanghai", zh: "上海", region: "Shanghai", country: "CN", lat: 31.23, lon: 121.47, gateway: true, shipper: 6},
		{en: "Hangzhou", zh: "杭州", region: "Zhejiang", country: "CN", lat: 30.27, lon: 120.16, shipper: 7},
		{en: "Yiwu", zh: "义乌", region: "Zhejiang", country: "CN", lat: 29.31, lon: 120.08, shipper: 9},
		{en: "Suzhou", zh: "苏州", region: "Jiangsu", country: "CN", lat: 31.30, lon: 120.59, shipper: 4},
		{en: "Nanjing", zh: "南京", region: "Jiangsu", country: "CN", lat: 32.06, lon: 118.80, shipper: 1},
		{en: "Beijing", zh: "北京", region: "Beijing", country: "CN", lat: 39.90, lon: 116.41, gateway: true, shipper: 2},
		{en: "Tianjin", zh: "天津", region: "Tianjin", country: "CN", lat: 39.13, lon: 117.20, shipper: 2},
		{en: "Chengdu", zh: "成都", region: "Sichuan", country: "CN", lat: 30.57, lon: 104.07, shipper: 2},
		{en: "Chongqing", zh: "重庆", region: "Chongqing", country: "CN", lat: 29.56, lon: 106.55, shipper: 1},
		{en: "Wuhan", zh: "武汉", region: "Hubei", country: "CN", lat: 30.59, lon: 114.31, shipper: 1},
		{en: "Xi'an", zh: "西安", region: "Shaanxi", country: "CN", lat: 34.34, lon: 108.94, shipper: 1},
		{en: "Changsha", zh: "长沙", region: "Hunan", country: "CN", lat: 28.23, lon: 112.94, shipper: 1},
		{en: "Zhengzhou", zh: "郑州", region: "Henan", country: "CN", lat: 34.75, lon: 113.63, shipper: 1},
		{en: "Xiamen", zh: "厦门", region: "Fujian", country: "CN", lat: 24.48, lon: 118.09, shipper: 2},
		{en: "Qingdao", zh: "青岛", region: "Shandong", country: "CN", lat: 36.07, lon: 120.38, shipper: 1},
		{en: "Shenyang", zh: "沈阳", region: "Liaoning", country: "CN", lat: 41.81, lon: 123.43},
		{en: "Kunming", zh: "昆明", region: "Yunnan", country: "CN", lat: 25.04, lon: 102.71},

		{en: "Frankfurt", zh: "法兰克福", region: "Hesse", country: "DE", lat: 50.11, lon: 8.68, gateway: true, shipper: 3},
		{en: "Hamburg", zh: "汉堡", region: "Hamburg", country: "DE", lat: 53.55, lon: 9.99, shipper: 1},
		{en: "London", zh: "伦敦", region: "England", country: "GB", lat: 51.51, lon: -0.13, gateway: true, shipper: 3},
		{en: "Paris", zh: "巴黎", region: "Île-de-France", country: "FR", lat: 48.86, lon: 2.35, gateway: true, shipper: 2},
		{en: "Amsterdam", zh: "阿姆斯特丹", region: "North Holland", country: "NL", lat: 52.37, lon: 4.90, gateway: true, shipper: 1},
		{en: "Madrid", zh: "马德里", region: "Madrid", country: "ES", lat: 40.42, lon: -3.70, gateway: true, shipper: 1},
		{en: "Los Angeles", zh: "洛杉矶", region: "California", country: "US", lat: 34.05, lon: -118.24, gateway: true, shipper: 3},
		{en: "New York", zh: "纽约", region: "New York", country: "US", lat: 40.71, lon: -74.01, gateway: true, shipper: 3},
		{en: "Chicago", zh: "芝加哥", region: "Illinois", country: "US", lat: 41.88, lon: -87.63, shipper: 1},
		{en: "Toronto", zh: "多伦多", region: "Ontario", country: "CA", lat: 43.65, lon: -79.38, gateway: true, shipper: 1},
		{en: "Sydney", zh: "悉尼", region: "New South Wales", country: "AU", lat: -33.87, lon: 151.21, gateway: true, shipper: 2},
		{en: "Melbourne", zh: "墨尔本", region: "Victoria", country: "AU", lat: -37.81, lon: 144.96, shipper: 1},
		{en: "Tokyo", zh: "东京", region: "Tokyo", country: "JP", lat: 35.68, lon: 139.69, gateway: true, shipper: 2},
		{en: "Seoul", zh: "首尔", region: "Seoul", country: "KR", lat: 37.57, lon: 126.98, gateway: true, shipper: 1},
		{en: "Singapore", zh: "新加坡", region: "Singapore", country: "SG", lat: 1.35, lon: 103.82, gateway: true, shipper: 1},
		{en: "Dubai", zh: "迪拜", region: "Dubai", country: "AE", lat: 25.20, lon: 55.27, gateway: true, shipper: 1},
	}

	// zones maps the countries above to their time zone; the United
	// States, Australia and Canada need one per city.
	zones = map[string]string{
		"DE": "Europe/Berlin", "GB": "Europe/London", "FR": "Europe/Paris",
		"NL": "Europe/Amsterdam", "ES": "Europe/Madrid", "JP": "Asia/Tokyo",
		"KR": "Asia/Seoul", "SG": "Asia/Singapore", "AE": "Asia/Dubai",
		"Los Angeles": "America/Los_Angeles", "New York": "America/New_York",
		"Chicago": "America/Chicago", "Toronto": "America/Toronto",
		"Sydney": "Australia/Sydney", "Melbourne": "Australia/Melbourne",
	}

	// transitHubs are the central sorting hubs long domestic routes pass.
	transitHubs = cityIDs("Wuhan", "Zhengzhou", "Changsha", "Xi'an", "Nanjing")

	chinaCities, foreignCities []cityID
)

func init() {
	for i := range cities {
		c := &cities[i]
		switch {
		case c.country == "CN":
			c.loc = chinaTime
			chinaCities = append(chinaCities, cityID(i))
		case zones[c.en] != "":
			c.loc = mustLoadLocation(zones[c.en])
			foreignCities = append(foreignCities, cityID(i))
		default:
			c.loc = mustLoadLocation(zones[c.country])
			foreignCities = append(foreignCities, cityID(i))
		}
	}
}

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("simulator: time zone " + name + ": " + err.Error()) // tzdata is embedded
	}
	return loc
}

func cityIDs(names ...string) []cityID {
	var ids []cityID
	for _, n := range names {
		for i, c := range cities {
			if c.en == n {
				ids = append(ids, cityID(i))
			}
		}
	}
	return ids
}

func (id cityID) city() *city { return &cities[id] }

// distanceKm is the great-circle distance between two cities.
func distanceKm(a, b cityID) float64 {
	const earthRadiusKm = 6371
	ca, cb := a.city(), b.city()
	rad := math.Pi / 180
	dLat := (cb.lat - ca.lat) * rad
	dLon := (cb.lon - ca.lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(ca.lat*rad)*math.Cos(cb.lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(h))
}

// gatewayFor is the gateway of c's country nearest to c.
func gatewayFor(c cityID) cityID {
	best, bestKm := c, math.Inf(1)
	for i := range cities {
		g := cityID(i)
		if cities[i].gateway && cities[i].country == c.city().country {
			if km := distanceKm(c, g); km < bestKm {
				best, bestKm = g, km
			}
		}
	}
	return best
}

// transitHub returns the central hub a long domestic route from a to b
// passes, or false when the direct route is short or no hub lies on it.
func transitHub(a, b cityID) (cityID, bool) {
	direct := distanceKm(a, b)
	if direct < 900 || a.city().country != "CN" || b.city().country != "CN" {
		return 0, false
	}
	best, bestKm := cityID(0), direct*1.25
	for _, h := range transitHubs {
		if h == a || h == b {
			continue
		}
		if km := distanceKm(a, h) + distanceKm(h, b); km < bestKm {
			best, bestKm = h, km
		}
	}
	return best, bestKm < direct*1.25
}
