package zto

import (
	"encoding/json"
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

func TestSiteIsANameOrAnObject(t *testing.T) {
	var a, b struct{ S site }
	json.Unmarshal([]byte(`{"S":"郑州鑫泰"}`), &a)
	json.Unmarshal([]byte(`{"S":{"name":"金华浦江县","city":"金华市","prov":"浙江"}}`), &b)
	if a.S != (site{Name: "郑州鑫泰"}) || b.S != (site{Name: "金华浦江县", City: "金华市", Prov: "浙江"}) {
		t.Errorf("sites %+v, %+v", a.S, b.S)
	}
}

func TestLocationOfKeepsCityAndProvinceOnly(t *testing.T) {
	cases := []struct {
		t    trace
		want *adapters.Location
	}{
		// A province by its full name, as ZTO writes it in other answers
		// (places); a municipality or Hong Kong is a city of its own.
		{trace{ScanCity: "潍坊市", ScanProv: "山东", ScanSite: site{Name: "潍坊青州"}}, &adapters.Location{City: "潍坊市", Region: "山东省", Country: "CN"}},
		{trace{ScanSite: site{Name: "上海徐汇", City: "上海市", Prov: "上海"}}, &adapters.Location{City: "上海市", Country: "CN"}},
		{trace{ScanProv: "浙江省"}, &adapters.Location{Region: "浙江省", Country: "CN"}},
		{trace{ScanCity: "香港", ScanProv: "香港"}, &adapters.Location{City: "香港", Country: "HK"}},
		{trace{ScanCity: "13812345678", ScanProv: "浙江"}, &adapters.Location{Region: "浙江省", Country: "CN"}},
		// With only a site's name (older answers), the site's city, never
		// the site: a hub named for its city, a depot named after one, a
		// district's depot gives nothing.
		{trace{ScanSite: site{Name: "上海"}}, &adapters.Location{City: "上海市", Country: "CN"}},
		{trace{ScanSite: site{Name: "成都中转"}}, &adapters.Location{City: "成都市", Country: "CN"}},
		{trace{ScanSite: site{Name: "闸北二部"}}, nil},
		{trace{ScanSite: site{Name: "潍坊青州"}, ScanProv: "山东"}, &adapters.Location{Region: "山东省", Country: "CN"}},
		{trace{ScanCity: "世纪大道100号", ScanProv: ""}, nil},
		{trace{}, nil},
	}
	for _, tc := range cases {
		got := locationOf(tc.t)
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("locationOf(%+v) = %+v; want %+v", tc.t, got, tc.want)
		}
	}
}
