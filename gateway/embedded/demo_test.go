package embedded

import (
	"testing"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
)

// TestDemoParcelsHeadlinesThroughTheGateway tracks every demo parcel
// through the embedded default, as `serve` starts it today, and checks
// the SDK's headline against each parcel's story, handoff legs merged.
func TestDemoParcelsHeadlinesThroughTheGateway(t *testing.T) {
	d, srv := startRunning(t, Config{ParcelsPerCourier: 50})
	cl, err := client.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		code, courier string
		eta           bool
	}{
		"SW100000000001": {client.HeadlineInTransit, simulator.SwiftID, true},
		"7700000000001":  {client.HeadlineAvailableForPickup, simulator.PandaID, false},
		"SW100000000002": {client.HeadlineCustomsHold, simulator.GlobalID, false},
		"GP000000014CN":  {client.HeadlineCustomsHold, simulator.GlobalID, false},
		"SW100000000003": {client.HeadlineReturningToSender, simulator.SwiftID, false},
		"GP000000028CN":  {client.HeadlineInTransit, simulator.GlobalID, true},
	}
	for _, p := range simulator.DemoParcels() {
		res, err := cl.Track(t.Context(), p.TrackingNumber, client.TrackOptions{Factor: p.Factor})
		if err != nil {
			t.Fatalf("track demo %s: %v", p.TrackingNumber, err)
		}
		h, w := res.Headline(), want[p.TrackingNumber]
		if h.Code != w.code || h.Courier != w.courier || (h.ETA != nil) != w.eta {
			t.Errorf("%s (%s): headline %s from %s with ETA %v; want %s from %s, ETA %v", p.TrackingNumber, p.Story, h.Code, h.Courier, h.ETA, w.code, w.courier, w.eta)
		}
	}
	// The demo endpoint offers them first.
	listed := demoParcels(d.World)
	for i, p := range simulator.DemoParcels() {
		if i >= len(listed) || listed[i] != (api.DemoParcel{Courier: p.Courier, TrackingNumber: p.TrackingNumber, Factor: p.Factor}) {
			t.Fatalf("/v1/demo/parcels lists %v, want the demo parcels first", listed)
		}
	}
}
