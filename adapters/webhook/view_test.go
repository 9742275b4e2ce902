package webhook_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/webhook"
)

func TestViewOrdersEventsOldestFirstAndTakesTheLatest(t *testing.T) {
	in := openIngest(t)
	pickup := ev(goodTN, 0, adapters.StatusInfoReceived, "Picked up")
	hub := ev(goodTN, 90, adapters.StatusInTransit, "Arrived at Shanghai hub")
	hub.Substatus = "hub_arrival"
	hub.ETA = &webhook.ETAIn{From: "2026-06-01T09:00:00+08:00", To: "2026-06-01T18:00:00+08:00"}
	hub.Handoff = &webhook.HandoffIn{Courier: "last-mile", TrackingNumber: "lm-0000 1111"}
	sorting := ev(goodTN, 30, adapters.StatusInTransit, "Sorted at Hangzhou hub")
	sorting.ETA = &webhook.ETAIn{From: "2026-06-02T09:00:00+08:00", To: "2026-06-02T18:00:00+08:00"}
	sorting.Handoff = hub.Handoff
	// Posted newest first, across two requests.
	in.mustPost(t, hub)
	in.mustPost(t, sorting, pickup)

	p, err := in.lookup(t, goodTN)
	if err != nil {
		t.Fatal(err)
	}
	v := p.View
	var got []string
	for _, e := range v.Events {
		got = append(got, e.Description)
	}
	if want := []string{"Picked up", "Sorted at Hangzhou hub", "Arrived at Shanghai hub"}; !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	if err := v.Check(); err != nil {
		t.Fatal(err)
	}
	switch {
	case p.Version != 3:
		t.Errorf("version %d, want 3 (one per event)", p.Version)
	case v.Courier != testCourier || v.Status != adapters.StatusInTransit || v.Substatus != "hub_arrival":
		t.Errorf("courier %q status %q substatus %q", v.Courier, v.Status, v.Substatus)
	case !v.UpdatedAt.Equal(v.Events[2].Time):
		t.Errorf("updated_at %s, want the latest event's time", v.UpdatedAt)
	case v.ETA == nil || v.ETA.From.Day() != 1:
		t.Errorf("eta %+v, want the latest event's", v.ETA)
	case len(v.Handoffs) != 1 || v.Handoffs[0] != (adapters.Handoff{Courier: "last-mile", TrackingNumber: "LM00001111"}):
		t.Errorf("handoffs %+v, want one, normalized", v.Handoffs)
	}
	// Times keep the offset they were sent with.
	data, _ := json.Marshal(v)
	if !strings.Contains(string(data), `"time":"2026-05-30T08:00:00+08:00"`) || !strings.Contains(string(data), `"updated_at":"2026-05-30T09:30:00+08:00"`) {
		t.Errorf("offsets lost: %s", data)
	}

	// Once final, the parcel has no ETA.
	in.mustPost(t, ev(goodTN, 600, adapters.StatusDelivered, "Delivered"))
	p, err = in.lookup(t, goodTN)
	if err != nil {
		t.Fatal(err)
	}
	if p.View.Status != adapters.StatusDelivered || p.View.ETA != nil || p.Version != 4 {
		t.Errorf("final parcel: status %q eta %+v version %d", p.View.Status, p.View.ETA, p.Version)
	}
}

func TestEventsAtTheSameInstantKeepTheirArrivalOrder(t *testing.T) {
	in := openIngest(t)
	in.mustPost(t, ev(goodTN, 10, adapters.StatusOutForDelivery, "Out for delivery"))
	in.mustPost(t, ev(goodTN, 10, adapters.StatusAttemptFailed, "Nobody home"))
	p, err := in.lookup(t, goodTN)
	if err != nil {
		t.Fatal(err)
	}
	if p.View.Status != adapters.StatusAttemptFailed || p.View.Events[1].Description != "Nobody home" {
		t.Fatalf("status %q, events %+v", p.View.Status, p.View.Events)
	}
}

func TestGetParcelShowsWhatWillBePublished(t *testing.T) {
	in := openIngest(t)
	in.mustPost(t, ev(goodTN, 0, adapters.StatusInTransit, "Departed Hangzhou hub"))
	a := in.do(t, http.MethodGet, "/v1/parcels/ap-1000000001", testToken, "", nil)
	if a.status != http.StatusOK {
		t.Fatalf("%d %s", a.status, a.body)
	}
	var got webhook.ParcelResponse
	if err := json.Unmarshal(a.body, &got); err != nil {
		t.Fatal(err)
	}
	want, err := in.lookup(t, goodTN)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got.View)
	w, _ := json.Marshal(want.View)
	if got.Version != 1 || got.Factors == nil || string(g) != string(w) {
		t.Fatalf("GET answers %s; Lookup gives %s", a.body, w)
	}
}
