package places

import (
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

func loc(city, region, country string) *adapters.Location {
	return &adapters.Location{City: city, Region: region, Country: country}
}

func TestParseReadsCarriersLocalities(t *testing.T) {
	cases := []struct {
		locality, country string
		want              *adapters.Location
	}{
		// DHL Express.
		{"LOS ANGELES, CA - USA", "US", loc("LOS ANGELES", "CA", "US")},
		{"LOS ANGELES, CA - USA", "", loc("LOS ANGELES", "CA", "US")},
		{"CINCINNATI HUB, OH - USA", "US", loc("CINCINNATI", "OH", "US")},
		{"Leipzig - Germany", "", loc("Leipzig", "", "DE")},
		{"LEIPZIG - GERMANY", "DE", loc("LEIPZIG", "", "DE")},
		{"SHENZHEN - CHINA MAINLAND", "CN", loc("SHENZHEN", "", "CN")},
		{"HONG KONG - HONG KONG SAR, CHINA", "", loc("HONG KONG", "", "HK")},
		{"LONDON-HEATHROW - UK", "GB", loc("LONDON-HEATHROW", "", "GB")},
		{"EAST MIDLANDS - UK", "", loc("EAST MIDLANDS", "", "GB")},
		{"SEOUL - KOREA, REPUBLIC OF (SOUTH K.)", "", loc("SEOUL", "", "KR")},
		{"AMSTERDAM - NETHERLANDS, THE", "", loc("AMSTERDAM", "", "NL")},
		{"MANILA - PHILIPPINES, THE", "", loc("MANILA", "", "PH")},
		{"NEW YORK, NY - EAST ELMHURST - USA", "", loc("NEW YORK", "NY", "US")},
		{"KARACHI - KARACHI - PAKISTAN", "", loc("KARACHI", "", "PK")},
		{"NEW YORK CITY GATEWAY, NY - USA", "US", loc("NEW YORK CITY", "NY", "US")},
		// DHL eCommerce and parcel services.
		{"Henderson, NV, US", "US", loc("Henderson", "NV", "US")},
		{"Henderson, NV, US", "", loc("Henderson", "NV", "US")},
		{"Bonn", "DE", loc("Bonn", "", "DE")},
		{"53113 Bonn", "DE", loc("Bonn", "", "DE")},
		{"1015 CJ Amsterdam", "NL", loc("Amsterdam", "", "NL")},
		{"Oderweg 2, AMSTERDAM", "NL", loc("AMSTERDAM", "", "NL")},
		{"Paris, FR", "", loc("Paris", "", "FR")},
		{"Oakland, CA", "", loc("Oakland", "CA", "")},
		{"Bonn, NRW", "DE", loc("Bonn", "NRW", "DE")},
		{"GERMANY", "", loc("", "", "DE")},
		{"Deutschland", "", loc("", "", "DE")},
		// Nothing of a city.
		{"Keizersgracht 123", "NL", loc("", "", "NL")},
		{"Postfiliale 502, 53113", "", nil},
		{"Contact Jane Doe, Paris", "FR", loc("Paris", "", "FR")},
		{"Contact Jane Doe", "", nil},
		{"jane@example.com", "", nil},
		{"  ", "", nil},
		{"", "DE", loc("", "", "DE")},
		{"The parcel was handed over to the neighbour across the street", "", nil},
	}
	for _, tc := range cases {
		got := Parse(tc.locality, tc.country)
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("Parse(%q, %q) = %+v; want %+v", tc.locality, tc.country, got, tc.want)
		}
	}
}

