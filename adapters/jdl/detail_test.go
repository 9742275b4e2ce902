package jdl

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

func TestLocationOfKeepsCityAndProvinceOnly(t *testing.T) {
	cases := []struct {
		d    detail
		want *adapters.Location
	}{
		// Beijing is a city of its own, with no province (places).
		{detail{RouteProvinceName: "北京", RouteCityName: "北京市"}, &adapters.Location{City: "北京市", Country: "CN"}},
		{detail{RouteProvinceName: "广东", RouteCityName: "深圳"}, &adapters.Location{City: "深圳市", Region: "广东省", Country: "CN"}},
		{detail{RouteProvinceName: "广东省"}, &adapters.Location{Region: "广东省", Country: "CN"}},
		{detail{RouteCityName: "香港"}, &adapters.Location{City: "香港", Country: "HK"}},
		// An address where the city goes is personal data: no place.
		{detail{RouteCityName: "北京市朝阳区建国路88号"}, nil},
		{detail{RouteCityName: "朝阳区"}, nil},
		{detail{RouteCityName: "张三 13812345678"}, nil},
		{detail{}, nil},
	}
	for _, tc := range cases {
		got := locationOf(tc.d)
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("locationOf(%+v) = %+v; want %+v", tc.d, got, tc.want)
		}
	}
}
