package adaptertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

var cst = time.FixedZone("CST", 8*3600)

func goodView() adapters.View {
	t0 := time.Date(2026, 11, 20, 14, 3, 11, 0, cst)
	return adapters.View{
		Courier: "sf-express", TrackingNumber: "SF1234567890123", Status: adapters.StatusOutForDelivery,
		Events: []adapters.Event{
			{Time: t0, Status: adapters.StatusInTransit, Description: "顺丰速运 已收取快件",
				Location: &adapters.Location{City: "深圳市", Country: "CN"}},
			{Time: t0.Add(5 * time.Hour), Status: adapters.StatusInTransit, Description: "快件到达 【上海浦东集散中心】"},
			{Time: t0.Add(20 * time.Hour), Status: adapters.StatusOutForDelivery, Description: "快件交给派件员，正在派送途中"},
		},
		UpdatedAt: t0.Add(20 * time.Hour),
	}
}

var fixturePII = []string{"Zhang Wei", "张伟", "13812345678", "浦东新区世纪大道100号"}

// conformingSource is an adapter that does everything right.
type conformingSource struct{ s Scenario }

func (c conformingSource) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	if err := ctx.Err(); err != nil {
		return adapters.Parcel{}, fmt.Errorf("fake: %w", err)
	}
	switch c.s {
	case Found:
		return adapters.Parcel{Factors: ref.Factors[:1], Version: 3, View: goodView()}, nil
	case NotFound:
		return adapters.Parcel{}, fmt.Errorf("fake: %w", adapters.ErrNotFound)
	case BadCredentials:
		return adapters.Parcel{}, fmt.Errorf("fake: %w: key refused", adapters.ErrMisconfigured)
	case RateLimited:
		return adapters.Parcel{}, fmt.Errorf("fake: %w", &adapters.RetryAfterError{Wait: 2 * time.Minute})
	default:
		return adapters.Parcel{}, fmt.Errorf("fake: %w: %v", adapters.ErrUnavailable, c.s)
	}
}

func TestRunPassesAConformingAdapter(t *testing.T) {
	Run(t, Harness{
		Courier:    "sf-express",
		Ref:        adapters.ParcelRef{TrackingNumber: "sf 1234-5678-90123", Factors: []string{"5678", "1234"}},
		Open:       func(t *testing.T, s Scenario) adapters.Source { return conformingSource{s} },
		PII:        fixturePII,
		RetryAfter: 2 * time.Minute,
		EventTimes: []string{"2026-11-20T14:03:11+08:00", "2026-11-20T19:03:11+08:00", "2026-11-21T10:03:11+08:00"},
		Status:     adapters.StatusOutForDelivery,
	})
}

func TestRunPlaysOnlyTheListedFailures(t *testing.T) {
	Run(t, Harness{
		Courier: "sf-express",
		Ref:     adapters.ParcelRef{TrackingNumber: "SF1234567890123", Factors: []string{"5678"}},
		Open: func(t *testing.T, s Scenario) adapters.Source {
			if s != Found && s != NotFound {
				t.Errorf("opened for %v, which the harness does not list", s)
			}
			return conformingSource{s}
		},
		PII:      fixturePII,
		Failures: []Scenario{NotFound},
	})
}

func TestCheckViewCatchesDefects(t *testing.T) {
	cases := []struct {
		name string
		edit func(*adapters.View)
		want string // in the error; "" = passes
	}{
		{"conforming", func(*adapters.View) {}, ""},
		{"other courier", func(v *adapters.View) { v.Courier = "sfexpress" }, "courier"},
		{"number not normalized", func(v *adapters.View) { v.TrackingNumber = "sf1234567890123" }, "normalized"},
		{"status outside the taxonomy", func(v *adapters.View) { v.Status = "signed" }, "taxonomy"},
		{"events newest first", func(v *adapters.View) {
			v.Events[0], v.Events[2] = v.Events[2], v.Events[0]
		}, "older"},
		{"updated before the last event", func(v *adapters.View) { v.UpdatedAt = v.Events[0].Time }, "updated_at"},
		{"mobile number in a remark", func(v *adapters.View) { v.Events[2].Description = "派件员电话 138 1234 5678" }, "mobile"},
		{"masked mobile number", func(v *adapters.View) { v.Events[2].Description = "联系电话138****5678" }, "masked"},
		{"international number", func(v *adapters.View) { v.Events[1].Description = "call +49 228 1234567" }, "international"},
		{"landline", func(v *adapters.View) { v.Events[1].Description = "网点电话 0755-83395566" }, "landline"},
		{"e-mail address", func(v *adapters.View) { v.Substatus = "notify zhang.wei@example.com" }, "e-mail"},
		{"ID card number", func(v *adapters.View) { v.Events[0].Description = "证件 11010519491231002X" }, "ID card"},
		{"fixture name in any case", func(v *adapters.View) { v.Events[2].Description = "handed over to zhang wei" }, "Zhang Wei"},
		{"text scrub would mask", func(v *adapters.View) { v.Events[2].Description = "Signed by KOWALSKI" }, "scrub"},
		{"fixture address in a city", func(v *adapters.View) { v.Events[0].Location.City = "上海市浦东新区世纪大道100号" }, "世纪大道"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := goodView()
			tc.edit(&v)
			err := CheckView(v, "sf-express", "SF 1234 5678 90123", fixturePII)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("CheckView: %v", err)
			case tc.want != "" && err == nil:
				t.Fatalf("CheckView passed; want an error about %q", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("CheckView: %v; want an error about %q", err, tc.want)
			}
		})
	}
}