func TestParseReadsChinesePlacesNoFinerThanACity(t *testing.T) {
	cases := []struct {
		in   string
		want *adapters.Location
	}{
		{"深圳市", loc("深圳市", "", "CN")},
		{"深圳", loc("深圳市", "", "CN")},
		{"广东省深圳市", loc("深圳市", "广东省", "CN")},
		{"广东省深圳市南山区", loc("深圳市", "广东省", "CN")},
		{"广东深圳", loc("深圳市", "广东省", "CN")},
		{"北京市朝阳区建国路88号", loc("北京市", "", "CN")},
		{"内蒙古自治区呼和浩特市", loc("呼和浩特市", "内蒙古自治区", "CN")},
		{"吉林省吉林市", loc("吉林市", "吉林省", "CN")},
		{"吉林市", loc("吉林市", "", "CN")},
		{"驻马店市", loc("驻马店市", "", "CN")},
		{"哈尔滨市", loc("哈尔滨市", "", "CN")},
		{"香港", loc("香港", "", "HK")},
		{"澳门特别行政区", loc("澳门", "", "MO")},
		{"台湾台北市", loc("台北市", "", "TW")},
		{"广东省", loc("", "广东省", "CN")},
		// Depots: their city, or nothing.
		{"深圳福田集散中心", loc("深圳市", "", "CN")},
		{"北京海淀七街营业点", loc("北京市", "", "CN")},
		{"北京朝阳CBD营业部", loc("北京市", "", "CN")},
		{"【义乌转运中心】", loc("义乌市", "", "CN")},
		{"福田集散中心", nil},
		{"朝阳区", nil},
		{"长沙县", nil},
		{"中山路", nil},
		{"科苑路15号", nil},
		{"南山区科技园科苑路十五号三栋", nil},
	}
	for _, tc := range cases {
		got := Parse(tc.in, "")
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("Parse(%q) = %+v; want %+v", tc.in, got, tc.want)
		}
	}
	if got := Parse("福田集散中心", "CN"); got == nil || *got != *loc("", "", "CN") {
		t.Errorf("a depot without a city, in a country given apart: %+v", got)
	}
}

func TestFieldsCleansEachPart(t *testing.T) {
	cases := []struct {
		city, region, country string
		want                  *adapters.Location
	}{
		{"ATLANTA", "GA", "US", loc("ATLANTA", "GA", "US")},
		{"Louisville", "KY", "US", loc("Louisville", "KY", "US")},
		{"100 Main St", "NJ", "US", loc("", "NJ", "US")},
		{"Toronto", "ON", "CA", loc("Toronto", "ON", "CA")},
		{"Hamburg", "Hamburg", "DE", loc("Hamburg", "", "DE")},
		{"Shenzhen", "", "China", loc("Shenzhen", "", "CN")},
		{"深圳市福田区", "", "CN", loc("深圳市", "", "CN")},
		{"", "", "", nil},
		{"Atlanta", "XX", "US", loc("Atlanta", "", "US")},
	}
	for _, tc := range cases {
		got := Fields(tc.city, tc.region, tc.country)
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("Fields(%q, %q, %q) = %+v; want %+v", tc.city, tc.region, tc.country, got, tc.want)
		}
	}
}

