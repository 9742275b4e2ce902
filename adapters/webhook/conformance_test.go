package webhook_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/webhook"
)

// The conformance kit's Run drives an adapter against a fake carrier API
// (bad credentials, 429, 5xx, malformed or slow answers). The webhook
// adapter calls no carrier: its Lookup reads the state file, and bad
// options fail Open, never Lookup. So this test runs the kit's checks on
// the scenarios that exist for a push adapter: a parcel found (posted
// with personal data in its free text), looked up twice, not found, a
// wrong factor, a state file that cannot be read, a cancelled context —
// and on every parcel Parcels lists.

// conformanceHistory is a realistic history, posted newest first, with
// the personal data couriers' remarks carry.
var conformanceHistory = []webhook.EventIn{
	{TrackingNumber: "ap-2026-0530-0001", Time: "2026-05-31T14:03:11+08:00", Status: "delivered",
		Description: "已签收，签收人：张三，如有疑问请联系派件员李四 13800138000",
		Location:    &webhook.LocationIn{City: "杭州市", Region: "浙江省", Country: "CN"}},
	{TrackingNumber: "AP202605300001", Time: "2026-05-31T08:12:00+08:00", Status: "out_for_delivery",
		Description: "快件已由快递员王五派送中，电话 139-0013-9000", Substatus: "ofd",
		Location: &webhook.LocationIn{City: "杭州市", Region: "浙江省", Country: "CN"}},
	{TrackingNumber: "AP202605300001", Time: "2026-05-30T21:40:00+08:00", Status: "in_transit",
		Description: "Departed Shanghai hub; contact zhangsan@example.com for questions",
		Location:    &webhook.LocationIn{City: "Shanghai", Country: "CN"}},
	{TrackingNumber: "AP202605300001", Time: "2026-05-30T09:00:00Z", Status: "info_received",
		Description: "Shipment information received from sender, signed by John Smith"},
}

var conformancePII = []string{"张三", "李四", "王五", "13800138000", "139-0013-9000", "zhangsan@example.com", "John Smith"}

// conformanceTimes are the event times the view must show, oldest first,
// each with the offset it was sent with.
var conformanceTimes = []string{"2026-05-30T09:00:00Z", "2026-05-30T21:40:00+08:00", "2026-05-31T08:12:00+08:00", "2026-05-31T14:03:11+08:00"}

func TestConformance(t *testing.T) {
	in := openIngest(t, phoneCourier)
	history := append([]webhook.EventIn(nil), conformanceHistory...)
	history[0].Factors = []string{"8000"}
	in.mustPost(t, history...)
	ref := adapters.ParcelRef{TrackingNumber: "AP202605300001", Factors: []string{"8000"}}

	t.Run("Found", func(t *testing.T) {
		p, err := in.Lookup(t.Context(), ref)
		if err != nil {
			t.Fatal(err)
		}
		if err := adaptertest.CheckView(p.View, testCourier, ref.TrackingNumber, conformancePII); err != nil {
			t.Fatal(err)
		}
		if p.Version != uint64(len(history)) || p.View.Status != adapters.StatusDelivered {
			t.Errorf("version %d status %q", p.Version, p.View.Status)
		}
		data, _ := json.Marshal(p.View)
		var wire struct {
			Events []struct {
				Time string `json:"time"`
			} `json:"events"`
		}
		if err := json.Unmarshal(data, &wire); err != nil {
			t.Fatal(err)
		}
		for i, e := range wire.Events {
			if e.Time != conformanceTimes[i] {
				t.Errorf("event %d at %q, want %q", i, e.Time, conformanceTimes[i])
			}
		}
	})
	t.Run("FoundTwiceIsStable", func(t *testing.T) {
		a, errA := in.Lookup(t.Context(), ref)
		b, errB := in.Lookup(t.Context(), ref)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if errA != nil || errB != nil || string(ja) != string(jb) {
			t.Fatalf("two lookups differ:\n%s\n%s\n%v %v", ja, jb, errA, errB)
		}
	})
	t.Run("Listed", func(t *testing.T) {
		n := 0
		err := in.Parcels(t.Context(), func(p adapters.Parcel) bool {
			n++
			if err := adaptertest.CheckView(p.View, testCourier, ref.TrackingNumber, conformancePII); err != nil {
				t.Error(err)
			}
			return true
		})
		if err != nil || n != 1 {
			t.Fatalf("listed %d parcels, %v", n, err)
		}
	})
	for _, tc := range []struct {
		name string
		ref  adapters.ParcelRef
	}{
		{"NotFound", adapters.ParcelRef{TrackingNumber: "AP202605309999"}},
		{"WrongFactor", adapters.ParcelRef{TrackingNumber: ref.TrackingNumber, Factors: []string{"0000"}}},
		{"NotATrackingNumber", adapters.ParcelRef{TrackingNumber: "AP/1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := in.Lookup(t.Context(), tc.ref)
			if cerr := adaptertest.CheckError(err, adapters.ErrNotFound, tc.ref); cerr != nil {
				t.Fatal(cerr)
			}
		})
	}
	t.Run("CancelledContext", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := in.Lookup(ctx, ref)
		for _, class := range []error{adapters.ErrNotFound, adapters.ErrUnavailable, adapters.ErrMisconfigured} {
			if err == nil || adaptertest.CheckError(err, class, ref) == nil {
				t.Fatalf("Lookup with a cancelled context: %v", err)
			}
		}
	})
	t.Run("StateFileUnreadable", func(t *testing.T) {
		if err := in.Close(); err != nil {
			t.Fatal(err)
		}
		_, err := in.Lookup(t.Context(), ref)
		if cerr := adaptertest.CheckError(err, adapters.ErrUnavailable, ref); cerr != nil {
			t.Fatal(cerr)
		}
		err = in.Parcels(t.Context(), func(adapters.Parcel) bool { return true })
		if cerr := adaptertest.CheckError(err, adapters.ErrUnavailable, ref); cerr != nil {
			t.Fatal(cerr)
		}
	})
}
