package jdl

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

func TestOpTimeIsChinaTime(t *testing.T) {
	want := time.Date(2023, 8, 8, 1, 0, 0, 0, time.UTC)
	for _, in := range []string{`"2023-08-08 09:00:00"`, `"2023/08/08 09:00:00"`, `1691456400000`, `"1691456400000"`} {
		var v opTime
		if err := json.Unmarshal([]byte(in), &v); err != nil || !v.Equal(want) {
			t.Errorf("opTime %s = %v, %v; want %v", in, v.Time, err, want)
		}
		if s := v.Format(time.RFC3339); s != "2023-08-08T09:00:00+08:00" {
			t.Errorf("opTime %s formats as %s; want +08:00", in, s)
		}
	}
	for _, in := range []string{`null`, `""`, `"yesterday"`, `12`, `{}`} {
		var v opTime
		if err := json.Unmarshal([]byte(in), &v); err != nil || !v.IsZero() {
			t.Errorf("opTime %s = %v, %v; want no time", in, v.Time, err)
		}
	}
}

func TestCategoryIsANumberOrDigits(t *testing.T) {
	for in, want := range map[string]category{`510`: "510", `"510"`: "510", `null`: "", `{}`: ""} {
		var c category
		if err := json.Unmarshal([]byte(in), &c); err != nil || c != want {
			t.Errorf("category %s = %q, %v; want %q", in, c, err, want)
		}
	}
}

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
