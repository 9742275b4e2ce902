package chinatrace

import (
	"slices"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/phrases"
)

func TestParcelSortsTheTracesAndFollowsTheWholeHistory(t *testing.T) {
	at := func(hour int) time.Time { return time.Date(2026, 11, 19, hour, 0, 0, 0, China) }
	delivered := phrases.Class{Status: adapters.StatusDelivered}
	traces := []Trace{
		{Time: at(12), Class: delivered, Text: "您的快件已签收，签收人：张三"},
		{Time: at(9), Class: phrases.Class{Status: adapters.StatusInTransit, Substatus: phrases.PickedUp}, Text: "已揽收"},
		{Class: delivered, Text: "a trace without a time"},
		// A late arrival scan, and one that says nothing known, after
		// the delivery within the same second: neither moves it back.
		{Time: at(12), Class: phrases.Class{Status: adapters.StatusInTransit, Substatus: phrases.ArrivedAtFacility}, Text: "快件已到达"},
		{Time: at(12), Class: phrases.Class{Status: adapters.StatusInTransit, Substatus: "zto_scan_留仓"}, Unknown: true, Text: "留仓"},
	}
	p, ok := Parcel("zto", "73100012345678", traces)
	if !ok {
		t.Fatal("no parcel")
	}
	var texts []string
	for _, e := range p.View.Events {
		texts = append(texts, e.Description)
	}
	if want := []string{"已揽收", "您的快件已签收，签收人：[name]", "快件已到达", "留仓"}; !slices.Equal(texts, want) {
		t.Errorf("events %q; want %q", texts, want)
	}
	if p.View.Status != adapters.StatusDelivered || p.Version != 5 || !p.View.UpdatedAt.Equal(at(12)) {
		t.Errorf("status %s, version %d, updated %v; want delivered, 5, %v", p.View.Status, p.Version, p.View.UpdatedAt, at(12))
	}
	if err := adaptertest.CheckView(p.View, "zto", "73100012345678", []string{"张三"}); err != nil {
		t.Error(err)
	}
	if _, ok := Parcel("zto", "73100012345678", traces[2:3]); ok {
		t.Error("a parcel of traces without a time")
	}
}

func TestPlaceKeepsProvinceAndCityWithoutPersonalData(t *testing.T) {
	cases := []struct {
		province, city string
		want           *adapters.Location
	}{
		{"广东", "深圳", &adapters.Location{City: "深圳市", Region: "广东省", Country: "CN"}},
		{"北京", "北京市", &adapters.Location{City: "北京市", Country: "CN"}},
		{"浙江", "13812345678", &adapters.Location{Region: "浙江省", Country: "CN"}},
		{"", "", nil},
	}
	for _, tc := range cases {
		got := Place(tc.province, tc.city)
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("Place(%q, %q) = %+v; want %+v", tc.province, tc.city, got, tc.want)
		}
	}
}

// The status follows the whole history, as JDL's and ZTO's traces need:
// delivered is final but for a return, and a trace that says nothing
// known moves a parcel on to in transit but never back to it.
func TestParcelStatusFollowsTheWholeHistory(t *testing.T) {
	s := func(st adapters.Status, sub string, unknown bool) Trace {
		return Trace{Class: phrases.Class{Status: st, Substatus: sub}, Unknown: unknown, Text: "…"}
	}
	cases := []struct {
		name   string
		traces []Trace
		want   adapters.Status
		sub    string
	}{
		{"the last scan", []Trace{s("in_transit", "picked_up", false), s("out_for_delivery", "", false)}, "out_for_delivery", ""},
		{"delivered stays delivered", []Trace{s("delivered", "", false), s("in_transit", "", false)}, "delivered", ""},
		{"delivered, then arrival and delivery scans",
			[]Trace{s("in_transit", "", false), s("delivered", "", false), s("in_transit", "arrived_at_facility", false), s("out_for_delivery", "", false)}, "delivered", ""},
		{"at a locker, then collected", []Trace{s("available_for_pickup", phrases.Locker, false), s("delivered", "", false)}, "delivered", ""},
		{"a station, then collected", []Trace{s("available_for_pickup", "", false), s("delivered", "", false)}, "delivered", ""},
		{"out for delivery, then a scan that says nothing known", []Trace{s("out_for_delivery", "", false), s("in_transit", "zto_scan_X", true)}, "out_for_delivery", ""},
		{"a scan that says nothing known moves on", []Trace{s("info_received", "", false), s("in_transit", "zto_scan_X", true)}, "in_transit", "zto_scan_X"},
		{"delivered, then returned", []Trace{s("delivered", "", false), s("returned", "", false)}, "returned", ""},
		{"refused, then returned", []Trace{s("exception", "", false), s("returned", "", false)}, "returned", ""},
		{"back in transit after a failed attempt", []Trace{s("attempt_failed", "", false), s("in_transit", "arrived_at_facility", false)}, "in_transit", "arrived_at_facility"},
	}
	for _, tc := range cases {
		for i := range tc.traces {
			tc.traces[i].Time = time.Date(2026, 11, 19, 8+i, 0, 0, 0, China)
		}
		p, ok := Parcel("jd", "JDVB20261118001", tc.traces)
		if !ok || p.View.Status != tc.want || p.View.Substatus != tc.sub {
			t.Errorf("%s: %s %q, %v; want %s %q", tc.name, p.View.Status, p.View.Substatus, ok, tc.want, tc.sub)
		}
	}
}