func TestCheckViewJSONWantsOffsetsOnEveryTime(t *testing.T) {
	good, err := json.Marshal(goodView())
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckViewJSON(good, nil); err != nil {
		t.Fatalf("marshalled view: %v", err)
	}
	cases := map[string]string{
		"naive event time":       `{"events":[{"time":"2026-11-20T14:03:11","status":"in_transit"}]}`,
		"space for T":            `{"updated_at":"2026-11-20 14:03:11+08:00"}`,
		"China time as a string": `{"eta":{"from":"2026-11-21T09:00:00+08:00","to":"2026-11-21 18:00"}}`,
		"offset without colon":   `{"updated_at":"2026-11-20T14:03:11+0800"}`,
		"not JSON":               `{"updated_at":`,
	}
	for name, doc := range cases {
		if err := CheckViewJSON([]byte(doc), nil); err == nil {
			t.Errorf("%s: CheckViewJSON(%s) passed", name, doc)
		}
	}
}

func TestCheckViewJSONLeavesNumbersThatAreNotPhones(t *testing.T) {
	for _, doc := range []string{
		// Tracking numbers are not free text, however many digits they have.
		`{"tracking_number":"13812345678","handoffs":[{"courier":"ems","tracking_number":"110105194912310021"}]}`,
		// A phone-like run inside a longer code is not a phone number.
		`{"events":[{"description":"转寄 SF1381234567890 运单"}]}`,
		`{"events":[{"description":"Arrived at hub 1381234567890"}]}`,
	} {
		if err := CheckViewJSON([]byte(doc), nil); err != nil {
			t.Errorf("CheckViewJSON(%s): %v", doc, err)
		}
	}
}

// bothClasses is an error that wrongly claims two classes at once.
type bothClasses struct{}

func (bothClasses) Error() string { return "confused" }
func (bothClasses) Is(target error) bool {
	return target == adapters.ErrNotFound || target == adapters.ErrUnavailable
}

func TestCheckErrorCatchesDefects(t *testing.T) {
	ref := adapters.ParcelRef{TrackingNumber: "sf1234567890123", Factors: []string{"5678"}}
	cases := []struct {
		name string
		err  error
		want error
		ok   bool
	}{
		{"right class", fmt.Errorf("sfexpress: %w", adapters.ErrNotFound), adapters.ErrNotFound, true},
		{"no error", nil, adapters.ErrNotFound, false},
		{"wrong class", fmt.Errorf("x: %w", adapters.ErrUnavailable), adapters.ErrMisconfigured, false},
		{"unclassified", errors.New("HTTP 401"), adapters.ErrMisconfigured, false},
		{"two classes", bothClasses{}, adapters.ErrNotFound, false},
		{"names the number", fmt.Errorf("SF1234567890123: %w", adapters.ErrNotFound), adapters.ErrNotFound, false},
		{"names the number as given", fmt.Errorf("lookup sf1234567890123: %w", adapters.ErrNotFound), adapters.ErrNotFound, false},
		{"names the factor", fmt.Errorf("checkPhoneNo 5678 refused: %w", adapters.ErrNotFound), adapters.ErrNotFound, false},
		{"want is not a class", adapters.ErrInvalidView, adapters.ErrInvalidView, false},
	}
	for _, tc := range cases {
		if err := CheckError(tc.err, tc.want, ref); (err == nil) != tc.ok {
			t.Errorf("%s: CheckError = %v; want ok = %v", tc.name, err, tc.ok)
		}
	}
}