func TestCountryNamesTheFormsCarriersUse(t *testing.T) {
	cases := map[string]string{
		"USA": "US", "United States": "US", "us": "US", "UK": "GB", "Great Britain": "GB",
		"CHINA MAINLAND": "CN", "China": "CN", "HONG KONG SAR, CHINA": "HK", "Korea, Republic of (South K.)": "KR",
		"Netherlands, The": "NL", "Côte d'Ivoire": "CI", "Russian Federation": "RU", "中国": "CN", "美国": "US",
		"Bosnia & Herzegovina": "BA", "DEU": "DE", "Deutschland": "DE", "Österreich": "AT", "España": "ES",
	}
	for name, want := range cases {
		if got, ok := Country(name); !ok || got != want {
			t.Errorf("Country(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "Atlantis", "ZZ", "Los Angeles"} {
		if got, ok := Country(name); ok {
			t.Errorf("Country(%q) = %q", name, got)
		}
	}
}

func TestZoneOfAPlace(t *testing.T) {
	cases := []struct {
		l    *adapters.Location
		want string // "" for none
	}{
		{loc("LEIPZIG", "", "DE"), "Europe/Berlin"},
		{loc("SHENZHEN", "", "CN"), "Asia/Shanghai"},
		{loc("深圳市", "广东省", "CN"), "Asia/Shanghai"},
		{loc("HONG KONG", "", "HK"), "Asia/Hong_Kong"},
		{loc("LOS ANGELES", "CA", "US"), "America/Los_Angeles"},
		{loc("Henderson", "NV", "US"), "America/Los_Angeles"},
		{loc("CINCINNATI", "OH", "US"), "America/New_York"},
		{loc("Phoenix", "AZ", "US"), "America/Phoenix"},
		{loc("CINCINNATI", "", "US"), "America/New_York"},
		{loc("Toronto", "ON", "CA"), "America/Toronto"},
		{loc("SYDNEY", "", "AU"), "Australia/Sydney"},
		{loc("Perth", "WA", "AU"), "Australia/Perth"},
		{loc("MOSCOW", "", "RU"), "Europe/Moscow"},
		{loc("Las Palmas", "", "ES"), "Atlantic/Canary"},
		{loc("Madrid", "", "ES"), "Europe/Madrid"},
		{loc("Buenos Aires", "", "AR"), "America/Argentina/Buenos_Aires"},
		// Countries that span zones, with nothing to choose one by.
		{loc("Springfield", "", "US"), ""},
		{loc("", "", "RU"), ""},
		{loc("Kupang", "", "ID"), ""},
		{loc("Bonn", "", ""), ""},
		{nil, ""},
	}
	for _, tc := range cases {
		name, ok := ZoneName(tc.l)
		if ok != (tc.want != "") || name != tc.want {
			t.Errorf("ZoneName(%+v) = %q, %v; want %q", tc.l, name, ok, tc.want)
		}
		z, ok := Zone(tc.l)
		if ok != (tc.want != "") || ok && z.String() != tc.want {
			t.Errorf("Zone(%+v) = %v, %v; want %q", tc.l, z, ok, tc.want)
		}
	}
}

// A local time read at a place's zone keeps the place's offset, summer
// time included.
func TestZoneGivesLocalTimesTheirOffset(t *testing.T) {
	la, _ := Zone(loc("LOS ANGELES", "CA", "US"))
	winter := time.Date(2026, 1, 15, 9, 30, 0, 0, la).Format(time.RFC3339)
	summer := time.Date(2026, 7, 15, 9, 30, 0, 0, la).Format(time.RFC3339)
	if winter != "2026-01-15T09:30:00-08:00" || summer != "2026-07-15T09:30:00-07:00" {
		t.Errorf("Los Angeles: %s and %s", winter, summer)
	}
	cn, _ := Zone(loc("SHENZHEN", "", "CN"))
	if got := time.Date(2026, 7, 15, 9, 30, 0, 0, cn).Format(time.RFC3339); got != "2026-07-15T09:30:00+08:00" {
		t.Errorf("Shenzhen: %s", got)
	}
}

// Every zone the tables name loads from the embedded database, and every
// code they use is a country's.
func TestEveryZoneInTheTablesLoads(t *testing.T) {
	names := map[string]bool{}
	for code, z := range singleZones {
		names[z] = true
		if c, ok := Country(code); !ok || c != code {
			t.Errorf("country zone for %q, which is not a code", code)
		}
	}
	for _, tables := range []map[string]map[string]string{regionZones, cityZones} {
		for code, table := range tables {
			if _, ok := Country(code); !ok {
				t.Errorf("zones of %q, which is not a code", code)
			}
			for _, z := range table {
				names[z] = true
			}
		}
	}
	for name := range names {
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("zone %q: %v", name, err)
		}
	}
	if len(singleZones) < 230 {
		t.Errorf("only %d countries keep one zone", len(singleZones))
	}
}

func TestEveryChineseCityIsReadBack(t *testing.T) {
	for name := range cityNames {
		got := Parse(name+"市", "")
		if got == nil || got.City != name+"市" || got.Country != "CN" {
			t.Errorf("Parse(%q) = %+v", name+"市", got)
		}
		if strings.ContainsAny(name, streetMarks) {
			t.Errorf("city %q holds a street mark", name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("LOS ANGELES, CA - USA", "US")
	f.Add("广东省深圳市南山区科技园", "")
	f.Fuzz(func(t *testing.T, locality, country string) {
		l := Parse(locality, country)
		if l == nil {
			return
		}
		if *l == (adapters.Location{}) {
			t.Fatalf("Parse(%q, %q) gave an empty place", locality, country)
		}
		if strings.ContainsAny(l.City, "0123456789@") {
			t.Fatalf("Parse(%q, %q) gave the city %q", locality, country, l.City)
		}
		if l.Country != "" {
			if c, ok := Country(l.Country); !ok || c != l.Country {
				t.Fatalf("Parse(%q, %q) gave the country %q", locality, country, l.Country)
			}
		}
	})
}
